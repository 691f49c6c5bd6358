/**
 * `@interlock/cli`: the `interlock` command and the renderers behind it, for programs that want
 * a report in another format without spawning the CLI.
 */
export { run, DEFAULT_REPORT, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, type CliIO } from './cli.ts';
export { CliError, OutputError, ReportInputError, ReportTooLargeError } from './errors.ts';
export { DEFAULT_MAX_BYTES, MAX_EDGES, MAX_LOCKS } from './limits.ts';
export { readReport } from './read-report.ts';
export { FORMATS, render, type Format, type RenderContext } from './render/index.ts';
export { renderText, type TextOptions } from './render/text.ts';
export { renderDot, dotString } from './render/dot.ts';
export { renderMermaid, mermaidLabel } from './render/mermaid.ts';
export { renderSarif, RULES, type SarifOptions } from './render/sarif.ts';
export { renderHtml, escapeHtml, type HtmlOptions } from './render/html.ts';
export { writeAtomically } from './write-output.ts';

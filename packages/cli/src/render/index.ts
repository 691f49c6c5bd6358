/** Every output format of `interlock report`, behind one function. */
import { reportJsonChunks, type LockGraphReport } from '@interlock/core';
import { renderDot } from './dot.ts';
import { renderHtml } from './html.ts';
import { renderMermaid } from './mermaid.ts';
import { renderSarif } from './sarif.ts';
import { renderText } from './text.ts';

/** The formats, in the order `--help` lists them. */
export const FORMATS = ['text', 'json', 'dot', 'mermaid', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** What renderers may need besides the report. */
export interface RenderContext {
  /** The working directory: text shows paths relative to it. */
  readonly cwd: string;
  /** The repository root: SARIF and HTML paths are relative to it. */
  readonly root: string;
  /** ANSI colour in text. */
  readonly color: boolean;
  /** The report's file name, as the user gave it (HTML shows it in the title). */
  readonly source: string;
  /** The report file version `json` writes (docs/reports.md). @default 2 */
  readonly reportVersion?: 1 | 2;
}

/**
 * Renders `report` in `format`. Pure: nothing is read or written. JSON comes in pieces (a large
 * report's JSON may be longer than one string can be); every other format as one string.
 */
export function render(
  report: LockGraphReport,
  format: Format,
  context: RenderContext,
): string | Iterable<string> {
  switch (format) {
    case 'text':
      return renderText(report, { cwd: context.cwd, color: context.color });
    case 'json':
      return reportJsonChunks(report, { version: context.reportVersion ?? 2 });
    case 'dot':
      return renderDot(report);
    case 'mermaid':
      return renderMermaid(report);
    case 'sarif':
      return `${JSON.stringify(renderSarif(report, { root: context.root, cwd: context.cwd }), null, 2)}\n`;
    case 'html':
      return renderHtml(report, { root: context.root, cwd: context.cwd, source: context.source });
  }
}

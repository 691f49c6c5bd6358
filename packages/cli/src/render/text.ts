/**
 * The `text` format: core's lockdep-style report (it ends in a one-line summary), with headings
 * and the summary coloured when the output is a terminal that wants colour.
 */
import { styleText } from 'node:util';
import { formatReport, type LockGraphReport } from '@interlock/core';

/** Options of {@link renderText}. */
export interface TextOptions {
  /** Directory site paths are shown relative to. @default undefined (as recorded) */
  readonly cwd?: string;
  /** Colour headings and the summary with ANSI escapes. @default false */
  readonly color?: boolean;
}

const HEADINGS = /^(WARNING: .*|DEADLOCK: .*| \*\*\* DEADLOCK \*\*\*)$/;

/**
 * Renders the lockdep-style text report.
 * @example
 * ```ts
 * process.stdout.write(renderText(report, { cwd: process.cwd() }));
 * ```
 */
export function renderText(report: LockGraphReport, options: TextOptions = {}): string {
  const text = formatReport(report, 'text', options.cwd === undefined ? {} : { cwd: options.cwd });
  if (options.color !== true) return text;
  const clean = report.cycles.length === 0 && report.deadlocks.length === 0;
  return text
    .split('\n')
    .map((line) => {
      if (HEADINGS.test(line)) return paint(['bold', 'red'], line);
      if (line.startsWith('interlock: ')) return paint(['bold', clean ? 'green' : 'red'], line);
      return line;
    })
    .join('\n');
}

/** ANSI styling that does not second-guess the caller: colour was already decided. */
function paint(format: Parameters<typeof styleText>[0], text: string): string {
  return styleText(format, text, { validateStream: false });
}

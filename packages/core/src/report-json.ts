/**
 * A report as file text, in pieces: the JSON of a report file (version 2 by default, or 1) with
 * one table entry, lock, edge or finding per line. A merged report may be larger than the longest
 * string V8 can build (~512 MiB: 20 version 1 shards of 50,000 edges pretty-printed were), so
 * writers that may meet one (`interlock merge`) write it piece by piece and never hold it whole.
 */
import { invalidArgument, validateOptionsBag } from './arguments.ts';
import type { LockGraphReport } from './report.ts';
import { encodeReport } from './report-encode.ts';
import { FILE_VERSION } from './report-v2.ts';

/** Options of {@link reportJsonChunks}. */
export interface ReportJsonOptions {
  /**
   * The file version to write: 2, the compact tables of docs/reports.md, or 1, the in-memory
   * shape as it is, for tools that read only version 1.
   * @default 2
   */
  readonly version?: 1 | 2;
  /** About how many characters each chunk holds. @default 1 MiB */
  readonly chunkSize?: number;
}

/** Checks `options.version`: 1 or 2 (the file versions interlock writes). */
export function fileVersionOption(options: { readonly version?: unknown }): 1 | 2 {
  const version = options.version ?? FILE_VERSION;
  if (version !== 1 && version !== 2) invalidArgument('range', 'version', '1 or 2', version);
  return version;
}

/**
 * Yields the file text of `report` in chunks of about `chunkSize` characters. Concatenated, the
 * chunks are what `parseReport` reads back to a report equal to `report`.
 * @example
 * ```ts
 * await writeFile('report.json', reportJsonChunks(merged)); // streams, version 2
 * ```
 */
export function* reportJsonChunks(
  report: LockGraphReport,
  options: ReportJsonOptions = {},
): Generator<string> {
  validateOptionsBag(options);
  const chunkSize = options.chunkSize ?? 1 << 20;
  const value: object = fileVersionOption(options) === 1 ? report : encodeReport(report);
  const entries = Object.entries(value).filter(([, field]) => field !== undefined);
  // Scalars first, then every list one item per line.
  const scalars = entries.filter(([, field]) => !Array.isArray(field));
  const lists = entries.filter(([, field]) => Array.isArray(field)) as [string, unknown[]][];
  const fields = scalars.length + lists.length;
  let written = 0;
  let buffer = '{\n';
  for (const [key, field] of scalars) {
    buffer += `  ${JSON.stringify(key)}: ${JSON.stringify(field)}${++written < fields ? ',' : ''}\n`;
  }
  for (const [key, items] of lists) {
    buffer += `  ${JSON.stringify(key)}: [${items.length === 0 ? '' : '\n'}`;
    for (let index = 0; index < items.length; index++) {
      buffer += `    ${JSON.stringify(items[index])}${index + 1 < items.length ? ',' : ''}\n`;
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
    buffer += `${items.length === 0 ? '' : '  '}]${++written < fields ? ',' : ''}\n`;
  }
  yield `${buffer}}\n`;
}

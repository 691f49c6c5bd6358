/**
 * A report as JSON text in pieces, one lock, edge or finding per line. A merged report can exceed
 * the longest string V8 can build (~512 MiB) — 20 shards of 50,000 edges with sites do when
 * pretty-printed — so it is written piece by piece and never held as one string.
 */
import type { LockGraphReport } from '@interlock/core';

const LIST_FIELDS = ['locks', 'edges', 'cycles', 'deadlocks', 'longHolds', 'longWaits'] as const;

/**
 * Yields the JSON of `report` in chunks of about `chunkSize` characters. Concatenated, the chunks
 * parse to a value equal to `report`.
 */
export function* reportJsonChunks(report: LockGraphReport, chunkSize = 1 << 20): Generator<string> {
  let buffer = '{\n';
  const flush = function* (force: boolean): Generator<string> {
    if (buffer.length >= chunkSize || (force && buffer.length > 0)) {
      yield buffer;
      buffer = '';
    }
  };
  const scalars = Object.entries(report).filter(
    ([key]) => !(LIST_FIELDS as readonly string[]).includes(key),
  );
  const lists = LIST_FIELDS.filter((key) => report[key] !== undefined);
  const fields = scalars.length + lists.length;
  let written = 0;
  for (const [key, value] of scalars) {
    buffer += `  ${JSON.stringify(key)}: ${JSON.stringify(value)}${++written < fields ? ',' : ''}\n`;
  }
  for (const key of lists) {
    const items = report[key]!;
    buffer += `  ${JSON.stringify(key)}: [${items.length === 0 ? '' : '\n'}`;
    for (let index = 0; index < items.length; index++) {
      buffer += `    ${JSON.stringify(items[index])}${index + 1 < items.length ? ',' : ''}\n`;
      yield* flush(false);
    }
    buffer += `${items.length === 0 ? '' : '  '}]${++written < fields ? ',' : ''}\n`;
  }
  buffer += '}\n';
  yield* flush(true);
}

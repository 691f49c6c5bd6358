import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReportFormatError, mergeReports, parseReport } from '@interlock/core';
import { ReportInputError } from '../src/errors.ts';
import {
  defaultJobs,
  mergeFiles,
  planShares,
  threadsFor,
  type MergeInput,
} from '../src/merge-files.ts';
import {
  bankReport,
  cleanReport,
  ring,
  shard,
  temporaryDirectory,
  writeReport,
} from './reports.ts';

function inputs(files: readonly string[]): MergeInput[] {
  return files.map((file) => ({
    file,
    label: path.basename(file),
    size: statSync(file, { throwIfNoEntry: false })?.size ?? 1,
  }));
}

/** Five reports that share keys, a cycle split across two of them, and one real cycle. */
function fiveShards(dir: string): string[] {
  return [
    writeReport(dir, '1.json', cleanReport()),
    writeReport(dir, '2.json', shard('a', 'b')),
    writeReport(dir, '3.json', bankReport()),
    writeReport(dir, '4.json', ring(['a', 'x', 'y'])),
    writeReport(dir, '5.json', shard('b', 'a')),
  ];
}

describe('planShares', () => {
  it('cuts the files into consecutive, non-empty shares, as many as asked when there are enough', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        (sizes, parts) => {
          const starts = planShares(sizes, parts);
          expect(starts[0]).toBe(0);
          expect(starts).toHaveLength(Math.min(parts, sizes.length));
          for (let index = 1; index < starts.length; index++) {
            expect(starts[index]!).toBeGreaterThan(starts[index - 1]!);
          }
          expect(starts.at(-1)!).toBeLessThan(sizes.length);
        },
      ),
    );
  });

  it('balances by size, not by count', () => {
    expect(planShares([10, 10, 10, 10], 2)).toEqual([0, 2]);
    expect(planShares([30, 1, 1, 1], 2)).toEqual([0, 1]);
    expect(planShares([1, 1, 1, 30], 2)).toEqual([0, 3]);
    expect(
      planShares(
        Array.from({ length: 20 }, () => 5),
        2,
      ),
    ).toEqual([0, 10]);
  });

  it('uses by default only the CPUs the load average leaves idle, and at least one', () => {
    expect(defaultJobs(2, 0.2)).toBe(2);
    expect(defaultJobs(2, 0.7)).toBe(1);
    expect(defaultJobs(2, 10)).toBe(1);
    expect(defaultJobs(8, 3.2)).toBe(5);
    expect(defaultJobs(1, 0)).toBe(1);
  });

  it('keeps small merges on the main thread', () => {
    const small = [
      { file: 'a', label: 'a', size: 1024 },
      { file: 'b', label: 'b', size: 1024 },
    ];
    expect(threadsFor(small, 4)).toBe(1);
    expect(threadsFor(small, 4, 0)).toBe(2);
    expect(threadsFor(small, 1, 0)).toBe(1);
  });
});

// Starting a worker thread takes up to a second on a loaded machine: room for several.
describe('mergeFiles in worker threads', { timeout: 60_000 }, () => {
  it('gives the merge of the reports read one by one, whatever the number of threads', async () => {
    const files = fiveShards(temporaryDirectory());
    const expected = mergeReports(
      files.map((file) => parseReport(readFileSync(file, 'utf8'), file)),
    );
    expect(expected.cycles.length).toBeGreaterThan(1);
    for (const jobs of [1, 3]) {
      const union = await mergeFiles(inputs(files), {
        maxBytes: 1 << 20,
        jobs,
        workerMinBytes: 0,
      });
      expect(union.merged()).toEqual(expected);
    }
  });

  it('names the first bad file in command-line order, with its typed error, from any thread', async () => {
    const dir = temporaryDirectory();
    const files = fiveShards(dir);
    const truncated = path.join(dir, 'truncated.json');
    writeFileSync(truncated, '{"version": 1, "locks": [');
    const missing = path.join(dir, 'missing.json');
    const options = { maxBytes: 1 << 20, jobs: 3, workerMinBytes: 0 };
    // The bad files sit in the second and third share: the second one's is named.
    const order = [files[0]!, files[1]!, truncated, files[2]!, missing];
    const failure = (files: string[]): Promise<unknown> =>
      mergeFiles(inputs(files), options).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    const error = await failure(order);
    expect(error).toBeInstanceOf(ReportFormatError);
    expect((error as Error).message).toMatch(/^truncated\.json: not valid JSON/);
    const swapped = [files[0]!, files[1]!, missing, files[2]!, truncated];
    const first = await failure(swapped);
    expect(first).toBeInstanceOf(ReportInputError);
    expect((first as Error).message).toBe('missing.json: no such file or directory');
  });
});

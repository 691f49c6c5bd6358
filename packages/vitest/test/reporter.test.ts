/**
 * The main-process reporter without a vitest run: the merged report does not depend on the order
 * in which test files finished (vitest orders files by their last duration, so that order changes
 * from run to run).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, type LockGraphReport, type ReportLock } from '@interlock/core';
import type { TestModule, Vitest } from 'vitest/node';
import { resolvePluginOptions } from '../src/options.ts';
import { InterlockReporter } from '../src/reporter.ts';

const directory = mkdtempSync(join(tmpdir(), 'interlock-reporter-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function lock(id: string, name: string, line: number): ReportLock {
  const site = { file: '/app/src/locks.ts', line, column: 14 };
  return { id, key: `${name}@/app/src/locks.ts:${line}:14`, name, kind: 'Lock', site };
}

/** One file's report: `first` taken, then `second` requested while holding it. */
function nesting(first: ReportLock, second: ReportLock, file: string): LockGraphReport {
  const at = (line: number) => ({ file, line, column: 3 });
  return {
    version: 1,
    locks: [first, second],
    edges: [{ from: first.id, to: second.id, count: 1, holder: at(1), acquirer: at(2) }],
    cycles: [],
    deadlocks: [],
  };
}

/** Runs the reporter over `files` finishing in that order; the report it writes. */
function mergedReport(files: readonly [string, LockGraphReport][]): string {
  const output = join(directory, `${files.map(([file]) => file.length).join('-')}.json`);
  const reporter = new InterlockReporter(
    resolvePluginOptions({ report: output, onCycle: 'record' }),
  );
  const logger = { error: () => undefined, log: () => undefined };
  reporter.onInit({ config: { root: '/app', shard: undefined }, logger } as unknown as Vitest);
  reporter.onTestRunStart();
  for (const [moduleId, report] of files) {
    const testModule = { moduleId, meta: () => ({ interlock: report }) };
    reporter.onTestModuleEnd(testModule as unknown as TestModule);
  }
  reporter.onTestRunEnd();
  return readFileSync(output, 'utf8');
}

describe('InterlockReporter: the merged report', () => {
  it('is the same whichever test file finished first', () => {
    const ledger: [string, LockGraphReport] = [
      '/app/tests/ledger.test.ts',
      nesting(lock('L1', 'accounts', 1), lock('L2', 'journal', 2), '/app/src/ledger.ts'),
    ];
    const statements: [string, LockGraphReport] = [
      '/app/tests/statements.test.ts',
      nesting(lock('L7', 'journal', 2), lock('L9', 'accounts', 1), '/app/src/statements.ts'),
    ];
    const forward = mergedReport([ledger, statements]);
    const backward = mergedReport([statements, ledger]);
    expect(backward).toBe(forward);
    // Ordered by test file: ledger.test.ts's locks come first.
    // Written as a version 2 file (docs/reports.md), read back into the in-memory shape.
    expect(JSON.parse(forward)).toMatchObject({ version: 2 });
    const report = parseReport(forward, 'report.json');
    expect(report.locks.map((entry) => `${entry.id} ${entry.name}`)).toEqual([
      'K1 accounts',
      'K2 journal',
    ]);
    expect(report.cycles).toHaveLength(1);
  });
});

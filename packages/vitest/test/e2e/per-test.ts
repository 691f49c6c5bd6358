/**
 * End to end, per test: a cycle within one file fails the test that closed it with the lockdep
 * report; a real deadlock fails at once with DeadlockError (never the test timeout); a test that
 * ends holding a lock fails naming it and where it was taken; a plain-style RLock re-entry fails
 * with a DeadlockError that names the fix. Plus shards.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mergeReports, parseReport } from '@interlock/core';
import { describe, expect, it } from 'vitest';
import { shardFile } from '../../src/index.ts';
import { cycleVariables, positionOf } from '../support/bank.ts';
import { runFixture } from '../support/run-fixture.ts';

describe('a cycle inside one test file', () => {
  const filters = ['tests/cycle-in-file.test.ts'];

  it('fails the test that closed it, with the lockdep-style report as its error', async () => {
    const run = await runFixture('bank', { vitest: { filters } });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('1 failed | 1 passed');
    expect(run.output).toMatch(/FAIL .*takes second, then first/);
    expect(run.output).toContain('LockOrderCycleError: This test closed a lock-order cycle');
    expect(run.output).toContain('possible circular locking dependency detected');
    const site = positionOf('tests/cycle-in-file.test.ts', 'first.acquire', 2);
    expect(run.output).toContain(
      `tests/cycle-in-file.test.ts:${site.line}:${site.column + 'first.'.length}`,
    );
    // Found inside the file, so not reported again as a cross-file cycle.
    expect(run.output).not.toContain('across test files');
    expect(cycleVariables(run.report)).toEqual([['first', 'second']]);
  });

  it('with onCycle: record every test passes and only the report holds the cycle', async () => {
    const run = await runFixture('bank', { plugin: { onCycle: 'record' }, vitest: { filters } });
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain('possible circular locking dependency');
    expect(cycleVariables(run.report)).toEqual([['first', 'second']]);
  });

  it('with onCycle: warn every test passes and the cycle is printed once after the run', async () => {
    const run = await runFixture('bank', { plugin: { onCycle: 'warn' }, vitest: { filters } });
    expect(run.status, run.output).toBe(0);
    expect(run.output.match(/possible circular locking dependency detected/g)).toHaveLength(1);
    expect(run.output).not.toContain('LockOrderCycleError');
  });

  it('without instrumentation the plain style closes no cycle', async () => {
    const run = await runFixture('bank', { plugin: { instrument: false }, vitest: { filters } });
    expect(run.status, run.output).toBe(0);
    expect(run.report?.cycles).toEqual([]);
  });
});

describe('work started inside a critical section and not awaited', () => {
  it('closes only a doubtful cycle: it is printed, and every test passes', async () => {
    const run = await runFixture('bank', {
      vitest: { filters: ['tests/fire-and-forget-in-one-file.test.ts'] },
    });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('interlock: doubtful finding (not failing the test)');
    expect(run.output).toContain('DOUBTFUL');
    expect(run.output).not.toContain('LockOrderCycleError');
    expect(run.report?.cycles.map((cycle) => cycle.doubtful)).toEqual([true]);
  });

  it('split across two test files, the doubtful cycle is printed after the run, which passes', async () => {
    const run = await runFixture('bank', {
      vitest: { filters: ['tests/fire-and-forget.test.ts', 'tests/second-then-first.test.ts'] },
    });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(
      'doubtful lock-order cycle across test files (not failing the run)',
    );
    expect(run.report?.cycles.map((cycle) => cycle.doubtful)).toEqual([true]);
  });
});

describe('a real deadlock', () => {
  it('fails each deadlocking test at once with DeadlockError and the wait-for cycle, plain and async-mutex styles', async () => {
    // onCycle 'record' lets both orders be taken, so the tasks really block on each other.
    const run = await runFixture('bank', {
      plugin: { onCycle: 'record' },
      vitest: { filters: ['tests/deadlock.test.ts'] },
    });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('2 failed');
    expect(run.output).not.toContain('Test timed out');
    expect(
      run.output.match(/DeadlockError: Deadlock: tasks are blocked waiting for each other/g)
        ?.length,
    ).toBeGreaterThanOrEqual(2);
    expect(run.output).toContain('TestDeadlockError');
    expect(run.report?.deadlocks).toHaveLength(2);
    // The async-mutex pair is named by its variables, not Mutex#n.
    const names = run.report?.deadlocks.flatMap((cycle) => cycle.locks.map((lock) => lock.name));
    expect(names?.sort()).toEqual(['left', 'leftMutex', 'right', 'rightMutex']);
    expect(run.output).not.toMatch(/Mutex#\d/);
  });
});

describe('a test that ends holding a lock', () => {
  const filters = ['tests/leak.test.ts'];

  it('fails, naming the lock and the exact line and column where it was taken', async () => {
    const run = await runFixture('bank', { vitest: { filters } });
    expect(run.status, run.output).toBe(1);
    const site = positionOf('tests/leak.test.ts', 'acquire');
    expect(run.output).toContain('LeakedLockError: This test ended still holding a lock:');
    expect(run.output).toContain(
      `Lock "leaky" (taken at tests/leak.test.ts:${site.line}:${site.column})`,
    );
  });

  it('is caught without instrumentation too (every hold is known to the detector, only not to a task)', async () => {
    const run = await runFixture('bank', { plugin: { instrument: false }, vitest: { filters } });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('Lock "leaky"');
  });

  it('passes with failOnLeakedLock: false', async () => {
    const run = await runFixture('bank', {
      plugin: { failOnLeakedLock: false },
      vitest: { filters },
    });
    expect(run.status, run.output).toBe(0);
  });
});

describe('an RLock re-entered through a plain-style hold', () => {
  it('fails at once with a DeadlockError that says why and names using / withLock', async () => {
    const run = await runFixture('bank', { vitest: { filters: ['tests/rlock.test.ts'] } });
    expect(run.status, run.output).toBe(1);
    expect(run.output).not.toContain('Test timed out');
    expect(run.output).toContain(
      'DeadlockError: Deadlock: re-acquiring RLock "journal", which this task holds through a ' +
        'plain',
    );
    expect(run.output).toMatch(/using guard = await lock\.acquire\(\)`.*withLock/s);
  });
});

describe('--shard', () => {
  it('each shard writes its own report; merged, they hold the cross-file cycle', async () => {
    const filters = ['tests/transfer.test.ts', 'tests/audit.test.ts'];
    const reports = [];
    for (const shard of ['1/2', '2/2']) {
      const run = await runFixture('bank', { vitest: { filters, shard } });
      expect(run.status, run.output).toBe(0);
      const [index, count] = shard.split('/').map(Number) as [number, number];
      const path = shardFile(run.reportPath, index, count);
      expect(existsSync(path)).toBe(true);
      expect(existsSync(run.reportPath)).toBe(false);
      reports.push(parseReport(readFileSync(path, 'utf8'), path));
    }
    expect(reports.every((report) => report.cycles.length === 0)).toBe(true);
    expect(cycleVariables(mergeReports(reports))).toEqual([['accounts', 'ledger']]);
  });
});

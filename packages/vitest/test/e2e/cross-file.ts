/**
 * End to end: the `bank` fixture project run through vitest's Node API with the plugin. A lock
 * order split across two test files — each clean alone — fails the run, naming both files' sites,
 * in every pool; the report file holds the merged graph.
 */
import { describe, expect, it } from 'vitest';
import { cycleLockNames, cycleVariables, positionOf } from '../support/bank.ts';
import { edgeNames, runFixture, runFixtureWatching } from '../support/run-fixture.ts';

const crossFile = ['tests/transfer.test.ts', 'tests/audit.test.ts'];

describe('a plain-style AB-BA split across two test files', () => {
  it('fails the run with both files and their exact sites, and writes the merged report', async () => {
    const run = await runFixture('bank', { vitest: { filters: crossFile } });
    expect(run.status).toBe(1);
    expect(run.output).toContain('2 passed');
    expect(run.output).toContain('interlock: lock-order cycle across test files');
    expect(run.output).toMatch(/accounts → ledger: tests\/transfer\.test\.ts/);
    expect(run.output).toMatch(/ledger → accounts: tests\/audit\.test\.ts/);
    expect(run.output).toContain('possible circular locking dependency detected');
    expect(edgeNames(run.report)).toEqual(['accounts→ledger', 'ledger→accounts']);
    expect(cycleVariables(run.report)).toEqual([['accounts', 'ledger']]);
    // Positions with instrumentation on are the user's own: where each acquire was written.
    const sites = run.report?.edges.map((edge) => edge.acquirer);
    expect(sites).toContainEqual(positionOf('tests/transfer.test.ts', 'acquire', 2));
    expect(sites).toContainEqual(positionOf('tests/audit.test.ts', 'acquire', 2));
    const holders = run.report?.edges.map((edge) => edge.holder);
    expect(holders).toContainEqual(positionOf('tests/transfer.test.ts', 'acquire', 1));
    expect(holders).toContainEqual(positionOf('tests/audit.test.ts', 'acquire', 1));
  });

  it('the documented fix (one order through withBooks) passes, with the single edge accounts → ledger', async () => {
    const run = await runFixture('bank', {
      vitest: { filters: ['tests/transfer.test.ts', 'tests/audit-fixed.test.ts'] },
    });
    expect(run.status, run.output).toBe(0);
    expect(edgeNames(run.report)).toEqual(['accounts→ledger']);
  });

  it('each file alone passes', async () => {
    for (const file of crossFile) {
      const run = await runFixture('bank', { vitest: { filters: [file] } });
      expect(run.status, run.output).toBe(0);
      expect(run.report?.cycles).toEqual([]);
    }
  });

  it('without instrumentation the plain style is anonymous: no edge, the run passes', async () => {
    const run = await runFixture('bank', {
      plugin: { instrument: false },
      vitest: { filters: crossFile },
    });
    expect(run.status, run.output).toBe(0);
    expect(run.report?.edges).toEqual([]);
  });

  it.each([
    ['forks', { pool: 'forks' }],
    ['threads', { pool: 'threads' }],
    ['vmThreads', { pool: 'vmThreads' }],
    ['threads, isolate: false', { pool: 'threads', isolate: false }],
    ['forks, isolate: false', { pool: 'forks', isolate: false }],
  ])('fails the run in the %s pool', async (_name, pool) => {
    const run = await runFixture('bank', { vitest: { filters: crossFile, ...pool } });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('interlock: lock-order cycle across test files');
    expect(cycleVariables(run.report)).toEqual([['accounts', 'ledger']]);
  });

  it('with onCycle: warn the run passes and the cycle is printed once', async () => {
    const run = await runFixture('bank', {
      plugin: { onCycle: 'warn' },
      vitest: { filters: crossFile },
    });
    expect(run.status, run.output).toBe(0);
    expect(run.output.match(/possible circular locking dependency detected/g)).toHaveLength(1);
    expect(run.output).toContain("(onCycle: 'warn')");
  });

  it('with report: false no report is written', async () => {
    const run = await runFixture('bank', {
      plugin: { report: false },
      vitest: { filters: crossFile },
    });
    expect(run.status).toBe(1);
    expect(run.report).toBeUndefined();
  });
});

describe('every acquisition style, split across two files', () => {
  const styles = ['tests/styles-forward.test.ts', 'tests/styles-reverse.test.ts'];
  const pairs = (names: string[]): string[][] => names.map((name) => [`${name}A`, `${name}B`]);

  it('with instrumentation every style closes its cross-file cycle (primitives: 4 styles, async-mutex: 3, withTimeout)', async () => {
    const run = await runFixture('bank', { vitest: { filters: styles } });
    expect(run.status, run.output).toBe(1);
    expect(cycleVariables(run.report).sort()).toEqual(
      pairs([
        'guard',
        'plain',
        'release',
        'releaser',
        'runExclusive',
        'semaphore',
        'timeoutReleaser',
        'timeoutRun',
        'using',
        'withLock',
      ]).sort(),
    );
    // Every async-mutex lock (withTimeout's and the Semaphores too) is named by its variable.
    const asyncMutexNames = cycleLockNames(run.report, ['Mutex', 'Semaphore']);
    expect(asyncMutexNames).toEqual(
      cycleVariables(run.report)
        .filter(([name]) => !/^(using|withLock|plain|guard)/.test(name!))
        .sort(),
    );
    expect(asyncMutexNames).toHaveLength(6);
  });

  it('an async-mutex releaser AB-BA alone fails the run, naming both test files and both sites', async () => {
    const run = await runFixture('bank', {
      vitest: { filters: styles, testNamePattern: '^releaser$' },
    });
    expect(run.status, run.output).toBe(1);
    expect(cycleVariables(run.report)).toEqual([['releaserA', 'releaserB']]);
    // Named after the variables they are created for, as a reader calls them.
    expect(run.output).toContain('releaserA → releaserB: tests/styles-forward.test.ts');
    expect(run.output).toContain('releaserB → releaserA: tests/styles-reverse.test.ts');
    // nestReleaser's two acquires, by the method name's position (where V8 puts a call).
    const outer = positionOf('src/styles.ts', 'const releaseFirst = await first.acquire()');
    const inner = positionOf('src/styles.ts', 'const releaseSecond = await second.acquire()');
    const at = (site: { line: number; column: number }, before: string): string =>
      `${site.line}:${site.column + before.length}`;
    expect(run.output).toContain(`src/styles.ts:${at(outer, 'const releaseFirst = await first.')}`);
    expect(run.output).toContain(
      `src/styles.ts:${at(inner, 'const releaseSecond = await second.')}`,
    );
  });

  it('without instrumentation only using and withLock are seen', async () => {
    const run = await runFixture('bank', {
      plugin: { instrument: false },
      vitest: { filters: styles },
    });
    expect(run.status, run.output).toBe(1);
    expect(cycleVariables(run.report).sort()).toEqual(pairs(['using', 'withLock']));
  });
});

describe('watch mode', () => {
  it('each rerun starts from nothing: the same one cycle, edge counts that do not grow', async () => {
    const { output, reports } = await runFixtureWatching('bank', crossFile);
    expect(reports, output).toHaveLength(3);
    for (const report of reports) {
      expect(cycleVariables(report)).toEqual([['accounts', 'ledger']]);
      expect(report.edges.map((edge) => edge.count)).toEqual([1, 1]);
      expect(report.locks).toHaveLength(2);
    }
  });
});

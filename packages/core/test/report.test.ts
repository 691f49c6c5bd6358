import { describe, expect, it } from 'vitest';
import { ReportFormatError } from '../src/errors.ts';
import { formatReport } from '../src/format-text.ts';
import { LockNode } from '../src/lock-node.ts';
import { parseReport, validateReport } from '../src/validate-report.ts';
import { expectProblem } from './report-problems.ts';
import { harnessFiltered, nest, setup } from './harness.ts';

function recordedReport() {
  // Sites (and the evidence that the self-wait below is the holder's own) are this file's.
  const { detector, lock, task } = setup({ onCycle: 'record', ...harnessFiltered });
  const a = new LockNode({
    exclusive: true,
    name: 'a',
    kind: 'Lock',
    reentrant: false,
    site: { file: '/app/a.ts', line: 1, column: 11 },
  });
  const b = lock('b');
  nest(task, a, b);
  nest(task, b, a);
  const t = task();
  t.acquire(a);
  t.waitFor(a); // self-deadlock, recorded (broken at once: deadlockGrace 0)
  return detector.snapshot();
}

describe('LockGraphReport', () => {
  it('round-trips through JSON and validates', () => {
    const report = recordedReport();
    expect(report.version).toBe(1);
    expect(report.cycles).toHaveLength(1);
    expect(report.deadlocks).toHaveLength(1);
    expect(report.locks.find((lock) => lock.name === 'a')?.key).toBe('a@/app/a.ts:1:11');
    expect(report.locks.find((lock) => lock.name === 'b')?.key).toBe('b');
    const text = formatReport(report, 'json');
    expect(parseReport(text, 'report.json')).toEqual(report);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report); // plain JSON: nothing lost
  });

  it('points every site at the user’s code, never at interlock’s own frames', () => {
    const report = recordedReport();
    const sites = [
      ...report.edges.flatMap((edge) => [edge.holder, edge.acquirer]),
      ...report.cycles.flatMap((cycle) =>
        cycle.edges.flatMap((edge) => [edge.holder, edge.acquirer]),
      ),
    ];
    expect(sites.length).toBeGreaterThan(0);
    for (const found of sites) {
      expect(found?.file).toMatch(/packages\/core\/test\/report\.test\.ts$/);
      expect(found?.file).not.toMatch(/packages\/core\/src\//);
    }
  });

  it('takes a creation site captured, as plain data, in the primitive’s constructor', () => {
    const { detector } = setup();
    const site = detector.creationSite();
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[1]!)![1]) - 1;
    const node = new LockNode({
      exclusive: true,
      name: 'pool',
      kind: 'Semaphore',
      reentrant: false,
      site,
    });
    expect(node.site).toMatchObject({ line });
    expect(node.key).toMatch(
      new RegExp(`^pool@.*packages/core/test/report\\.test\\.ts:${line}:\\d+$`),
    );
  });

  it('keyName replaces the name in the key (generated per-instance names are not identities)', () => {
    setup();
    const site = { file: '/app/bank.ts', line: 7, column: 15 };
    expect(
      new LockNode({
        exclusive: true,
        name: 'Lock#12',
        keyName: 'Lock',
        kind: 'Lock',
        reentrant: false,
        site,
      }).key,
    ).toBe('Lock@/app/bank.ts:7:15');
    expect(
      new LockNode({
        exclusive: true,
        name: 'Lock#13',
        keyName: 'Lock',
        kind: 'Lock',
        reentrant: false,
      }).key,
    ).toBe('Lock');
    const named = new LockNode({
      exclusive: true,
      name: 'accounts',
      kind: 'Lock',
      reentrant: false,
      site,
    });
    expect([named.key, named.toReport().name]).toEqual(['accounts@/app/bank.ts:7:15', 'accounts']);
  });

  it('rejects text that is not JSON, keeping the parser error as the cause', () => {
    let error: unknown;
    try {
      parseReport('{"version": 1,', 'broken.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ReportFormatError);
    expect((error as Error).message).toMatch(/^broken\.json: not valid JSON \(/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('names the file and the field that is wrong', () => {
    const report = recordedReport();
    const a = report.locks[0]!.id;
    expectProblem([], '`report` must be an object, got an array');
    expectProblem(
      { ...report, version: 3 },
      'unsupported report version 3 (this interlock reads versions 1 and 2)',
    );
    expectProblem({ ...report, version: '1' }, '`version` must be 1 or 2, got "1"');
    expectProblem({ ...report, locks: {} }, '`locks` must be an array, got an object');
    expectProblem(
      { ...report, locks: [{ ...report.locks[0], name: 7 }] },
      '`locks[0].name` must be a string, got 7',
    );
    expectProblem(
      { ...report, locks: [report.locks[0], report.locks[0]] },
      `\`locks[1].id\` repeats lock id "${a}"`,
    );
    expectProblem(
      { ...report, edges: [{ from: a, to: 'L999999' }] },
      '`edges[0].to` names lock "L999999", which `locks` does not list',
    );
    expectProblem(
      { ...report, edges: [{ ...report.edges[0], count: 0 }] },
      '`edges[0].count` must be a positive integer, got 0',
    );
    expectProblem(
      {
        ...report,
        edges: [{ ...report.edges[0], holder: { file: 'x.ts', line: '3', column: 1 } }],
      },
      '`edges[0].holder.line` must be a non-negative number, got "3"',
    );
    expectProblem(
      { ...report, cycles: [{ ...report.cycles[0], locks: [] }] },
      '`cycles[0].locks` must be a non-empty array, got an array',
    );
    expectProblem(
      { ...report, cycles: [{ ...report.cycles[0], edges: [] }] },
      '`cycles[0].edges` must have one edge per lock (2), got 0',
    );
    expectProblem({ ...report, deadlocks: null }, '`deadlocks` must be an array, got null');
    expectProblem(
      { ...report, longHolds: [{ lock: a, limit: 5, count: 1.5 }] },
      '`longHolds[0].count` must be a positive integer, got 1.5',
    );
  });

  it('names a field nested three levels deep with its whole path', () => {
    // Paths are assembled only when a check fails, each level adding its part: every level
    // must be there, in order.
    const report = recordedReport();
    const cycle = report.cycles[0]!;
    const [first, second] = cycle.edges;
    const badSite = { ...second!, acquirer: { file: 9, line: 1, column: 1 } };
    expectProblem(
      { ...report, cycles: [cycle, { ...cycle, edges: [first, badSite] }] },
      '`cycles[1].edges[1].acquirer.file` must be a string, got 9',
    );
    expectProblem(
      { ...report, deadlocks: [{ ...cycle, locks: [cycle.locks[0], { id: 'L0', name: 'x' }] }] },
      '`deadlocks[0].locks[1].id` names lock "L0", which `locks` does not list',
    );
    expectProblem(
      { ...report, longWaits: [{ lock: report.locks[0]!.id, site: [], limit: 1, count: 1 }] },
      '`longWaits[0].site` must be an object, got an array',
    );
    expectProblem({ ...report, edges: [null] }, '`edges[0]` must be an object, got null');
  });

  it('validateReport accepts a minimal report', () => {
    expect(
      validateReport({ version: 1, locks: [], edges: [], cycles: [], deadlocks: [] }, 'empty.json'),
    ).toEqual({
      version: 1,
      locks: [],
      edges: [],
      cycles: [],
      deadlocks: [],
    });
  });
});

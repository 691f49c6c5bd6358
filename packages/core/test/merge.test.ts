import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detector.ts';
import { LockNode } from '../src/lock-node.ts';
import { mergeReports } from '../src/merge.ts';
import type { Site } from '../src/report.ts';
import { validateReport } from '../src/validate-report.ts';
import { nest, Task } from './harness.ts';

const created = (line: number): Site => ({ file: '/app/bank.ts', line, column: 15 });

/** One "process": its own detector, locks created at fixed sites. */
function process(run: (lock: (name: string, line: number) => LockNode, task: () => Task) => void) {
  const detector = new Detector({ onCycle: 'record' });
  run(
    (name, line) =>
      new LockNode({ exclusive: true, name, kind: 'Lock', reentrant: false, site: created(line) }),
    () => new Task(detector),
  );
  return detector.snapshot();
}

describe('mergeReports', () => {
  it('finds a cycle split across two processes, matching locks by key', () => {
    const first = process((lock, task) => nest(task, lock('audit', 3), lock('ledger', 4)));
    const second = process((lock, task) => nest(task, lock('ledger', 4), lock('audit', 3)));
    expect(first.cycles).toEqual([]);
    expect(second.cycles).toEqual([]);
    const merged = mergeReports([first, second]);
    expect(validateReport(merged, 'merged')).toBe(merged);
    expect(merged.locks.map((lock) => [lock.id, lock.key])).toEqual([
      ['K1', 'audit@/app/bank.ts:3:15'],
      ['K2', 'ledger@/app/bank.ts:4:15'],
    ]);
    expect(merged.cycles).toHaveLength(1);
    expect(merged.cycles[0]!.locks.map((lock) => lock.name)).toEqual(['audit', 'ledger']);
    expect(
      merged.cycles[0]!.edges.every((edge) => edge.acquirer?.file.endsWith('harness.ts')),
    ).toBe(true);
  });

  it('does not turn nesting of two instances created at one site into a cycle', () => {
    const first = process((lock, task) => {
      const [alice, bob] = [lock('account', 7), lock('account', 7)];
      nest(task, alice, bob);
    });
    const second = process((lock, task) => {
      const [alice, bob] = [lock('account', 7), lock('account', 7)];
      nest(task, bob, alice);
    });
    const merged = mergeReports([first, second]);
    expect(merged.locks).toHaveLength(1);
    expect(merged.edges).toEqual([]);
    expect(merged.cycles).toEqual([]);
  });

  it('keeps each report’s own cycles once, and sums edge counts', () => {
    const abba = () =>
      process((lock, task) => {
        const [a, b] = [lock('a', 1), lock('b', 2)];
        nest(task, a, b);
        nest(task, b, a);
      });
    const merged = mergeReports([abba(), abba()]);
    expect(merged.cycles).toHaveLength(1);
    expect(merged.edges.map((edge) => edge.count)).toEqual([2, 2]);
  });
});

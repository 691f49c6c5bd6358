/**
 * Holder sites without a stack per acquisition: a hold that captured nothing is placed where its
 * lock was first requested under the lock held just before it, or — outermost — where the lock was
 * first taken while holding nothing. These tests pin that down for the usual shapes.
 */
import { describe, expect, it } from 'vitest';
import type { Cycle } from '../src/report.ts';
import { defaultFrameFilters } from '../src/sites.ts';
import { setup } from './harness.ts';

/** The line `frames` frames above this function's caller (0: the caller itself). */
const lineAbove = (frames: number): number =>
  Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[2 + frames]!)![1]);

function lines(
  cycle: Cycle | undefined,
): [holder: number | undefined, acquirer: number | undefined][] {
  return (cycle?.edges ?? []).map((edge) => [edge.holder?.line, edge.acquirer?.line]);
}

describe('holder sites', () => {
  it('run one after the other, each edge names where its task took and requested the locks', () => {
    const { detector, lock, task } = setup({
      onCycle: 'record',
      frameFilters: [...defaultFrameFilters, '/harness.ts'],
    });
    const accounts = lock('accounts');
    const audit = lock('audit');
    const at: Record<string, number> = {};
    // `mark(name)` stands on the line right after the statement it names.
    const mark = (name: string): void => void (at[name] = lineAbove(1) - 1);
    const transfer = (): void => {
      const t = task();
      const outer = t.acquire(accounts);
      mark('transfer takes accounts');
      const inner = t.acquire(audit);
      mark('transfer requests audit');
      t.release(inner);
      t.release(outer);
    };
    const auditAll = (): void => {
      const t = task();
      const outer = t.acquire(audit);
      mark('auditAll takes audit');
      const inner = t.acquire(accounts);
      mark('auditAll requests accounts');
      t.release(inner);
      t.release(outer);
    };
    transfer();
    transfer(); // repeats capture nothing
    auditAll();
    expect(lines(detector.cycles()[0])).toEqual([
      [at['transfer takes accounts'], at['transfer requests audit']],
      [at['auditAll takes audit'], at['auditAll requests accounts']],
    ]);
  });

  it('a nested hold that captured nothing is placed where it was requested under its outer lock', () => {
    const { detector, lock, task } = setup({
      onCycle: 'record',
      frameFilters: [...defaultFrameFilters, '/harness.ts'],
    });
    const [outer, middle, inner] = [lock('outer'), lock('middle'), lock('inner')];
    const at: Record<string, number> = {};
    // `mark(name)` stands on the line right after the statement it names.
    const mark = (name: string): void => void (at[name] = lineAbove(1) - 1);
    const first = task();
    first.acquire(outer);
    first.acquire(middle);
    mark('middle under outer'); // new edge outer → middle: captured
    const second = task();
    second.acquire(outer);
    second.acquire(middle); // known edge: this hold captures nothing
    second.acquire(inner); // new edge middle → inner, held side: the hold above
    const third = task();
    third.acquire(inner);
    third.acquire(middle); // inner → middle closes the cycle
    const cycle = detector.cycles()[0];
    expect(cycle?.locks.map((entry) => entry.name)).toEqual(['middle', 'inner']);
    expect(lines(cycle)[0]![0]).toBe(at['middle under outer']);
  });
});

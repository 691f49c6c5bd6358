import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockOrderError } from '../src/errors.ts';
import { setup } from './harness.ts';
import { closure, hasCycle } from './reference-graph.ts';

describe('Detector fuzz', () => {
  it("'record': a cycle is reported exactly when the orders the program took contain one", () => {
    const nesting = fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(nesting, { maxLength: 25 }), (tasks) => {
        const { detector, lock, task } = setup({ onCycle: 'record', stacks: false });
        const locks = Array.from({ length: 6 }, (_, index) => lock(`l${index}`));
        const taken = new Set<string>();
        for (const order of tasks) {
          const t = task();
          for (const [position, index] of order.entries()) {
            for (const outer of order.slice(0, position)) taken.add(`${outer}>${index}`);
            t.acquire(locks[index]!);
          }
        }
        expect(detector.cycles().length > 0).toBe(hasCycle(taken, 6));
        // Every reported cycle is made of orders the program took.
        for (const cycle of detector.cycles()) {
          for (const edge of cycle.edges) {
            const from = locks.findIndex((node) => node.id === edge.from);
            const to = locks.findIndex((node) => node.id === edge.to);
            expect(taken.has(`${from}>${to}`)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("'throw': refused acquisitions leave a graph that never holds a cycle", () => {
    const nesting = fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(nesting, { maxLength: 25 }), (tasks) => {
        const { detector, lock, task } = setup({ stacks: false });
        const locks = Array.from({ length: 6 }, (_, index) => lock(`l${index}`));
        const taken = new Set<string>();
        for (const order of tasks) {
          const t = task();
          for (const [position, index] of order.entries()) {
            try {
              t.acquire(locks[index]!);
            } catch (error) {
              expect(error).toBeInstanceOf(LockOrderError);
              break; // the task gives up, as a rejected acquire would make it
            }
            for (const outer of order.slice(0, position)) taken.add(`${outer}>${index}`);
          }
        }
        expect(hasCycle(taken, 6)).toBe(false);
        const edges = detector.snapshot().edges.map((edge) => {
          const from = locks.findIndex((node) => node.id === edge.from);
          const to = locks.findIndex((node) => node.id === edge.to);
          return `${from}>${to}`;
        });
        // Every recorded edge is an order the program took, and the recorded edges order exactly
        // what the program ordered (the same reachability), with at most one edge per order taken.
        for (const edge of edges) expect(taken.has(edge)).toBe(true);
        expect(closure(new Set(edges), 6)).toEqual(closure(taken, 6));
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockOrderError } from '../src/errors.ts';
import { setup } from './harness.ts';

/** Is there a cycle among `edges` (pairs over 0..n-1)? Brute force: DFS colouring. */
function hasCycle(edges: ReadonlySet<string>, n: number): boolean {
  const next = (node: number) =>
    [...edges]
      .filter((edge) => edge.startsWith(`${node}>`))
      .map((edge) => Number(edge.split('>')[1]));
  const colour = new Array<number>(n).fill(0);
  const visit = (node: number): boolean => {
    colour[node] = 1;
    for (const target of next(node)) {
      if (colour[target] === 1 || (colour[target] === 0 && visit(target))) return true;
    }
    colour[node] = 2;
    return false;
  };
  return Array.from({ length: n }, (_, node) => node).some(
    (node) => colour[node] === 0 && visit(node),
  );
}

/** Every pair `a>b` such that `b` is reachable from `a` over `edges`. */
function closure(edges: ReadonlySet<string>, n: number): Set<string> {
  const reach = new Set(edges);
  for (let via = 0; via < n; via++) {
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (reach.has(`${from}>${via}`) && reach.has(`${via}>${to}`)) reach.add(`${from}>${to}`);
      }
    }
  }
  return reach;
}

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

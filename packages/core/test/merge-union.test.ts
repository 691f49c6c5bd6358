/**
 * The properties `interlock merge` relies on to fold reports one at a time and in worker
 * threads: a union of consecutive unions is the union of all, and the cycle search of a merge
 * (which inserts only edges inside a strongly connected component) finds a cycle exactly when
 * the union of edges has one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stronglyConnectedComponents } from '../src/merge-cycles.ts';
import { ReportUnion, mergeReports } from '../src/merge.ts';
import type { Cycle, LockGraphReport, ReportEdge } from '../src/report.ts';
import { validateReport } from '../src/validate-report.ts';

/** A report over up to 7 locks whose keys are drawn from 5, so reports share and repeat keys. */
const report: fc.Arbitrary<LockGraphReport> = fc.integer({ min: 1, max: 7 }).chain((size) =>
  fc
    .record({
      keys: fc.array(fc.nat(4), { minLength: size, maxLength: size }),
      edges: fc.array(
        fc.record({
          from: fc.nat(size - 1),
          to: fc.nat(size - 1),
          count: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          holder: fc.option(fc.nat(9), { nil: undefined }),
          acquirer: fc.option(fc.nat(9), { nil: undefined }),
        }),
        { maxLength: 14 },
      ),
      cycle: fc.option(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { nil: undefined }),
      longHolds: fc.array(
        fc.record({ lock: fc.nat(size - 1), count: fc.integer({ min: 1, max: 4 }) }),
        {
          maxLength: 2,
        },
      ),
    })
    .map(({ keys, edges, cycle, longHolds }): LockGraphReport => {
      const at = (line: number) => ({ file: '/app/src/a.ts', line, column: 1 });
      const id = (index: number) => `L${index + 1}`;
      const reportEdges: ReportEdge[] = edges.map((edge) => ({
        from: id(edge.from),
        to: id(edge.to),
        ...(edge.count === undefined ? {} : { count: edge.count }),
        ...(edge.holder === undefined ? {} : { holder: at(edge.holder) }),
        ...(edge.acquirer === undefined ? {} : { acquirer: at(edge.acquirer) }),
      }));
      const cycles: Cycle[] =
        cycle === undefined || cycle[0] === cycle[1]
          ? []
          : [
              {
                locks: cycle.map((index) => ({ id: id(index), name: `n${keys[index]}` })),
                edges: [
                  { from: id(cycle[0]), to: id(cycle[1]) },
                  { from: id(cycle[1]), to: id(cycle[0]) },
                ],
              },
            ];
      return {
        version: 1,
        locks: keys.map((key, index) => ({
          id: id(index),
          key: `k${key}`,
          name: `n${key}`,
          kind: 'Lock',
        })),
        edges: reportEdges,
        cycles,
        deadlocks: [],
        longHolds: longHolds.map((entry) => ({
          lock: id(entry.lock),
          limit: 100,
          count: entry.count,
        })),
      };
    }),
);

/** Whether the edges `[from, to]` contain a directed cycle (depth-first search, three colours). */
function hasCycle(edges: readonly (readonly [string, string])[]): boolean {
  const out = new Map<string, string[]>();
  for (const [from, to] of edges) out.set(from, [...(out.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string): boolean => {
    if (state.get(node) === 'open') return true;
    if (state.get(node) === 'done') return false;
    state.set(node, 'open');
    const cyclic = (out.get(node) ?? []).some(visit);
    state.set(node, 'done');
    return cyclic;
  };
  return [...out.keys()].some(visit);
}

describe('ReportUnion', () => {
  it('gives the same merge when consecutive runs of reports are unioned first', () => {
    fc.assert(
      fc.property(
        fc.array(report, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(6), { maxLength: 3 }),
        (reports, cuts) => {
          const bounds = [
            ...new Set([0, ...cuts.map((cut) => cut % reports.length), reports.length]),
          ];
          bounds.sort((a, b) => a - b);
          const whole = mergeReports(reports);
          const union = new ReportUnion();
          for (let part = 0; part + 1 < bounds.length; part++) {
            const share = new ReportUnion();
            for (const one of reports.slice(bounds[part], bounds[part + 1])) share.add(one);
            union.add(share.toReport());
          }
          expect(union.merged()).toEqual(whole);
          expect(validateReport(whole, 'merged')).toBe(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lists a cycle exactly when the union of edges has one, and every listed cycle is closed', () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 5 }), (reports) => {
        const plain = reports.map((one) => ({ ...one, cycles: [] }));
        const merged = mergeReports(plain);
        const edges = merged.edges.map((edge) => [edge.from, edge.to] as const);
        expect(merged.cycles.length > 0).toBe(hasCycle(edges));
        const known = new Set(edges.map(([from, to]) => `${from}>${to}`));
        for (const cycle of merged.cycles) {
          cycle.edges.forEach((edge, index) => {
            expect(edge.from).toBe(cycle.locks[index]!.id);
            expect(edge.to).toBe(cycle.locks[(index + 1) % cycle.locks.length]!.id);
            expect(known.has(`${edge.from}>${edge.to}`)).toBe(true);
          });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an id a report does not list in `locks` as it is', () => {
    const merged = mergeReports([
      {
        version: 1,
        locks: [{ id: 'L1', key: 'a', name: 'a', kind: 'Lock' }],
        edges: [{ from: 'L1', to: 'L9' }],
        cycles: [],
        deadlocks: [],
      },
    ]);
    expect(merged.edges).toEqual([{ from: 'K1', to: 'L9', count: 1 }]);
  });
});

describe('stronglyConnectedComponents', () => {
  it('puts two nodes in one component exactly when each reaches the other', () => {
    const graph = fc
      .integer({ min: 1, max: 9 })
      .chain((size) =>
        fc.tuple(
          fc.constant(size),
          fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: 25 }),
        ),
      );
    fc.assert(
      fc.property(graph, ([size, pairs]) => {
        const out = Array.from({ length: size }, () => new Map<number, true>());
        for (const [from, to] of pairs) out[from]!.set(to, true);
        const reach = (from: number, to: number): boolean => {
          const seen = new Set([from]);
          const stack = [from];
          while (stack.length > 0) {
            for (const next of out[stack.pop()!]!.keys()) {
              if (next === to) return true;
              if (seen.has(next)) continue;
              seen.add(next);
              stack.push(next);
            }
          }
          return from === to;
        };
        const component = stronglyConnectedComponents(size, out);
        for (let a = 0; a < size; a++) {
          for (let b = 0; b < size; b++) {
            expect(component[a] === component[b]).toBe(reach(a, b) && reach(b, a));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handles a path of 100,000 nodes without overflowing the stack', () => {
    const size = 100_000;
    const out = Array.from({ length: size }, (_, node) => new Map([[(node + 1) % size, true]]));
    const component = stronglyConnectedComponents(size, out);
    expect(new Set(component).size).toBe(1);
  });
});

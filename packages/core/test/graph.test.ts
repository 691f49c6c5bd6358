import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockOrderGraph } from '../src/graph.ts';

/** Does `to` reach `from` through `edges`? (Then `from → to` closes a cycle.) */
function reaches(
  edges: ReadonlyMap<number, ReadonlySet<number>>,
  start: number,
  goal: number,
): boolean {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === goal) return true;
    for (const next of edges.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** Checks that `path` is a real path `to → … → from` in `graph`. */
function expectPath(
  graph: LockOrderGraph<number, unknown>,
  path: readonly number[],
  from: number,
  to: number,
): void {
  expect(path[0]).toBe(to);
  expect(path.at(-1)).toBe(from);
  for (let index = 0; index + 1 < path.length; index++) {
    expect(graph.edge(path[index]!, path[index + 1]!)).toBeDefined();
  }
}

function edgeSet(graph: LockOrderGraph<number, unknown>): string[] {
  return [...graph.edges()].map(([from, to]) => `${from}>${to}`).sort();
}

describe('LockOrderGraph', () => {
  it('inserts an edge that respects the order and refuses the reverse one', () => {
    const graph = new LockOrderGraph<string, string>();
    expect(graph.addEdge('a', 'b', () => 'ab')).toBeUndefined();
    expect(graph.addEdge('b', 'a', () => 'ba')).toEqual(['a', 'b']);
    expect(graph.edge('a', 'b')).toBe('ab');
    expect(graph.edge('b', 'a')).toBeUndefined();
    expect(graph.edgeCount).toBe(1);
  });

  it('finds a cycle of any length and returns the path from `to` back to `from`', () => {
    const graph = new LockOrderGraph<number, null>();
    for (let index = 0; index < 50; index++)
      expect(graph.addEdge(index, index + 1, () => null)).toBeUndefined();
    const path = graph.addEdge(50, 0, () => null);
    expect(path).toEqual(Array.from({ length: 51 }, (_, index) => index));
  });

  it('refuses a self-edge', () => {
    const graph = new LockOrderGraph<string, null>();
    expect(graph.addEdge('a', 'a', () => null)).toEqual(['a']);
    expect(graph.edgeCount).toBe(0);
  });

  it('calls capture only for a new edge it inserts', () => {
    const graph = new LockOrderGraph<string, number>();
    let calls = 0;
    const capture = (): number => ++calls;
    graph.addEdge('a', 'b', capture);
    graph.addEdge('a', 'b', capture);
    graph.addEdge('b', 'a', capture);
    graph.addEdge('b', 'a', capture);
    expect(calls).toBe(1);
  });

  it('refuses a cycle-closing edge every time and leaves the graph unchanged', () => {
    const graph = new LockOrderGraph<string, null>();
    graph.addEdge('a', 'b', () => null);
    graph.addEdge('b', 'c', () => null);
    expect(graph.addEdge('c', 'a', () => null)).toEqual(['a', 'b', 'c']);
    expect(graph.addEdge('c', 'a', () => null)).toEqual(['a', 'b', 'c']);
    expect(graph.edgeCount).toBe(2);
    expect(graph.edge('c', 'a')).toBeUndefined();
  });

  it('accepts an edge once the node that closed its cycle is removed', () => {
    const graph = new LockOrderGraph<string, null>();
    graph.addEdge('a', 'b', () => null);
    graph.addEdge('b', 'c', () => null);
    expect(graph.addEdge('c', 'a', () => null)).toEqual(['a', 'b', 'c']);
    graph.removeNode('b');
    expect(graph.addEdge('c', 'a', () => null)).toBeUndefined();
    expect(graph.isTopologicallyOrdered()).toBe(true);
  });

  it('removes a node with all its edges', () => {
    const graph = new LockOrderGraph<string, null>();
    graph.addEdge('a', 'b', () => null);
    graph.addEdge('b', 'c', () => null);
    graph.addEdge('x', 'b', () => null);
    expect(graph.removeNode('b')).toBe(true);
    expect(graph.nodeCount).toBe(3);
    expect(graph.edgeCount).toBe(0);
    expect([...graph.successors('a')]).toEqual([]);
    expect(graph.removeNode('b')).toBe(false);
  });

  it('fuzz: shuffled edges of a random DAG never report a cycle', () => {
    const dagEdges = fc.integer({ min: 2, max: 40 }).chain((size) =>
      fc.tuple(
        fc.constant(size),
        fc.uniqueArray(
          fc.tuple(fc.nat(size - 1), fc.nat(size - 1)).filter(([a, b]) => a !== b),
          { selector: ([a, b]) => `${Math.min(a, b)}>${Math.max(a, b)}`, maxLength: 200 },
        ),
        fc.array(fc.nat(size - 1), { minLength: size, maxLength: size }),
      ),
    );
    fc.assert(
      fc.property(dagEdges, ([, pairs, labels]) => {
        // A hidden order (`rank`) makes every edge point forward: acyclic whatever the insertion
        // order.
        const rank = (node: number): number => labels[node]! * 1000 + node;
        const graph = new LockOrderGraph<number, null>();
        for (const [a, b] of pairs) {
          const [from, to] = rank(a) < rank(b) ? [a, b] : [b, a];
          expect(graph.addEdge(from, to, () => null)).toBeUndefined();
        }
        expect(graph.edgeCount).toBe(pairs.length);
        expect(graph.isTopologicallyOrdered()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: agrees with a brute-force reachability search on every insertion, and removal keeps it consistent', () => {
    const operation = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('edge' as const),
          from: fc.nat(14),
          to: fc.nat(14),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('remove' as const), node: fc.nat(14) }),
      },
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), (operations) => {
        const graph = new LockOrderGraph<number, null>();
        const model = new Map<number, Set<number>>();
        for (const op of operations) {
          if (op.kind === 'remove') {
            const existed = graph.hasNode(op.node);
            expect(graph.removeNode(op.node)).toBe(existed);
            model.delete(op.node);
            for (const targets of model.values()) targets.delete(op.node);
          } else {
            const before = edgeSet(graph);
            const closes = op.from === op.to || reaches(model, op.to, op.from);
            const path = graph.addEdge(op.from, op.to, () => null);
            if (closes) {
              expect(path).toBeDefined();
              if (op.from !== op.to) expectPath(graph, path!, op.from, op.to);
              expect(edgeSet(graph)).toEqual(before);
            } else {
              expect(path).toBeUndefined();
              let targets = model.get(op.from);
              if (targets === undefined) model.set(op.from, (targets = new Set()));
              targets.add(op.to);
            }
          }
          expect(graph.isTopologicallyOrdered()).toBe(true);
          const modelEdges = [...model]
            .flatMap(([from, targets]) => [...targets].map((to) => `${from}>${to}`))
            .sort();
          expect(edgeSet(graph)).toEqual(modelEdges);
          expect(graph.edgeCount).toBe(modelEdges.length);
        }
      }),
      { numRuns: 400 },
    );
  });
});

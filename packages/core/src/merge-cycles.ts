/**
 * The cycle search of a merge: which cycles the union of every report's edges closes. The edges
 * are inserted, in output order, into a {@link LockOrderGraph}, which refuses each edge that would
 * close a cycle and returns that cycle.
 *
 * Only edges inside one strongly connected component of the union can lie on a cycle, so the
 * others are never inserted: a union of 20 shards has ~60,000 distinct edges, nearly all between
 * components, and inserting them in arbitrary order made the graph renumber its topological
 * order again and again. Leaving them out changes no result: every node on a path `to ⇝ from`
 * that closes a cycle is in the component of `from` and `to`, nodes outside it never reach
 * `from`, so the graph's depth-first search meets the same nodes in the same order and returns
 * the same path, and it refuses exactly the same edges.
 */
import { LockOrderGraph } from './graph.ts';
import type { MergedEdge } from './merge.ts';

/** One edge of a found cycle: node numbers and the merged edge. */
export type FoundEdge = readonly [from: number, to: number, edge: MergedEdge];

/**
 * Cycles closed by the union's edges, each as its edges in order: `edges[i].from` is the cycle's
 * `i`-th lock and the last edge is the one that closed it.
 * @param nodeCount - node numbers are `0 … nodeCount - 1`.
 * @param fromOrder - nodes with outgoing edges, in the order their edges are inserted.
 * @param out - each node's outgoing edges by target node.
 */
export function findMergedCycles(
  nodeCount: number,
  fromOrder: readonly number[],
  out: readonly (ReadonlyMap<number, MergedEdge> | undefined)[],
): FoundEdge[][] {
  const component = stronglyConnectedComponents(nodeCount, out);
  const graph = new LockOrderGraph<number, MergedEdge>();
  const cycles: FoundEdge[][] = [];
  for (const from of fromOrder) {
    for (const [to, edge] of out[from]!) {
      if (component[from] !== component[to]) continue;
      const path = graph.addEdge(from, to, () => edge);
      if (path === undefined) continue;
      const cycle: FoundEdge[] = [];
      for (let index = 0; index + 1 < path.length; index++) {
        const [step, next] = [path[index]!, path[index + 1]!];
        cycle.push([step, next, graph.edge(step, next)!]);
      }
      cycle.push([from, to, edge]);
      cycles.push(cycle);
    }
  }
  return cycles;
}

const NO_EDGES: ReadonlyMap<number, MergedEdge> = new Map();

/**
 * Tarjan's algorithm, iterative (a deep graph must not overflow the call stack): the component
 * number of every node; two nodes share one exactly when each reaches the other. O(nodes + edges).
 */
export function stronglyConnectedComponents(
  nodeCount: number,
  out: readonly (ReadonlyMap<number, unknown> | undefined)[],
): Int32Array {
  const order = new Int32Array(nodeCount).fill(-1); // discovery number, -1 = not yet visited
  const low = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  const onStack = new Uint8Array(nodeCount);
  const stack: number[] = [];
  const frames: { node: number; successors: Iterator<number> }[] = [];
  let discovered = 0;
  let components = 0;
  const enter = (node: number): void => {
    order[node] = low[node] = discovered++;
    stack.push(node);
    onStack[node] = 1;
    frames.push({ node, successors: (out[node] ?? NO_EDGES).keys() });
  };
  for (let root = 0; root < nodeCount; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const node = frame.node;
      const step = frame.successors.next();
      if (step.done !== true) {
        const next = step.value;
        if (order[next] === -1) enter(next);
        else if (onStack[next] === 1) low[node] = Math.min(low[node]!, order[next]!);
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent !== undefined) low[parent.node] = Math.min(low[parent.node]!, low[node]!);
      if (low[node] === order[node]) {
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component[member] = components;
        } while (member !== node);
        components++;
      }
    }
  }
  return component;
}

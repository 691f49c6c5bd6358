/**
 * Cost of the lock-order graph as it grows, and of the detector's known-edge fast path.
 *
 *   pnpm exec node packages/core/bench/graph.ts
 *
 * New-edge costs are reported as ratios against the 1,000-edge graph of the same run, so machines
 * compare: a ratio that grows much slower than the edge count (×10, ×100) is sublinear growth.
 * Two graph shapes: "layered" (a lock hierarchy 8 levels deep, as real programs nest) and
 * "random" (a uniformly random DAG, out-degree 2 — long paths, the hard case for the search).
 */
import { Detector } from '../src/detector.ts';
import { LockNode, type Hold } from '../src/lock-node.ts';
import { LockOrderGraph } from '../src/graph.ts';

/** Deterministic PRNG (mulberry32) so every run builds the same graphs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Shape = 'layered' | 'random';

/** `count` distinct forward edges (`rank(from) < rank(to)`) over `nodes` nodes, shuffled. */
function dagEdges(
  shape: Shape,
  nodes: number,
  count: number,
  next: () => number,
): [number, number][] {
  const layers = 8;
  const seen = new Set<number>();
  const edges: [number, number][] = [];
  while (edges.length < count) {
    let from: number;
    let to: number;
    if (shape === 'layered') {
      // node i is in layer i % layers; edges go one or two layers down.
      from = Math.floor(next() * nodes);
      const layer = from % layers;
      if (layer >= layers - 1) continue;
      const step = layer === layers - 2 ? 1 : 1 + Math.floor(next() * 2);
      to = Math.floor(next() * Math.floor(nodes / layers)) * layers + layer + step;
      if (to >= nodes) continue;
    } else {
      from = Math.floor(next() * nodes);
      to = Math.floor(next() * nodes);
      if (from === to) continue;
      if (from > to) [from, to] = [to, from];
    }
    const key = from * nodes + to;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push([from, to]);
  }
  for (let index = edges.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [edges[index], edges[other]] = [edges[other]!, edges[index]!];
  }
  return edges;
}

interface Row {
  readonly edges: number;
  readonly newEdgeNs: number;
  readonly refusedEdgeNs: number;
  /** The same 16 edges again and again: what a program's hot path does. */
  readonly hotKnownNs: number;
  /** Edges all over the graph: every lookup misses the CPU caches. */
  readonly coldKnownNs: number;
}

/** The best of three runs of `measure` (the least disturbed by GC and the JIT). */
function best(shape: Shape, edgeCount: number, probes: number): Row {
  const runs = [0, 1, 2].map(() => measure(shape, edgeCount, probes));
  const min = (key: keyof Row): number => Math.min(...runs.map((run) => run[key]));
  return {
    edges: edgeCount,
    newEdgeNs: min('newEdgeNs'),
    refusedEdgeNs: min('refusedEdgeNs'),
    hotKnownNs: min('hotKnownNs'),
    coldKnownNs: min('coldKnownNs'),
  };
}

function measure(shape: Shape, edgeCount: number, probes: number): Row {
  const next = random(edgeCount * 7 + (shape === 'layered' ? 1 : 2));
  const nodes = shape === 'layered' ? Math.ceil(edgeCount / 2) : Math.ceil(edgeCount / 2);
  const chunks = 5;
  const all = dagEdges(shape, nodes, edgeCount + probes * chunks, next);
  const graph = new LockOrderGraph<number, null>();
  const base = all.slice(0, edgeCount);
  for (const [from, to] of base)
    if (graph.addEdge(from, to, () => null) !== undefined) throw new Error('bench bug: cycle');
  // New acyclic edges into a graph of `edgeCount` edges: five fresh batches (each added, timed,
  // then removed so the graph keeps its size), median batch.
  const batches: number[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    const extra = all.slice(edgeCount + chunk * probes, edgeCount + (chunk + 1) * probes);
    const begin = performance.now();
    for (const [from, to] of extra) graph.addEdge(from, to, () => null);
    batches.push(((performance.now() - begin) * 1e6) / extra.length);
    for (const [from, to] of extra) graph.removeEdge(from, to);
  }
  const newEdgeNs = batches.sort((a, b) => a - b)[Math.floor(chunks / 2)]!;
  // Edges that close a cycle (each the reverse of an existing one), refused for the first time.
  const reversed = base.slice(0, probes);
  const start = performance.now();
  for (const [from, to] of reversed)
    if (graph.addEdge(to, from, () => null) === undefined) throw new Error('bench bug: no cycle');
  const refusedEdgeNs = ((performance.now() - start) * 1e6) / reversed.length;
  // Known edges: the detector's fast path is this lookup.
  const lookups = (edges: readonly [number, number][]): number => {
    const rounds = 2_000_000;
    let found = 0;
    const begin = performance.now();
    for (let index = 0; index < rounds; index++) {
      const [from, to] = edges[index % edges.length]!;
      if (graph.edge(from, to) !== undefined) found++;
    }
    if (found !== rounds) throw new Error('bench bug: lost an edge');
    return ((performance.now() - begin) * 1e6) / rounds;
  };
  return {
    edges: edgeCount,
    newEdgeNs,
    refusedEdgeNs,
    hotKnownNs: lookups(base.slice(0, 16)),
    coldKnownNs: lookups(base),
  };
}

/** The whole per-acquisition path of the engine with every edge known. */
function detectorFastPath(): { depth: number; ns: number }[] {
  const detector = new Detector({ stacks: true });
  const locks = ['a', 'b', 'c'].map(
    (name) => new LockNode({ exclusive: true, name, kind: 'Lock', reentrant: false }),
  );
  const results: { depth: number; ns: number }[] = [];
  for (const depth of [0, 1, 2]) {
    const holds: Hold[] = locks.slice(0, depth).map((node) => ({ lock: node, live: true }));
    const target = locks[depth]!;
    const rounds = 1_000_000;
    const run = (): number => {
      const start = performance.now();
      for (let index = 0; index < rounds; index++) {
        const hold = { lock: target, live: true };
        const site = detector.beforeAcquire(holds, target, false);
        detector.holdAcquired(hold, site);
        detector.holdReleased(hold);
      }
      return ((performance.now() - start) * 1e6) / rounds;
    };
    run(); // warm-up: creates the edges and optimises
    results.push({ depth, ns: Math.min(run(), run(), run(), run(), run()) });
  }
  return results;
}

const sizes = [1_000, 10_000, 100_000];
for (const shape of ['layered', 'random'] as const) {
  // Warm the JIT on a small graph first.
  measure(shape, 1_000, 1_000);
  const rows = sizes.map((size) => best(shape, size, 500));
  const first = rows[0]!;
  console.log(
    `\n${shape} DAG — per operation, best of 3 runs, median of 5 fresh batches of 500 new edges (ratio vs the 1,000-edge graph)`,
  );
  console.log(
    'edges     new edge              refused (cycle) edge  known edge, hot       known edge, cold',
  );
  for (const row of rows) {
    const cell = (ns: number, ref: number): string =>
      `${ns.toFixed(0).padStart(6)} ns (×${(ns / ref).toFixed(2)})`.padEnd(22);
    console.log(
      `${String(row.edges).padEnd(9)} ${cell(row.newEdgeNs, first.newEdgeNs)}${cell(row.refusedEdgeNs, first.refusedEdgeNs)}` +
        `${cell(row.hotKnownNs, first.hotKnownNs)}${cell(row.coldKnownNs, first.coldKnownNs)}`,
    );
  }
}
console.log(
  '\nDetector, every edge known (beforeAcquire + holdAcquired + holdReleased, ' +
    'one hold object per acquisition; best of 5 runs of 1e6)',
);
for (const { depth, ns } of detectorFastPath())
  console.log(`  holding ${depth} lock(s): ${ns.toFixed(0)} ns per acquisition`);

/**
 * Synthetic reports for the CLI benchmark: `locks` locks created across 50 files, `5 × locks`
 * lock-order edges with both sites (a random DAG), plus `cycles` two-lock cycles closed by a back
 * edge — the shape `detector.snapshot()` writes for a large test suite. Shards (a `seed`) are
 * runs of one program: they share lock keys and acquisition sites, and each saw most of the same
 * lock orders.
 *
 * Sites are shared the way a program shares them: each lock is taken at 1–4 places of the code
 * (2.5 on average), and every edge's holder site is one of its `from` lock's places and its
 * acquirer site one of its `to` lock's — so 10,000 locks with 50,000 edges have ~25,000 distinct
 * acquisition sites, one per two edges (docs/benchmarks.md says why that is conservative).
 */
import type { Cycle, LockGraphReport, ReportEdge, ReportLock, Site } from '@interlock/core';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { twoLockCycle } from '../test/reports.ts';

/** Floats in [0, 1) from a seeded generator, so every run builds the same reports. */
function random(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

const FILES = 50;
/** Lines of each function of the synthetic modules: a site's function follows from its line. */
const FUNCTION_LINES = 30;
/** Most places one lock is taken at (uniform in 1…this). */
const MAX_SITES_PER_LOCK = 4;

/** A site somewhere in the program; its function is the one its line falls in. */
function siteOf(next: () => number, withFunction: boolean): Site {
  const module = Math.floor(next() * FILES);
  const line = 1 + Math.floor(next() * 900);
  return {
    file: `/home/ci/work/app/src/module-${module}.ts`,
    line,
    column: 1 + Math.floor(next() * 60),
    ...(withFunction ? { function: `handler${module}_${Math.floor(line / FUNCTION_LINES)}` } : {}),
  };
}

export interface ReportShape {
  readonly locks: number;
  /** Edges per lock. @default 5 */
  readonly edgesPerLock?: number;
  /** Two-lock cycles. @default 10 */
  readonly cycles?: number;
  /** PRNG seed: shards of one program share lock keys and differ in which edges they saw. */
  readonly seed?: number;
}

/** Builds one report. Lock keys and sites depend only on the lock's index, so shards share them. */
export function syntheticReport(shape: ReportShape): LockGraphReport {
  const next = random(shape.seed ?? 1);
  const keyed = random(7); // lock creation and acquisition sites: identical in every shard
  const locks: ReportLock[] = [];
  const placesOf: Site[][] = [];
  for (let index = 0; index < shape.locks; index++) {
    const site = siteOf(keyed, false);
    const name = `resource-${index}`;
    locks.push({
      id: `L${index + 1}`,
      key: `${name}@${site.file}:${site.line}:${site.column}`,
      name,
      kind: index % 7 === 0 ? 'RLock' : 'Lock',
      site,
    });
    const places = 1 + Math.floor(keyed() * MAX_SITES_PER_LOCK);
    placesOf.push(Array.from({ length: places }, () => siteOf(keyed, true)));
  }
  // The program's lock orders: one pool for every shard; each shard saw a random 5/6 of it.
  const wanted = shape.locks * (shape.edgesPerLock ?? 5);
  const pool = random(11);
  const placeOf = (lock: number, from: () => number): Site => {
    const places = placesOf[lock]!;
    return places[Math.floor(from() * places.length)]!;
  };
  const edges: ReportEdge[] = [];
  const seen = new Set<number>();
  while (edges.length < wanted) {
    const a = Math.floor(pool() * shape.locks);
    const b = Math.floor(pool() * shape.locks);
    if (a === b) continue;
    const [from, to] = a < b ? [a, b] : [b, a];
    const key = from * shape.locks + to;
    if (seen.has(key)) continue;
    seen.add(key);
    const holder = placeOf(from, pool);
    const acquirer = placeOf(to, pool);
    if (next() < 1 / 6 && shape.seed !== undefined) continue;
    edges.push({
      from: `L${from + 1}`,
      to: `L${to + 1}`,
      count: 1 + Math.floor(next() * 20),
      holder,
      acquirer,
    });
  }
  const cycles: Cycle[] = [];
  const indexOf = (id: string): number => Number(id.slice(1)) - 1;
  for (let index = 0; index < (shape.cycles ?? 10) && index < edges.length; index++) {
    const forward = edges[index]!;
    // The inversion: somewhere else in the code the two locks are taken the other way round.
    const back: ReportEdge = {
      from: forward.to,
      to: forward.from,
      count: 1,
      holder: placeOf(indexOf(forward.to), next),
      acquirer: placeOf(indexOf(forward.from), next),
    };
    edges.push(back);
    const name = (id: string): string => locks[indexOf(id)]!.name;
    cycles.push(twoLockCycle(forward, back, [name(forward.from), name(forward.to)]));
  }
  return {
    version: 1,
    generatedAt: '2026-12-01T00:00:00.000Z',
    locks,
    edges,
    cycles,
    deadlocks: [],
  };
}

/**
 * Synthetic reports for the CLI benchmark: `locks` locks created across 50 files, `5 × locks`
 * lock-order edges with both sites (a random DAG), plus `cycles` two-lock cycles closed by a back
 * edge — the shape `detector.snapshot()` writes for a large test suite. Shards (a `seed`) are
 * runs of one program: they share lock keys and each saw most of the same lock orders.
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

function siteOf(next: () => number, fn?: string): Site {
  const file = `/home/ci/work/app/src/module-${Math.floor(next() * FILES)}.ts`;
  return {
    file,
    line: 1 + Math.floor(next() * 900),
    column: 1 + Math.floor(next() * 60),
    ...(fn === undefined ? {} : { function: fn }),
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

/** Builds one report. Lock keys depend only on the lock's index, so shards share them. */
export function syntheticReport(shape: ReportShape): LockGraphReport {
  const next = random(shape.seed ?? 1);
  const keyed = random(7); // lock creation sites: identical in every shard
  const locks: ReportLock[] = [];
  for (let index = 0; index < shape.locks; index++) {
    const site = siteOf(keyed);
    const name = `resource-${index}`;
    locks.push({
      id: `L${index + 1}`,
      key: `${name}@${site.file}:${site.line}:${site.column}`,
      name,
      kind: index % 7 === 0 ? 'RLock' : 'Lock',
      site,
    });
  }
  // The program's lock orders: one pool for every shard; each shard saw a random 5/6 of it.
  const wanted = shape.locks * (shape.edgesPerLock ?? 5);
  const pool = random(11);
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
    const holder = siteOf(pool, 'handler');
    const acquirer = siteOf(pool, 'handler');
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
  for (let index = 0; index < (shape.cycles ?? 10) && index < edges.length; index++) {
    const forward = edges[index]!;
    const back: ReportEdge = {
      from: forward.to,
      to: forward.from,
      count: 1,
      holder: siteOf(next, 'reverse'),
      acquirer: siteOf(next, 'reverse'),
    };
    edges.push(back);
    const name = (id: string): string => locks[Number(id.slice(1)) - 1]!.name;
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

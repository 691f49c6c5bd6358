/** Report fixtures for the CLI's tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Cycle, LockGraphReport, ReportEdge, ReportLock, Site } from '@interlock/core';

export const site = (file: string, line: number, column: number, fn?: string): Site => ({
  file,
  line,
  column,
  ...(fn === undefined ? {} : { function: fn }),
});

export function lock(id: string, name: string, file = '/repo/src/bank.ts', line = 4): ReportLock {
  return { id, key: `${name}@${file}:${line}:1`, name, kind: 'Lock', site: site(file, line, 1) };
}

/** The cycle of two edges `a → b` (seen first) and `b → a` (closing it): cycles carry no counts. */
export function twoLockCycle(
  forward: ReportEdge,
  back: ReportEdge,
  names: readonly [string, string],
): Cycle {
  return {
    locks: [
      { id: forward.from, name: names[0] },
      { id: forward.to, name: names[1] },
    ],
    edges: [forward, back].map(({ from, to, holder, acquirer }) => ({
      from,
      to,
      holder,
      acquirer,
    })),
  };
}

/** Two locks nested both ways: the example of docs/reports.md, with absolute paths under `root`. */
export function bankReport(
  root = '/repo',
  names: readonly [string, string] = ['accounts', 'audit'],
): LockGraphReport {
  const file = `${root}/src/bank.ts`;
  const forward: ReportEdge = {
    from: 'L1',
    to: 'L2',
    count: 3,
    holder: site(file, 12, 20, 'transfer'),
    acquirer: site(file, 14, 22, 'transfer'),
  };
  const backward: ReportEdge = {
    from: 'L2',
    to: 'L1',
    count: 1,
    holder: site(file, 25, 20, 'audit'),
    acquirer: site(file, 27, 24, 'audit'),
  };
  const cycle = twoLockCycle(forward, backward, names);
  return {
    version: 1,
    generatedAt: '2026-11-25T10:00:00.000Z',
    locks: [lock('L1', names[0], file, 4), lock('L2', names[1], file, 5)],
    edges: [forward, backward],
    cycles: [cycle],
    deadlocks: [],
  };
}

/** No finding: a → b → c. */
export function cleanReport(root = '/repo'): LockGraphReport {
  const file = `${root}/src/ok.ts`;
  return {
    version: 1,
    locks: [lock('L1', 'a', file, 1), lock('L2', 'b', file, 2), lock('L3', 'c', file, 3)],
    edges: [
      { from: 'L1', to: 'L2', count: 1, holder: site(file, 10, 3), acquirer: site(file, 11, 3) },
      { from: 'L2', to: 'L3', count: 2, holder: site(file, 11, 3), acquirer: site(file, 12, 3) },
    ],
    cycles: [],
    deadlocks: [],
  };
}

/** A self-deadlock and a long hold. */
export function deadlockReport(root = '/repo'): LockGraphReport {
  const file = `${root}/src/worker.ts`;
  return {
    version: 1,
    locks: [lock('L1', 'queue', file, 3)],
    edges: [],
    cycles: [],
    deadlocks: [
      {
        locks: [{ id: 'L1', name: 'queue' }],
        edges: [{ from: 'L1', to: 'L1', holder: site(file, 8, 5), acquirer: site(file, 9, 5) }],
      },
    ],
    longHolds: [{ lock: 'L1', site: site(file, 8, 5), limit: 100, count: 2 }],
  };
}

/** One shard of a split cycle: only `from → to`, with locks keyed by name and site. */
export function shard(first: string, second: string, root = '/repo'): LockGraphReport {
  const file = `${root}/src/split.ts`;
  const locks = [
    lock('L1', first, file, first === 'a' ? 1 : 2),
    lock('L2', second, file, second === 'a' ? 1 : 2),
  ];
  return {
    version: 1,
    locks,
    edges: [
      { from: 'L1', to: 'L2', count: 1, holder: site(file, 20, 1), acquirer: site(file, 21, 1) },
    ],
    cycles: [],
    deadlocks: [],
  };
}

/** A ring of locks with the given names: n locks, n edges, one cycle through all of them. */
export function ring(names: readonly string[]): LockGraphReport {
  const locks = names.map((name, index) =>
    lock(`L${index + 1}`, name, '/repo/src/ring.ts', index + 1),
  );
  const edges = locks.map((from, index) => ({
    from: from.id,
    to: locks[(index + 1) % locks.length]!.id,
    count: 1,
  }));
  return {
    version: 1,
    locks,
    edges,
    cycles: [
      {
        locks: locks.map(({ id, name }) => ({ id, name })),
        edges: edges.map(({ from, to }) => ({ from, to })),
      },
    ],
    deadlocks: [],
  };
}

/** Names crafted to break out of HTML, DOT, Mermaid and JSON-in-script contexts. */
export const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>',
  '"];\n  evil [label="pwned',
  '</script><script>alert(2)</script>',
  'a\\" -> "b',
  '`-->|x| n0; click n0 call alert(3)` %%',
  '&lt;amp&gt; & #quot; ]]> <!--',
];

/** A fresh temporary directory. */
export function temporaryDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'interlock-cli-'));
}

/** Writes a report (or any text) into `directory` and returns its path. */
export function writeReport(
  directory: string,
  name: string,
  report: LockGraphReport | string,
): string {
  const file = path.join(directory, name);
  writeFileSync(file, typeof report === 'string' ? report : JSON.stringify(report));
  return file;
}

/**
 * Merging reports from several processes (sharded test runs, workers): locks are matched by
 * `key` (name + creation site), not by id, and the union of their lock orders is checked for
 * cycles that no single process saw. The rule is documented in `docs/reports.md`.
 */
import { LockOrderGraph } from './graph.ts';
import {
  REPORT_VERSION,
  cycleKey,
  formatSite,
  type Cycle,
  type CycleEdge,
  type LockGraphReport,
  type LongHold,
  type ReportEdge,
  type ReportLock,
  type Site,
} from './report.ts';

interface MergedEdge {
  holder: Site | undefined;
  acquirer: Site | undefined;
  count: number;
  /** Doubtful in every report that has it (one certain occurrence makes it certain). */
  doubtful: boolean;
}

/**
 * Unions reports. In the result a lock stands for every instance that shares its `key`, with id
 * `K1`, `K2`, … in order of first appearance.
 *
 * - Edges between locks of different keys are unioned (counts summed, first sites kept). Edges
 *   between two locks of one key (instances created at one site, nested) are dropped: by key
 *   they cannot be ordered, and keeping them would turn every such nesting into a cycle.
 * - Cycles and deadlocks of every report are kept (mapped to keys, each once), and the union of
 *   edges is checked again: a cycle it closes that no report holds is added — an order taken one
 *   way in one process and the other way in another.
 * - Long holds and waits are unioned, counts summed.
 *
 * Cost: O(total size) plus one graph insertion per distinct edge.
 * @example
 * ```ts
 * const merged = mergeReports(files.map((file) => parseReport(read(file), file)));
 * if (merged.cycles.length > 0) process.exitCode = 1;
 * ```
 */
export function mergeReports(reports: readonly LockGraphReport[]): LockGraphReport {
  const locks = new Map<string, ReportLock>();
  const edges = new Map<string, Map<string, MergedEdge>>();
  const cycles: Cycle[] = [];
  const cycleKeys = new Set<string>();
  const deadlocks: Cycle[] = [];
  const deadlockKeys = new Set<string>();
  const longHolds = new Map<string, LongHold>();
  const longWaits = new Map<string, LongHold>();

  for (const report of reports) {
    // This report's ids → merged ids.
    const ids = new Map<string, string>();
    for (const lock of report.locks) {
      let merged = locks.get(lock.key);
      if (merged === undefined) {
        merged = { ...lock, id: `K${locks.size + 1}` };
        locks.set(lock.key, merged);
      }
      ids.set(lock.id, merged.id);
    }
    const map = (id: string): string => ids.get(id) ?? id;
    for (const edge of report.edges) {
      const from = map(edge.from);
      const to = map(edge.to);
      if (from === to) continue;
      let targets = edges.get(from);
      if (targets === undefined) edges.set(from, (targets = new Map<string, MergedEdge>()));
      const known = targets.get(to);
      const doubtful = edge.doubtful === true;
      if (known === undefined) {
        targets.set(to, {
          holder: edge.holder,
          acquirer: edge.acquirer,
          count: edge.count ?? 1,
          doubtful,
        });
      } else {
        known.count += edge.count ?? 1;
        known.doubtful &&= doubtful;
        known.holder ??= edge.holder;
        known.acquirer ??= edge.acquirer;
      }
    }
    for (const cycle of report.cycles) addOnce(cycles, cycleKeys, remap(cycle, map));
    for (const deadlock of report.deadlocks) addOnce(deadlocks, deadlockKeys, remap(deadlock, map));
    for (const entry of report.longHolds ?? []) addLong(longHolds, entry, map);
    for (const entry of report.longWaits ?? []) addLong(longWaits, entry, map);
  }

  const names = new Map([...locks.values()].map((lock) => [lock.id, lock.name]));
  const graph = new LockOrderGraph<string, MergedEdge>();
  const reportEdges: ReportEdge[] = [];
  for (const [from, targets] of edges) {
    for (const [to, edge] of targets) {
      reportEdges.push(toReportEdge(from, to, edge, true));
      const path = graph.addEdge(from, to, () => edge);
      if (path === undefined) continue;
      const cycleEdges: CycleEdge[] = [];
      let doubtful = edge.doubtful;
      for (let index = 0; index + 1 < path.length; index++) {
        const step = graph.edge(path[index]!, path[index + 1]!)!;
        doubtful ||= step.doubtful;
        cycleEdges.push(toReportEdge(path[index]!, path[index + 1]!, step, false));
      }
      cycleEdges.push(toReportEdge(from, to, edge, false));
      addOnce(cycles, cycleKeys, {
        ...(doubtful ? { doubtful: true as const } : {}),
        locks: path.map((id) => ({ id, name: names.get(id) ?? id })),
        edges: cycleEdges,
      });
    }
  }

  return {
    version: REPORT_VERSION,
    locks: [...locks.values()],
    edges: reportEdges,
    cycles,
    deadlocks,
    ...(longHolds.size > 0 ? { longHolds: [...longHolds.values()] } : {}),
    ...(longWaits.size > 0 ? { longWaits: [...longWaits.values()] } : {}),
  };
}

function remap(cycle: Cycle, map: (id: string) => string): Cycle {
  return {
    ...(cycle.doubtful === true ? { doubtful: true as const } : {}),
    locks: cycle.locks.map((lock) => ({ id: map(lock.id), name: lock.name })),
    edges: cycle.edges.map((edge) => ({ ...edge, from: map(edge.from), to: map(edge.to) })),
  };
}

/** Adds `cycle` unless the same cycle is there; a certain one replaces a doubtful one. */
function addOnce(list: Cycle[], keys: Set<string>, cycle: Cycle): void {
  const key = cycleKey(cycle);
  if (keys.has(key)) {
    const index = list.findIndex((known) => cycleKey(known) === key);
    if (list[index]!.doubtful === true && cycle.doubtful !== true) list[index] = cycle;
    return;
  }
  keys.add(key);
  list.push(cycle);
}

function addLong(
  entries: Map<string, LongHold>,
  entry: LongHold,
  map: (id: string) => string,
): void {
  const lock = map(entry.lock);
  const key = `${lock} ${entry.site === undefined ? '' : formatSite(entry.site)} ${entry.limit}`;
  const known = entries.get(key);
  entries.set(key, { ...entry, lock, count: (known?.count ?? 0) + entry.count });
}

function toReportEdge(from: string, to: string, edge: MergedEdge, withCount: boolean): ReportEdge {
  return {
    from,
    to,
    ...(edge.holder === undefined ? {} : { holder: edge.holder }),
    ...(edge.acquirer === undefined ? {} : { acquirer: edge.acquirer }),
    ...(withCount ? { count: edge.count } : {}),
    ...(withCount && edge.doubtful ? { doubtful: true as const } : {}),
  };
}

/**
 * Merging reports from several processes (sharded test runs, workers): locks are matched by
 * `key` (name + creation site), not by id, and the union of their lock orders is checked for
 * cycles that no single process saw. The rule is documented in `docs/reports.md`.
 *
 * The union is incremental ({@link ReportUnion}) so that a reader can fold each report in as it
 * is parsed and drop it, and so that unions of consecutive runs of reports can be built apart
 * (in worker threads) and unioned again: `union(a, b, c, d)` equals `union(union(a, b),
 * union(c, d))`, ids, order and sites included. Locks are numbered inside the union and edges are
 * kept per lock number, so folding an edge costs two lookups of the report's lock ids and one
 * small-integer lookup, not string-keyed maps of merged ids.
 */
import { findMergedCycles } from './merge-cycles.ts';
import {
  REPORT_VERSION,
  cycleKey,
  formatSite,
  type Cycle,
  type LockGraphReport,
  type LongHold,
  type ReportEdge,
  type ReportLock,
  type Site,
} from './report.ts';
import type { PackedReport } from './report-v2.ts';

/** One edge of the union: the first sites seen, the summed count. */
export interface MergedEdge {
  holder: Site | undefined;
  acquirer: Site | undefined;
  count: number;
  /** Doubtful in every report that has it (one certain occurrence makes it certain). */
  doubtful: boolean;
}

/**
 * The union of reports, folded one report at a time. `mergeReports(reports)` is
 * `union.add(report)` for each report, then {@link ReportUnion.merged}.
 *
 * - Locks are matched by `key`; each distinct key becomes one lock with id `K1`, `K2`, … in order
 *   of first appearance (name, kind and site from the first report that lists the key).
 * - Edges between locks of different keys are unioned (counts summed, first sites kept). Edges
 *   between two locks of one key (instances created at one site, nested) are dropped: by key
 *   they cannot be ordered, and keeping them would turn every such nesting into a cycle.
 * - Cycles and deadlocks of every report are kept (mapped to keys, each once).
 * - Long holds and waits are unioned, counts summed.
 *
 * An id a report uses without listing it in `locks` (a report that was not validated) is kept as
 * it is, as its own node.
 *
 * @example
 * ```ts
 * const union = new ReportUnion();
 * for (const file of files) union.add(parseReport(read(file), file)); // each report dropped after
 * const merged = union.merged();
 * ```
 */
export class ReportUnion {
  /** The merged locks, in order of first appearance. */
  readonly #locks: ReportLock[] = [];
  /** Lock key → node number. */
  readonly #byKey = new Map<string, number>();
  /** Ids used by a report but missing from its `locks` → node number (kept verbatim). */
  readonly #unlisted = new Map<string, number>();
  /** Node number → the id it has in the output. */
  readonly #ids: string[] = [];
  /** Node number → its outgoing edges by target node number; unset until it is an edge's `from`. */
  readonly #out: (Map<number, MergedEdge> | undefined)[] = [];
  /** Node numbers in the order they first appeared as an edge's `from`: the output edge order. */
  readonly #fromOrder: number[] = [];
  readonly #cycles: Cycle[] = [];
  readonly #cycleKeys = new Set<string>();
  readonly #deadlocks: Cycle[] = [];
  readonly #deadlockKeys = new Set<string>();
  readonly #longHolds = new Map<string, LongHold>();
  readonly #longWaits = new Map<string, LongHold>();

  /**
   * Folds one report in: an in-memory report, or a version 2 file read by `parseReportForMerge`
   * (its edges still tuples — the same result without an object per edge). The report is not
   * retained except for the sites and findings kept.
   */
  add(input: LockGraphReport | PackedReport): void {
    const packed = 'sites' in input ? input : undefined;
    const report = packed === undefined ? (input as LockGraphReport) : packed.report;
    // This report's ids → node numbers, and the same by position in `locks`.
    const nodes = new Map<string, number>();
    const nodeAt: number[] = [];
    for (const lock of report.locks) {
      let node = this.#byKey.get(lock.key);
      if (node === undefined) {
        const id = `K${this.#locks.length + 1}`;
        node = this.#newNode(id);
        this.#locks.push({ ...lock, id });
        this.#byKey.set(lock.key, node);
      }
      nodes.set(lock.id, node);
      nodeAt.push(node);
    }
    const nodeOf = (id: string): number => nodes.get(id) ?? this.#unlistedNode(id);
    if (packed === undefined) {
      for (const edge of report.edges) {
        this.#addEdge(
          nodeOf(edge.from),
          nodeOf(edge.to),
          edge.holder,
          edge.acquirer,
          edge.count ?? 1,
          edge.doubtful === true,
        );
      }
    } else {
      const sites = packed.sites;
      for (const edge of packed.edges) {
        const holder = edge[2];
        const acquirer = edge[3];
        this.#addEdge(
          nodeAt[edge[0]]!,
          nodeAt[edge[1]]!,
          holder === null ? undefined : sites[holder],
          acquirer === null ? undefined : sites[acquirer],
          edge[4] ?? 1,
          edge.length === 6,
        );
      }
    }
    const map = (id: string): string => this.#ids[nodeOf(id)]!;
    for (const cycle of report.cycles) addOnce(this.#cycles, this.#cycleKeys, remap(cycle, map));
    for (const deadlock of report.deadlocks)
      addOnce(this.#deadlocks, this.#deadlockKeys, remap(deadlock, map));
    for (const entry of report.longHolds ?? []) addLong(this.#longHolds, entry, map);
    for (const entry of report.longWaits ?? []) addLong(this.#longWaits, entry, map);
  }

  /**
   * The union as a report, without searching the union for new cycles: what a part of a merge
   * hands on to be unioned again. Every edge carries its summed `count`.
   */
  toReport(): LockGraphReport {
    const edges: ReportEdge[] = [];
    for (const [from, to, edge] of this.#edges()) edges.push(toReportEdge(from, to, edge, true));
    return {
      version: REPORT_VERSION,
      locks: [...this.#locks],
      edges,
      cycles: [...this.#cycles],
      deadlocks: [...this.#deadlocks],
      ...(this.#longHolds.size > 0 ? { longHolds: [...this.#longHolds.values()] } : {}),
      ...(this.#longWaits.size > 0 ? { longWaits: [...this.#longWaits.values()] } : {}),
    };
  }

  /**
   * The merged report: {@link toReport} plus every cycle the union of edges closes that no
   * report listed. The union of edges is inserted in output order into a graph that refuses
   * cycle-closing edges; each refusal is one cycle (see `merge-cycles.ts`).
   */
  merged(): LockGraphReport {
    const report = this.toReport();
    const names = new Map(this.#locks.map((lock) => [lock.id, lock.name]));
    const cycles = [...report.cycles];
    const keys = new Set(this.#cycleKeys);
    for (const found of findMergedCycles(this.#ids.length, this.#fromOrder, this.#out)) {
      // A cycle through a doubtful edge is itself doubtful (docs/detector.md).
      const doubtful = found.some(([, , edge]) => edge.doubtful);
      addOnce(cycles, keys, {
        ...(doubtful ? { doubtful: true as const } : {}),
        locks: found.map(([from]) => {
          const id = this.#ids[from]!;
          return { id, name: names.get(id) ?? id };
        }),
        edges: found.map(([from, to, edge]) =>
          toReportEdge(this.#ids[from]!, this.#ids[to]!, edge, false),
        ),
      });
    }
    return { ...report, cycles };
  }

  *#edges(): Generator<[from: string, to: string, edge: MergedEdge]> {
    const ids = this.#ids;
    for (const from of this.#fromOrder) {
      for (const [to, edge] of this.#out[from]!) yield [ids[from]!, ids[to]!, edge];
    }
  }

  /** Unions one edge in: the first sites seen are kept, counts summed. */
  #addEdge(
    from: number,
    to: number,
    holder: Site | undefined,
    acquirer: Site | undefined,
    count: number,
    doubtful: boolean,
  ): void {
    if (from === to) return;
    let targets = this.#out[from];
    if (targets === undefined) {
      this.#out[from] = targets = new Map<number, MergedEdge>();
      this.#fromOrder.push(from);
    }
    const known = targets.get(to);
    if (known === undefined) {
      targets.set(to, { holder, acquirer, count, doubtful });
    } else {
      known.count += count;
      known.doubtful &&= doubtful;
      known.holder ??= holder;
      known.acquirer ??= acquirer;
    }
  }

  #newNode(id: string): number {
    this.#ids.push(id);
    this.#out.push(undefined);
    return this.#ids.length - 1;
  }

  #unlistedNode(id: string): number {
    let node = this.#unlisted.get(id);
    if (node === undefined) {
      node = this.#newNode(id);
      this.#unlisted.set(id, node);
    }
    return node;
  }
}

/**
 * Unions reports ({@link ReportUnion}) and checks the union of their edges for cycles: a cycle it
 * closes that no report holds is added — an order taken one way in one process and the other way
 * in another. In the result a lock stands for every instance that shares its `key`, with id
 * `K1`, `K2`, … in order of first appearance.
 *
 * Cost: O(total size) plus one graph insertion per distinct edge whose two locks are in one
 * strongly connected component of the union (only those can lie on a cycle).
 * @example
 * ```ts
 * const merged = mergeReports(files.map((file) => parseReport(read(file), file)));
 * if (merged.cycles.length > 0) process.exitCode = 1;
 * ```
 */
export function mergeReports(reports: readonly LockGraphReport[]): LockGraphReport {
  const union = new ReportUnion();
  for (const report of reports) union.add(report);
  return union.merged();
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

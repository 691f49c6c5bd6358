/**
 * What the detector has found so far: cycles, deadlocks, long holds. Bounded by distinct findings.
 */
import type { LockNode } from './lock-node.ts';
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
import type { SiteCapture } from './sites.ts';

/** One edge of a cycle before its sites are resolved. */
export interface PendingEdge {
  readonly from: LockNode;
  readonly to: LockNode;
  readonly holder: SiteCapture | undefined;
  readonly acquirer: SiteCapture | undefined;
}

/**
 * Resolves sites and builds a plain-JSON {@link Cycle} (locks in the order of `edges`' sources);
 * `doubtful` marks it as such (see {@link Cycle.doubtful}).
 */
export function buildCycle(edges: readonly PendingEdge[], doubtful = false): Cycle {
  return {
    ...(doubtful ? { doubtful: true as const } : {}),
    locks: edges.map((edge) => ({ id: edge.from.id, name: edge.from.name })),
    edges: edges.map((edge): CycleEdge => {
      const holder = edge.holder?.site;
      const acquirer = edge.acquirer?.site;
      return {
        from: edge.from.id,
        to: edge.to.id,
        ...(holder === undefined ? {} : { holder }),
        ...(acquirer === undefined ? {} : { acquirer }),
      };
    }),
  };
}

interface LongEntry {
  readonly lock: string;
  readonly site: Site | undefined;
  readonly limit: number;
  count: number;
}

/** Findings, each recorded once. */
export class Findings {
  /** Cycles in the order found; `#cycleKeys` maps the key of each to its index. */
  readonly #cycles: Cycle[] = [];
  readonly #cycleKeys = new Map<string, number>();
  readonly #deadlocks: Cycle[] = [];
  readonly #deadlockKeys = new Map<string, number>();
  /** Report entries of every lock a finding names, kept after the lock is forgotten. */
  readonly #locks = new Map<string, ReportLock>();
  readonly #longHolds = new Map<string, LongEntry>();
  readonly #longWaits = new Map<string, LongEntry>();

  /**
   * Records a lock-order cycle; `false` when the same cycle was recorded before. A certain cycle
   * replaces the doubtful record of the same cycle (and counts as new).
   */
  addCycle(cycle: Cycle, nodes: readonly LockNode[]): boolean {
    return this.#add(this.#cycles, this.#cycleKeys, cycle, nodes);
  }

  /**
   * Records a broken (or, doubtful, a reported) deadlock; `false` when the same cycle was recorded
   * before. A certain one replaces the doubtful record of the same cycle (and counts as new).
   */
  addDeadlock(cycle: Cycle, nodes: readonly LockNode[]): boolean {
    return this.#add(this.#deadlocks, this.#deadlockKeys, cycle, nodes);
  }

  addLong(kind: 'hold' | 'wait', node: LockNode, site: Site | undefined, limit: number): void {
    const entries = kind === 'hold' ? this.#longHolds : this.#longWaits;
    const key = `${node.id} ${site === undefined ? '' : formatSite(site)} ${limit}`;
    const entry = entries.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    entries.set(key, { lock: node.id, site, limit, count: 1 });
    this.#locks.set(node.id, node.toReport());
  }

  cycles(): Cycle[] {
    return [...this.#cycles];
  }

  deadlocks(): Cycle[] {
    return [...this.#deadlocks];
  }

  /** Report entries of locks named by findings. */
  locks(): IterableIterator<ReportLock> {
    return this.#locks.values();
  }

  longHolds(): LongHold[] {
    return [...this.#longHolds.values()].map(toLongHold);
  }

  longWaits(): LongHold[] {
    return [...this.#longWaits.values()].map(toLongHold);
  }

  /**
   * The report: `live` locks plus every lock a finding names (kept after it was forgotten),
   * `edges`, and the findings.
   */
  report(live: readonly ReportLock[], edges: ReportEdge[]): LockGraphReport {
    const locks = new Map<string, ReportLock>(live.map((lock) => [lock.id, lock]));
    for (const lock of this.#locks.values()) if (!locks.has(lock.id)) locks.set(lock.id, lock);
    const longHolds = this.longHolds();
    const longWaits = this.longWaits();
    return {
      version: REPORT_VERSION,
      generatedAt: new Date().toISOString(),
      locks: [...locks.values()],
      edges,
      cycles: this.cycles(),
      deadlocks: this.deadlocks(),
      ...(longHolds.length > 0 ? { longHolds } : {}),
      ...(longWaits.length > 0 ? { longWaits } : {}),
    };
  }

  clear(): void {
    this.#cycles.length = 0;
    this.#cycleKeys.clear();
    this.#deadlocks.length = 0;
    this.#deadlockKeys.clear();
    this.#locks.clear();
    this.#longHolds.clear();
    this.#longWaits.clear();
  }

  #add(
    list: Cycle[],
    keys: Map<string, number>,
    cycle: Cycle,
    nodes: readonly LockNode[],
  ): boolean {
    const key = cycleKey(cycle);
    const known = keys.get(key);
    if (known !== undefined) {
      if (cycle.doubtful === true || list[known]!.doubtful !== true) return false;
      list[known] = cycle;
      return true;
    }
    keys.set(key, list.length);
    list.push(cycle);
    for (const node of nodes) this.#locks.set(node.id, node.toReport());
    return true;
  }
}

function toLongHold(entry: LongEntry): LongHold {
  const base = { lock: entry.lock, limit: entry.limit, count: entry.count };
  return entry.site === undefined
    ? base
    : { lock: entry.lock, site: entry.site, limit: entry.limit, count: entry.count };
}

/**
 * `LockGraphReport`: the one plain-JSON report the detector produces (`version: 1`, the shape the
 * contract promises for `snapshot()`), the vitest integration writes and the CLI reads. Files are
 * written in the compact version 2 encoding of the same content (`report-v2.ts`) and read back
 * into this shape from either version. Every field is documented in `docs/reports.md`.
 */

/** A source position in the user's code: where a lock was created, taken or requested. */
export interface Site {
  /** Path or URL of the source file, as the runtime reported it (`file://` URLs become paths). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The enclosing function's name when the runtime knew it. */
  readonly function?: string;
}

/** One lock as reports name it inside a cycle. */
export interface CycleLock {
  /** The lock's instance id, unique within the process that wrote the report. */
  readonly id: string;
  /** The lock's display name. */
  readonly name: string;
}

/**
 * One lock-order edge `from → to`: a task requested `to` while it held `from`.
 */
export interface CycleEdge {
  /** Id of the lock already held. */
  readonly from: string;
  /** Id of the lock requested. */
  readonly to: string;
  /** Where the held lock (`from`) was taken. */
  readonly holder?: Site;
  /** Where the next lock (`to`) was requested. */
  readonly acquirer?: Site;
}

/**
 * A cycle of lock-order edges (a potential deadlock) or of blocked tasks (a real one).
 * `edges[i]` runs from `locks[i]` to `locks[(i + 1) % locks.length]`; the last edge is the one
 * that closed the cycle, so `locks[0]` is the lock being requested and `locks.at(-1)` the lock
 * its requester already held.
 */
export interface Cycle {
  readonly locks: readonly CycleLock[];
  readonly edges: readonly CycleEdge[];
  /**
   * `true` when the cycle may exist only through work that inherited a lock from the task holding
   * it and is not awaited by that task (a fire-and-forget child, an event handler): such a cycle
   * cannot deadlock if that work really runs on its own, so it is reported but never thrown, and
   * such a deadlock is reported but never broken. Absent when certain. See docs/detector.md,
   * "Doubtful findings".
   */
  readonly doubtful?: true;
}

/** A lock as listed in a report. */
export interface ReportLock {
  /** Instance id, unique within one process (`"L1"`, `"L2"`, …). Not stable across processes. */
  readonly id: string;
  /**
   * Identity that survives across processes: the name plus the creation site
   * (`"accounts@src/bank.ts:12:15"`), or the name alone when the site is unknown. Many instances
   * may share a key. See `docs/reports.md` for how merges use it.
   */
  readonly key: string;
  /** Display name. */
  readonly name: string;
  /** The primitive's kind: `'Lock'`, `'RLock'`, `'Semaphore'`, … */
  readonly kind: string;
  /** Where the lock was created. */
  readonly site?: Site;
}

/** An observed lock-order edge. */
export interface ReportEdge extends CycleEdge {
  /** How many acquisitions followed this edge (at least 1). */
  readonly count?: number;
  /**
   * `true` when no acquisition that followed it was seen to act for the task holding `from`: it
   * may have been recorded only by work that inherited the hold and is not awaited by its holder.
   * A cycle through it is doubtful ({@link Cycle.doubtful}). Absent when certain.
   */
  readonly doubtful?: true;
}

/** A lock held, or waited on, longer than `holdTimeout`. */
export interface LongHold {
  /** Id of the lock. */
  readonly lock: string;
  /** Where the lock was taken (holds) or requested (waits), when known. */
  readonly site?: Site;
  /** The limit that was exceeded, in milliseconds. */
  readonly limit: number;
  /** How many holds (or waits) at this lock and site exceeded the limit. */
  readonly count: number;
}

/** The detector's findings and the lock graph behind them. Plain JSON. */
export interface LockGraphReport {
  readonly version: 1;
  /** ISO 8601 time the report was taken. */
  readonly generatedAt?: string;
  readonly locks: readonly ReportLock[];
  readonly edges: readonly ReportEdge[];
  /** Lock-order cycles (potential deadlocks), each once, in the order they were found. */
  readonly cycles: readonly Cycle[];
  /** Real deadlocks broken by rejecting a waiter (including self-deadlocks), each once. */
  readonly deadlocks: readonly Cycle[];
  /** Locks held longer than `holdTimeout`. */
  readonly longHolds?: readonly LongHold[];
  /** Locks waited on longer than `holdTimeout`. */
  readonly longWaits?: readonly LongHold[];
}

/**
 * The version of the in-memory report shape (and of files written in it: version 1). Files are
 * written as version 2 (`FILE_VERSION`), which `parseReport` reads back into this shape.
 */
export const REPORT_VERSION = 1;

/** `"file:line:column"`, the form editors and terminals link. */
export function formatSite(site: Site): string {
  return `${site.file}:${site.line}:${site.column}`;
}

/**
 * A stable identity for a cycle that does not depend on where it was entered: the lock ids
 * rotated so the smallest comes first. Two reports of one cycle get one key.
 */
export function cycleKey(cycle: Cycle): string {
  const ids = cycle.locks.map((lock) => lock.id);
  let start = 0;
  for (let index = 1; index < ids.length; index++) if (ids[index]! < ids[start]!) start = index;
  return [...ids.slice(start), ...ids.slice(0, start)].join('>');
}

/**
 * Writes a report as a version 2 file (`report-v2.ts` has the layout, docs/reports.md the
 * specification): every string and every distinct site gets one table index.
 */
import { invalidArgument } from './arguments.ts';
import type { Cycle, LockGraphReport, LongHold, Site } from './report.ts';
import {
  FILE_VERSION,
  type CycleEdgeTuple,
  type CycleEntry,
  type EdgeTuple,
  type LockTuple,
  type LongHoldTuple,
  type ReportFileV2,
  type SiteTuple,
} from './report-v2.ts';

/** Builds the tables while a report is encoded: each string and each site gets one index. */
class Tables {
  readonly strings: string[] = [];
  readonly sites: SiteTuple[] = [];
  readonly #stringIndex = new Map<string, number>();
  /** Site objects seen → index (reports share one object per site: most lookups end here). */
  readonly #siteObjects = new Map<Site, number>();
  /** `file \0 line \0 column \0 function` → index, for equal sites held by different objects. */
  readonly #siteText = new Map<string, number>();

  string(text: string): number {
    let index = this.#stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.#stringIndex.set(text, index);
    }
    return index;
  }

  site(site: Site | undefined): number | null {
    if (site === undefined) return null;
    let index = this.#siteObjects.get(site);
    if (index !== undefined) return index;
    const fn = site.function;
    const text = `${site.file}\0${site.line}\0${site.column}\0${fn === undefined ? '' : `\0${fn}`}`;
    index = this.#siteText.get(text);
    if (index === undefined) {
      index = this.sites.length;
      const file = this.string(site.file);
      this.sites.push(
        fn === undefined
          ? [file, site.line, site.column]
          : [file, site.line, site.column, this.string(fn)],
      );
      this.#siteText.set(text, index);
    }
    this.#siteObjects.set(site, index);
    return index;
  }
}

/**
 * Encodes a report as a version 2 file (docs/reports.md): plain JSON, for `JSON.stringify` or
 * `reportJsonChunks`. `decodeCompactReport` (through `validateReport`) gives back an equal report.
 * Cost: O(size), one map lookup per string and per site.
 * @throws {RangeError} `ERR_INTERLOCK_ARG_OUT_OF_RANGE` when an edge, cycle or long hold names a
 *   lock id that `report.locks` does not list (such a report is not valid in any version).
 * @example
 * ```ts
 * writeFileSync('report.json', JSON.stringify(encodeReport(detector.snapshot())));
 * ```
 */
export function encodeReport(report: LockGraphReport): ReportFileV2 {
  const tables = new Tables();
  const lockIndex = new Map<string, number>();
  const locks = report.locks.map((lock, index): LockTuple => {
    lockIndex.set(lock.id, index);
    const head = [
      tables.string(lock.id),
      tables.string(lock.key),
      tables.string(lock.name),
      tables.string(lock.kind),
    ] as const;
    return lock.site === undefined ? head : [...head, tables.site(lock.site)!];
  });
  // The entry is named (`report.edges[3].to`) only when the id is unknown: no path per edge.
  const lockOf = (id: string, list: string, at: number, field: string): number => {
    const index = lockIndex.get(id);
    if (index === undefined)
      invalidArgument('range', `report.${list}[${at}]${field}`, 'the id of a lock in `locks`', id);
    return index;
  };
  const edges = report.edges.map((edge, index): EdgeTuple => {
    const tuple = [
      lockOf(edge.from, 'edges', index, '.from'),
      lockOf(edge.to, 'edges', index, '.to'),
      tables.site(edge.holder),
      tables.site(edge.acquirer),
      edge.count ?? null,
    ] as const;
    return edge.doubtful === true ? [...tuple, true] : tuple;
  });
  const cycle =
    (list: string) =>
    (entry: Cycle, index: number): CycleEntry => {
      return {
        locks: entry.locks.map((lock) => [
          lockOf(lock.id, list, index, '.locks'),
          tables.string(lock.name),
        ]),
        edges: entry.edges.map((edge): CycleEdgeTuple => [
          lockOf(edge.from, list, index, '.edges'),
          lockOf(edge.to, list, index, '.edges'),
          tables.site(edge.holder),
          tables.site(edge.acquirer),
        ]),
        ...(entry.doubtful === true ? { doubtful: true as const } : {}),
      };
    };
  const long =
    (list: string) =>
    (entry: LongHold, index: number): LongHoldTuple => [
      lockOf(entry.lock, list, index, '.lock'),
      tables.site(entry.site),
      entry.limit,
      entry.count,
    ];
  const cycles = report.cycles.map(cycle('cycles'));
  const deadlocks = report.deadlocks.map(cycle('deadlocks'));
  const longHolds = report.longHolds?.map(long('longHolds'));
  const longWaits = report.longWaits?.map(long('longWaits'));
  return {
    version: FILE_VERSION,
    ...(report.generatedAt === undefined ? {} : { generatedAt: report.generatedAt }),
    strings: tables.strings,
    sites: tables.sites,
    locks,
    edges,
    cycles,
    deadlocks,
    ...(longHolds === undefined ? {} : { longHolds }),
    ...(longWaits === undefined ? {} : { longWaits }),
  };
}

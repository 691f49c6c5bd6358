/**
 * Report files, version 2: the in-memory `LockGraphReport` (version 1 shape) in a compact, still
 * plain-JSON encoding. Every string is stored once in a `strings` table, every distinct site once
 * in a `sites` table, and locks, sites and edges are tuples of indices — a program takes its locks
 * at far fewer places than it has lock orders, and version 1 repeated two full site objects per
 * edge (three quarters of a file's bytes). The layout is specified in docs/reports.md; the
 * measurements that chose it are in docs/benchmarks.md.
 *
 * `encodeReport` (`report-encode.ts`) writes it; `decodeCompactReport` checks and reads it back
 * into the in-memory shape, sharing one `Site` object per site-table entry.
 */
import { quoteText } from './escape.ts';
import {
  REPORT_VERSION,
  type Cycle,
  type CycleEdge,
  type LockGraphReport,
  type LongHold,
  type ReportEdge,
  type ReportLock,
  type Site,
} from './report.ts';
import {
  Problem,
  array,
  doubtfulMark,
  fail,
  inside,
  nonNegative,
  object,
  positiveInteger,
  string,
  type Json,
} from './report-checks.ts';

/** The version of the report files interlock writes. */
export const FILE_VERSION = 2;

/** `[file, line, column]` or `[file, line, column, function]`; `file`, `function`: strings. */
export type SiteTuple =
  | readonly [file: number, line: number, column: number]
  | readonly [file: number, line: number, column: number, fn: number];
/** `[id, key, name, kind]` or `[id, key, name, kind, site]`: strings, and a site index. */
export type LockTuple =
  | readonly [id: number, key: number, name: number, kind: number]
  | readonly [id: number, key: number, name: number, kind: number, site: number];
/** A cycle's edge: `[from, to, holder, acquirer]` (lock indices; site indices or `null`). */
export type CycleEdgeTuple = readonly [
  from: number,
  to: number,
  holder: number | null,
  acquirer: number | null,
];
/** A cycle's edge plus `count` (`null` where v1 omits it), and `true` when doubtful. */
export type EdgeTuple =
  | readonly [...CycleEdgeTuple, count: number | null]
  | readonly [...CycleEdgeTuple, count: number | null, doubtful: true];
/** A cycle or deadlock: its locks as `[lock, name]`, its edges as tuples. */
export interface CycleEntry {
  readonly locks: readonly (readonly [lock: number, name: number])[];
  readonly edges: readonly CycleEdgeTuple[];
  readonly doubtful?: true;
}
/** `[lock, site, limit, count]`. */
export type LongHoldTuple = readonly [
  lock: number,
  site: number | null,
  limit: number,
  count: number,
];

/** A report file, version 2 (docs/reports.md). */
export interface ReportFileV2 {
  readonly version: 2;
  readonly generatedAt?: string;
  readonly strings: readonly string[];
  readonly sites: readonly SiteTuple[];
  readonly locks: readonly LockTuple[];
  readonly edges: readonly EdgeTuple[];
  readonly cycles: readonly CycleEntry[];
  readonly deadlocks: readonly CycleEntry[];
  readonly longHolds?: readonly LongHoldTuple[];
  readonly longWaits?: readonly LongHoldTuple[];
}

/** Problems are "must be an index into `strings` (0 to 41), got 57". */
function index(value: Json, table: string, length: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length) {
    const range = length === 0 ? 'which is empty' : `0 to ${length - 1}`;
    fail(path, `an index into \`${table}\` (${range})`, value);
  }
  return value;
}

/** `value` as a tuple of one of the `arities`; paths relative to it. */
function tuple(value: Json, arities: string, min: number, max: number): readonly Json[] {
  if (!Array.isArray(value)) fail('', `an array of ${arities} items`, value);
  if (value.length < min || value.length > max)
    throw new Problem('', `must have ${arities} items, got ${value.length}`);
  return value;
}

/** Decodes every item of `list` with `decode`, prefixing a problem's path with `name[index]`. */
function decodeAll<T>(name: string, list: readonly Json[], decode: (item: Json) => T): T[] {
  const out = new Array<T>(list.length);
  let at = 0;
  try {
    for (; at < list.length; at++) out[at] = decode(list[at]);
  } catch (error) {
    inside(`${name}[${at}]`, error);
  }
  return out;
}

/** The report's tables and its locks, once read: what the entries index. */
interface Context {
  readonly strings: readonly string[];
  readonly sites: readonly Site[];
  readonly locks: readonly ReportLock[];
}

function text(context: Context, value: Json, path: string): string {
  return context.strings[index(value, 'strings', context.strings.length, path)]!;
}

function siteAt(context: Context, value: Json, path: string): Site | undefined {
  if (value === null) return undefined;
  return context.sites[index(value, 'sites', context.sites.length, path)];
}

function lockAt(context: Context, value: Json, path: string): string {
  return context.locks[index(value, 'locks', context.locks.length, path)]!.id;
}

function decodeSite(strings: readonly string[], value: Json): Site {
  const entry = tuple(value, '3 or 4', 3, 4);
  const file = strings[index(entry[0], 'strings', strings.length, '[0]')]!;
  const line = nonNegative(entry[1], '[1]');
  const column = nonNegative(entry[2], '[2]');
  if (entry.length === 3) return { file, line, column };
  return {
    file,
    line,
    column,
    function: strings[index(entry[3], 'strings', strings.length, '[3]')]!,
  };
}

/** An edge object with the keys version 1 would have (absent ones left out, not undefined). */
function edgeObject(
  from: string,
  to: string,
  holder: Site | undefined,
  acquirer: Site | undefined,
): CycleEdge {
  if (holder !== undefined && acquirer !== undefined) return { from, to, holder, acquirer };
  return {
    from,
    to,
    ...(holder === undefined ? {} : { holder }),
    ...(acquirer === undefined ? {} : { acquirer }),
  };
}

/** Checks an edge tuple against the tables; the tuple, typed. */
function checkEdge(context: Context, value: Json): EdgeTuple {
  const entry = tuple(value, '5 or 6', 5, 6);
  index(entry[0], 'locks', context.locks.length, '[0]');
  index(entry[1], 'locks', context.locks.length, '[1]');
  if (entry[2] !== null) index(entry[2], 'sites', context.sites.length, '[2]');
  if (entry[3] !== null) index(entry[3], 'sites', context.sites.length, '[3]');
  if (entry[4] !== null) positiveInteger(entry[4], '[4]');
  if (entry.length === 6 && entry[5] !== true) fail('[5]', 'true when present', entry[5]);
  return entry as unknown as EdgeTuple;
}

function decodeEdge(context: Context, value: Json): ReportEdge {
  const entry = checkEdge(context, value);
  const { locks, sites } = context;
  const from = locks[entry[0]]!.id;
  const to = locks[entry[1]]!.id;
  const holder = entry[2] === null ? undefined : sites[entry[2]];
  const acquirer = entry[3] === null ? undefined : sites[entry[3]];
  const count = entry[4] ?? undefined;
  if (holder !== undefined && acquirer !== undefined && count !== undefined) {
    return entry.length === 6
      ? { from, to, holder, acquirer, count, doubtful: true }
      : { from, to, holder, acquirer, count };
  }
  return {
    ...edgeObject(from, to, holder, acquirer),
    ...(count === undefined ? {} : { count }),
    ...(entry.length === 6 ? { doubtful: true as const } : {}),
  };
}

function decodeCycle(context: Context, value: Json): Cycle {
  const entry = object(value, '');
  const lockList = array(entry['locks'], '.locks');
  if (lockList.length === 0) fail('.locks', 'a non-empty array', lockList);
  const locks = decodeAll('.locks', lockList, (item) => {
    const pair = tuple(item, '2', 2, 2);
    return { id: lockAt(context, pair[0], '[0]'), name: text(context, pair[1], '[1]') };
  });
  const edgeList = array(entry['edges'], '.edges');
  if (edgeList.length !== locks.length) {
    throw new Problem(
      '.edges',
      `must have one edge per lock (${locks.length}), got ${edgeList.length}`,
    );
  }
  const edges = decodeAll('.edges', edgeList, (item) => {
    const edge = tuple(item, '4', 4, 4);
    return edgeObject(
      lockAt(context, edge[0], '[0]'),
      lockAt(context, edge[1], '[1]'),
      siteAt(context, edge[2], '[2]'),
      siteAt(context, edge[3], '[3]'),
    );
  });
  const doubtful = doubtfulMark(entry['doubtful'], '.doubtful');
  return doubtful ? { doubtful: true, locks, edges } : { locks, edges };
}

function decodeLong(context: Context, name: string, value: Json): LongHold[] {
  return decodeAll(name, array(value, name), (item) => {
    const entry = tuple(item, '4', 4, 4);
    const lock = lockAt(context, entry[0], '[0]');
    const site = siteAt(context, entry[1], '[1]');
    const limit = nonNegative(entry[2], '[2]');
    const count = positiveInteger(entry[3], '[3]');
    return site === undefined ? { lock, limit, count } : { lock, site, limit, count };
  });
}

/**
 * A version 2 report read for a merge: everything in the in-memory shape but the edges, which
 * stay the checked tuples of the file (`ReportUnion.add` folds them without building an object
 * per edge). Only `parseReportForMerge` makes one.
 */
export interface PackedReport {
  /** The report, with `edges` empty. */
  readonly report: LockGraphReport;
  /** The edges: `[from, to, holder, acquirer, count(, true)]` over `report.locks` and `sites`. */
  readonly edges: readonly EdgeTuple[];
  /** The site table. */
  readonly sites: readonly Site[];
}

/**
 * Checks a version 2 report (already known to have `version: 2`) and decodes it into the
 * in-memory shape. Problems carry paths such as `edges[3][1]`; `validateReport` turns them into a
 * `ReportFormatError`. Equal sites share one object.
 */
export function decodeCompactReport(report: Record<string, Json>): LockGraphReport {
  return decode(report, true) as LockGraphReport;
}

/** As {@link decodeCompactReport}, but the edges stay checked tuples. */
export function decodePackedReport(report: Record<string, Json>): PackedReport {
  return decode(report, false) as PackedReport;
}

function decode(report: Record<string, Json>, expand: boolean): LockGraphReport | PackedReport {
  const generatedAt =
    report['generatedAt'] === undefined ? undefined : string(report['generatedAt'], 'generatedAt');
  const strings = decodeAll('strings', array(report['strings'], 'strings'), (item) =>
    string(item, ''),
  );
  const sites = decodeAll('sites', array(report['sites'], 'sites'), (item) =>
    decodeSite(strings, item),
  );
  const ids = new Set<string>();
  const partial: Context = { strings, sites, locks: [] };
  const locks = decodeAll('locks', array(report['locks'], 'locks'), (item): ReportLock => {
    const entry = tuple(item, '4 or 5', 4, 5);
    const id = text(partial, entry[0], '[0]');
    if (ids.has(id)) throw new Problem('[0]', `repeats lock id ${quoteText(id)}`);
    ids.add(id);
    const key = text(partial, entry[1], '[1]');
    const name = text(partial, entry[2], '[2]');
    const kind = text(partial, entry[3], '[3]');
    if (entry.length === 4) return { id, key, name, kind };
    return { id, key, name, kind, site: sites[index(entry[4], 'sites', sites.length, '[4]')]! };
  });
  const context: Context = { strings, sites, locks };
  const edgeList = array(report['edges'], 'edges');
  const edges = expand ? decodeAll('edges', edgeList, (item) => decodeEdge(context, item)) : [];
  const tuples = expand ? [] : decodeAll('edges', edgeList, (item) => checkEdge(context, item));
  const cycles = decodeAll('cycles', array(report['cycles'], 'cycles'), (item) =>
    decodeCycle(context, item),
  );
  const deadlocks = decodeAll('deadlocks', array(report['deadlocks'], 'deadlocks'), (item) =>
    decodeCycle(context, item),
  );
  const longHolds =
    report['longHolds'] === undefined
      ? undefined
      : decodeLong(context, 'longHolds', report['longHolds']);
  const longWaits =
    report['longWaits'] === undefined
      ? undefined
      : decodeLong(context, 'longWaits', report['longWaits']);
  const decoded: LockGraphReport = {
    version: REPORT_VERSION,
    ...(generatedAt === undefined ? {} : { generatedAt }),
    locks,
    edges,
    cycles,
    deadlocks,
    ...(longHolds === undefined ? {} : { longHolds }),
    ...(longWaits === undefined ? {} : { longWaits }),
  };
  return expand ? decoded : { report: decoded, edges: tuples, sites };
}

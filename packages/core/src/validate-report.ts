/**
 * Reads a `LockGraphReport` from text, checking every field, so the CLI can tell a user exactly
 * what is wrong with a file instead of failing somewhere later.
 */
import { ReportFormatError } from './errors.ts';
import { quoteText } from './escape.ts';
import { REPORT_VERSION, type LockGraphReport } from './report.ts';
import {
  Problem,
  array,
  doubtfulMark,
  eachItem,
  fail,
  inside,
  nonNegative,
  object,
  positiveInteger,
  string,
  type Json,
} from './report-checks.ts';
import {
  FILE_VERSION,
  decodeCompactReport,
  decodePackedReport,
  type PackedReport,
} from './report-v2.ts';

/** Checks a site; paths in its problems are relative to it (`.line`). */
function site(value: Json): void {
  const entry = object(value, '');
  string(entry['file'], '.file');
  nonNegative(entry['line'], '.line');
  nonNegative(entry['column'], '.column');
  if (entry['function'] !== undefined) string(entry['function'], '.function');
}

/** `entry[key]`, a site when present; `key` is a literal, so no path is built unless it fails. */
function optionalSite(entry: Record<string, Json>, key: string, path: string): void {
  const value = entry[key];
  if (value === undefined) return;
  try {
    site(value);
  } catch (error) {
    inside(path, error);
  }
}

function lockId(value: Json, path: string, ids: ReadonlySet<string>): void {
  const id = string(value, path);
  if (!ids.has(id))
    throw new Problem(path, `names lock ${quoteText(id)}, which \`locks\` does not list`);
}

/** Checks a cycle or deadlock; paths relative to it. */
function cycle(value: Json, ids: ReadonlySet<string>): void {
  const entry = object(value, '');
  const locks = array(entry['locks'], '.locks');
  if (locks.length === 0) fail('.locks', 'a non-empty array', locks);
  eachItem('.locks', locks, (lock) => {
    const item = object(lock, '');
    lockId(item['id'], '.id', ids);
    string(item['name'], '.name');
  });
  const edges = array(entry['edges'], '.edges');
  if (edges.length !== locks.length) {
    throw new Problem(
      '.edges',
      `must have one edge per lock (${locks.length}), got ${edges.length}`,
    );
  }
  eachItem('.edges', edges, (edge) => edgeEntry(edge, ids));
  doubtfulMark(entry['doubtful'], '.doubtful');
}

/** Checks an edge (a report's or a cycle's); paths relative to it. */
function edgeEntry(value: Json, ids: ReadonlySet<string>): Record<string, Json> {
  const entry = object(value, '');
  lockId(entry['from'], '.from', ids);
  lockId(entry['to'], '.to', ids);
  optionalSite(entry, 'holder', '.holder');
  optionalSite(entry, 'acquirer', '.acquirer');
  return entry;
}

function longHolds(value: Json, name: string, ids: ReadonlySet<string>): void {
  eachItem(name, array(value, name), (item) => {
    const entry = object(item, '');
    lockId(entry['lock'], '.lock', ids);
    optionalSite(entry, 'site', '.site');
    nonNegative(entry['limit'], '.limit');
    positiveInteger(entry['count'], '.count');
  });
}

/** The versions this interlock reads: the in-memory (and version 1 file) shape, and version 2. */
const READABLE = `versions ${REPORT_VERSION} and ${FILE_VERSION}`;

function check(value: Json, packed = false): LockGraphReport | PackedReport {
  const report = object(value, 'report');
  const version = report['version'];
  if (version === FILE_VERSION)
    return packed ? decodePackedReport(report) : decodeCompactReport(report);
  if (version !== REPORT_VERSION) {
    if (typeof version === 'number')
      throw new Problem(
        '',
        `unsupported report version ${version} (this interlock reads ${READABLE})`,
      );
    fail('version', `${REPORT_VERSION} or ${FILE_VERSION}`, version);
  }
  return checkVersion1(report);
}

/** Checks a version 1 report: the in-memory shape, written out as it is. */
function checkVersion1(report: Record<string, Json>): LockGraphReport {
  if (report['generatedAt'] !== undefined) string(report['generatedAt'], 'generatedAt');
  const ids = new Set<string>();
  eachItem('locks', array(report['locks'], 'locks'), (item) => {
    const entry = object(item, '');
    const id = string(entry['id'], '.id');
    if (ids.has(id)) throw new Problem('.id', `repeats lock id ${quoteText(id)}`);
    ids.add(id);
    string(entry['key'], '.key');
    string(entry['name'], '.name');
    string(entry['kind'], '.kind');
    optionalSite(entry, 'site', '.site');
  });
  eachItem('edges', array(report['edges'], 'edges'), (item) => {
    const entry = edgeEntry(item, ids);
    if (entry['count'] !== undefined) positiveInteger(entry['count'], '.count');
    doubtfulMark(entry['doubtful'], '.doubtful');
  });
  eachItem('cycles', array(report['cycles'], 'cycles'), (item) => cycle(item, ids));
  eachItem('deadlocks', array(report['deadlocks'], 'deadlocks'), (item) => cycle(item, ids));
  if (report['longHolds'] !== undefined) longHolds(report['longHolds'], 'longHolds', ids);
  if (report['longWaits'] !== undefined) longHolds(report['longWaits'], 'longWaits', ids);
  return report as unknown as LockGraphReport;
}

/**
 * Checks that `value` is a report file's content, version 1 or 2, and returns the report in its
 * in-memory shape (`version: 1`): a version 1 file is that shape already, a version 2 file
 * (`docs/reports.md`) is decoded. Renderers and merges never see the file's version.
 * @param fileName - names the source in error messages.
 * @throws {ReportFormatError} naming the file and the first problem (`edges[2].from must be …`).
 * @example
 * ```ts
 * const report = validateReport(JSON.parse(text), 'report.json');
 * ```
 */
export function validateReport(value: unknown, fileName: string): LockGraphReport {
  return checked(() => check(value) as LockGraphReport, fileName);
}

/** Runs `read`, turning a {@link Problem} into a `ReportFormatError` for `fileName`. */
function checked<T>(read: () => T, fileName: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Problem) throw new ReportFormatError(fileName, error.describe());
    throw error;
  }
}

/** JSON.parse, failing with a `ReportFormatError` that keeps the parser's error as `cause`. */
function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportFormatError(fileName, `not valid JSON (${detail})`, { cause: error });
  }
}

/**
 * Parses and validates report text.
 * @throws {ReportFormatError} for text that is not JSON (with the parser's error as `cause`) or
 *   not a valid report.
 * @example
 * ```ts
 * const report = parseReport(await readFile(path, 'utf8'), path);
 * ```
 */
export function parseReport(text: string, fileName: string): LockGraphReport {
  return validateReport(parseJson(text, fileName), fileName);
}

/**
 * {@link parseReport} for a merge: a version 1 file as the report, a version 2 file checked just
 * as thoroughly but with its edges left as the file's tuples (a {@link PackedReport}), which
 * `ReportUnion.add` folds without building an object per edge.
 * @throws {ReportFormatError} as {@link parseReport}.
 * @example
 * ```ts
 * for (const file of files) union.add(parseReportForMerge(read(file), file));
 * ```
 */
export function parseReportForMerge(
  text: string,
  fileName: string,
): LockGraphReport | PackedReport {
  const value = parseJson(text, fileName);
  return checked(() => check(value, true), fileName);
}

/**
 * Reads a `LockGraphReport` from text, checking every field, so the CLI can tell a user exactly
 * what is wrong with a file instead of failing somewhere later.
 */
import { ReportFormatError } from './errors.ts';
import { quoteText } from './escape.ts';
import { REPORT_VERSION, type LockGraphReport } from './report.ts';

type Json = unknown;

/**
 * A problem found in the report; caught below and rethrown as a ReportFormatError. Its `path`
 * is built only on the way out, as each enclosing check prepends its own part (`edges[3]`,
 * `.holder`): a valid report — 50,000 edges with two sites each — builds no path string at all.
 */
class Problem extends Error {
  /** Where in the report, filled in from the inside out. */
  path: string;
  /** The message after the path. */
  readonly detail: string;

  constructor(path: string, detail: string) {
    super(detail);
    this.path = path;
    this.detail = detail;
  }

  /** The finished message: "`edges[3].from` must be …", or the detail alone without a path. */
  describe(): string {
    return this.path === '' ? this.detail : `\`${this.path}\` ${this.detail}`;
  }
}

/** Rethrows `error` with `prefix` prepended to a {@link Problem}'s path. */
function inside(prefix: string, error: unknown): never {
  if (error instanceof Problem) error.path = prefix + error.path;
  throw error;
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return quoteText(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  // What is left of JSON: a number or a boolean.
  return `${value as number | boolean}`;
}

function fail(path: string, expected: string, value: Json): never {
  throw new Problem(path, `must be ${expected}, got ${describe(value)}`);
}

function object(value: Json, path: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(path, 'an object', value);
  return value as Record<string, Json>;
}

function array(value: Json, path: string): readonly Json[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

function string(value: Json, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

function positiveInteger(value: Json, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(path, 'a positive integer', value);
  return value;
}

function nonNegative(value: Json, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(path, 'a non-negative number', value);
  return value;
}

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

/** Runs `check` on every item of `list`, prefixing a problem's path with `name[index]`. */
function eachItem(name: string, list: readonly Json[], check: (item: Json) => void): void {
  for (let index = 0; index < list.length; index++) {
    try {
      check(list[index]);
    } catch (error) {
      inside(`${name}[${index}]`, error);
    }
  }
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
  if (entry['doubtful'] !== undefined && entry['doubtful'] !== true)
    fail('.doubtful', 'true when present', entry['doubtful']);
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

function check(value: Json): LockGraphReport {
  const report = object(value, 'report');
  if (report['version'] !== REPORT_VERSION) {
    if (typeof report['version'] === 'number') {
      throw new Problem(
        '',
        `unsupported report version ${report['version']} (this interlock reads version ${REPORT_VERSION})`,
      );
    }
    fail('version', String(REPORT_VERSION), report['version']);
  }
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
    if (entry['doubtful'] !== undefined && entry['doubtful'] !== true)
      fail('.doubtful', 'true when present', entry['doubtful']);
  });
  eachItem('cycles', array(report['cycles'], 'cycles'), (item) => cycle(item, ids));
  eachItem('deadlocks', array(report['deadlocks'], 'deadlocks'), (item) => cycle(item, ids));
  if (report['longHolds'] !== undefined) longHolds(report['longHolds'], 'longHolds', ids);
  if (report['longWaits'] !== undefined) longHolds(report['longWaits'], 'longWaits', ids);
  return report as unknown as LockGraphReport;
}

/**
 * Checks that `value` is a `LockGraphReport` version 1.
 * @param fileName - names the source in error messages.
 * @throws {ReportFormatError} naming the file and the first problem (`edges[2].from must be …`).
 * @example
 * ```ts
 * const report = validateReport(JSON.parse(text), 'report.json');
 * ```
 */
export function validateReport(value: unknown, fileName: string): LockGraphReport {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof Problem) throw new ReportFormatError(fileName, error.describe());
    throw error;
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportFormatError(fileName, `not valid JSON (${detail})`, { cause: error });
  }
  return validateReport(value, fileName);
}

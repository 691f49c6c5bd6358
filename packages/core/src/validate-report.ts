/**
 * Reads a `LockGraphReport` from text, checking every field, so the CLI can tell a user exactly
 * what is wrong with a file instead of failing somewhere later.
 */
import { ReportFormatError } from './errors.ts';
import { quoteText } from './escape.ts';
import { REPORT_VERSION, type LockGraphReport } from './report.ts';

type Json = unknown;

/** Thrown inside the checker, turned into a {@link ReportFormatError} with the file name. */
/** A problem found in the report; caught below and rethrown as a ReportFormatError. */
class Problem extends Error {}

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
  throw new Problem(`\`${path}\` must be ${expected}, got ${describe(value)}`);
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

function site(value: Json, path: string): void {
  const entry = object(value, path);
  string(entry['file'], `${path}.file`);
  nonNegative(entry['line'], `${path}.line`);
  nonNegative(entry['column'], `${path}.column`);
  if (entry['function'] !== undefined) string(entry['function'], `${path}.function`);
}

function optionalSite(entry: Record<string, Json>, key: string, path: string): void {
  if (entry[key] !== undefined) site(entry[key], `${path}.${key}`);
}

function lockId(value: Json, path: string, ids: ReadonlySet<string>): void {
  const id = string(value, path);
  if (!ids.has(id))
    throw new Problem(`\`${path}\` names lock ${quoteText(id)}, which \`locks\` does not list`);
}

function cycle(value: Json, path: string, ids: ReadonlySet<string>): void {
  const entry = object(value, path);
  const locks = array(entry['locks'], `${path}.locks`);
  if (locks.length === 0) fail(`${path}.locks`, 'a non-empty array', locks);
  locks.forEach((lock, index) => {
    const item = object(lock, `${path}.locks[${index}]`);
    lockId(item['id'], `${path}.locks[${index}].id`, ids);
    string(item['name'], `${path}.locks[${index}].name`);
  });
  const edges = array(entry['edges'], `${path}.edges`);
  if (edges.length !== locks.length) {
    throw new Problem(
      `\`${path}.edges\` must have one edge per lock (${locks.length}), got ${edges.length}`,
    );
  }
  edges.forEach((edge, index) => edgeEntry(edge, `${path}.edges[${index}]`, ids));
  if (entry['doubtful'] !== undefined && entry['doubtful'] !== true)
    fail(`${path}.doubtful`, 'true when present', entry['doubtful']);
}

function edgeEntry(value: Json, path: string, ids: ReadonlySet<string>): Record<string, Json> {
  const entry = object(value, path);
  lockId(entry['from'], `${path}.from`, ids);
  lockId(entry['to'], `${path}.to`, ids);
  optionalSite(entry, 'holder', path);
  optionalSite(entry, 'acquirer', path);
  return entry;
}

function longHolds(value: Json, path: string, ids: ReadonlySet<string>): void {
  array(value, path).forEach((item, index) => {
    const entry = object(item, `${path}[${index}]`);
    lockId(entry['lock'], `${path}[${index}].lock`, ids);
    optionalSite(entry, 'site', `${path}[${index}]`);
    nonNegative(entry['limit'], `${path}[${index}].limit`);
    positiveInteger(entry['count'], `${path}[${index}].count`);
  });
}

function check(value: Json): LockGraphReport {
  const report = object(value, 'report');
  if (report['version'] !== REPORT_VERSION) {
    if (typeof report['version'] === 'number') {
      throw new Problem(
        `unsupported report version ${report['version']} (this interlock reads version ${REPORT_VERSION})`,
      );
    }
    fail('version', String(REPORT_VERSION), report['version']);
  }
  if (report['generatedAt'] !== undefined) string(report['generatedAt'], 'generatedAt');
  const ids = new Set<string>();
  array(report['locks'], 'locks').forEach((item, index) => {
    const path = `locks[${index}]`;
    const entry = object(item, path);
    const id = string(entry['id'], `${path}.id`);
    if (ids.has(id)) throw new Problem(`\`${path}.id\` repeats lock id ${quoteText(id)}`);
    ids.add(id);
    string(entry['key'], `${path}.key`);
    string(entry['name'], `${path}.name`);
    string(entry['kind'], `${path}.kind`);
    optionalSite(entry, 'site', path);
  });
  array(report['edges'], 'edges').forEach((item, index) => {
    const entry = edgeEntry(item, `edges[${index}]`, ids);
    if (entry['count'] !== undefined) positiveInteger(entry['count'], `edges[${index}].count`);
    if (entry['doubtful'] !== undefined && entry['doubtful'] !== true)
      fail(`edges[${index}].doubtful`, 'true when present', entry['doubtful']);
  });
  array(report['cycles'], 'cycles').forEach((item, index) => cycle(item, `cycles[${index}]`, ids));
  array(report['deadlocks'], 'deadlocks').forEach((item, index) =>
    cycle(item, `deadlocks[${index}]`, ids),
  );
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
    if (error instanceof Problem) throw new ReportFormatError(fileName, error.message);
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

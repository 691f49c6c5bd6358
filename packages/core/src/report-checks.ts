/**
 * The checks both report versions are validated with. A failed check throws a {@link Problem}
 * whose `path` is built only on the way out, as each enclosing check prepends its own part
 * (`edges[3]`, `.holder`): a valid report — 50,000 edges with two sites each — builds no path
 * string at all.
 */
import { quoteText } from './escape.ts';

export type Json = unknown;

/** A problem found in a report; `validateReport` rethrows it as a ReportFormatError. */
export class Problem extends Error {
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
export function inside(prefix: string, error: unknown): never {
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

export function fail(path: string, expected: string, value: Json): never {
  throw new Problem(path, `must be ${expected}, got ${describe(value)}`);
}

export function object(value: Json, path: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(path, 'an object', value);
  return value as Record<string, Json>;
}

export function array(value: Json, path: string): readonly Json[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function string(value: Json, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function positiveInteger(value: Json, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(path, 'a positive integer', value);
  return value;
}

export function nonNegative(value: Json, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(path, 'a non-negative number', value);
  return value;
}

/** Checks an optional `doubtful` mark: `true` or absent. */
export function doubtfulMark(value: Json, path: string): boolean {
  if (value === undefined) return false;
  if (value !== true) fail(path, 'true when present', value);
  return true;
}

/** Runs `check` on every item of `list`, prefixing a problem's path with `name[index]`. */
export function eachItem(name: string, list: readonly Json[], check: (item: Json) => void): void {
  for (let index = 0; index < list.length; index++) {
    try {
      check(list[index]);
    } catch (error) {
      inside(`${name}[${index}]`, error);
    }
  }
}

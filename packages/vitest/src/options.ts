/**
 * `interlock()`'s options: validated once when the config loads, then split into what the test
 * workers need (sent with vitest's `provide`, so plain JSON) and what the main process keeps.
 */
import { resolveOptions, type LockGraphReport, type OnCycle } from '@interlock/core';
import { InterlockOptionsError } from './errors.ts';

/** Options of {@link interlock}. */
export interface InterlockOptions {
  /**
   * What a lock-order cycle does. `'throw'`: the acquisition that closes it rejects with
   * `LockOrderError`, the test that closed it fails with the lockdep-style report, and a cycle
   * whose edges come from different test files fails the run. `'warn'`: tests pass; every cycle
   * is printed once after the run. `'record'`: only the report file has them.
   * Real deadlocks fail their test whatever this is.
   * @default 'throw'
   */
  readonly onCycle?: OnCycle;
  /**
   * Capture acquisition sites, so reports show your `file:line:column`.
   * @default true
   */
  readonly stacks?: boolean;
  /**
   * Milliseconds: warn about a lock held or waited on longer than this.
   * @default undefined (off)
   */
  readonly holdTimeout?: number;
  /**
   * More stack frames to skip when a stack becomes a site (a file containing the string, or
   * matching the RegExp), e.g. your own lock helpers, so sites point at their callers.
   * @default []
   */
  readonly frameFilters?: readonly (string | RegExp)[];
  /**
   * Where the merged report of the whole run is written (relative to the project root), or
   * `false` for none. With `--shard`, each shard writes `<name>.shard-<i>-of-<n>.json`; merge
   * them with `interlock merge`.
   * @default '.interlock/report.json'
   */
  readonly report?: string | false;
  /**
   * Instrument test and source files so that every acquisition style is tracked: the plain
   * `await lock.acquire(); … lock.release()` and async-mutex's `const release = await m.acquire()`
   * as well as `using` and `withLock`; and check async-mutex locks without `instrument()`.
   * `false` leaves sources untouched (only `using`, `withLock` and `runExclusive` are then seen).
   * @default true
   */
  readonly instrument?: boolean;
  /**
   * Packages under `node_modules` to instrument too (by package name). Dependencies are not
   * instrumented by default.
   * @default []
   */
  readonly instrumentPackages?: readonly string[];
  /**
   * Fail a test that ends while still holding a lock it took, naming the lock and where it was
   * taken.
   * @default true
   */
  readonly failOnLeakedLock?: boolean;
}

/** A frame filter as JSON: RegExps travel as source and flags. */
export type SerializedFilter = string | { readonly source: string; readonly flags: string };

/** What every test worker receives (through `provide`/`inject`). */
export interface WorkerOptions {
  /** The project's root: per-test reports show paths relative to it. */
  readonly root?: string;
  readonly onCycle: OnCycle;
  readonly stacks: boolean;
  readonly holdTimeout: number;
  readonly frameFilters: readonly SerializedFilter[];
  readonly failOnLeakedLock: boolean;
}

// The augmentation lives here, beside WorkerOptions, because every entry point (plugin, reporter,
// setup) imports this file: a user's `tsc` over a config that imports `@interlock/vitest` sees it.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the `interlock()` plugin for its projects. */
    interlock: WorkerOptions;
  }
  export interface TaskMeta {
    /** The lock graph one test file built, for the main process to merge. */
    interlock?: LockGraphReport;
  }
}

/** Everything, resolved. */
export interface ResolvedOptions {
  readonly worker: WorkerOptions;
  readonly report: string | false;
  readonly instrument: boolean;
  readonly instrumentPackages: readonly string[];
}

const KNOWN = new Set([
  'onCycle',
  'stacks',
  'holdTimeout',
  'frameFilters',
  'report',
  'instrument',
  'instrumentPackages',
  'failOnLeakedLock',
]);

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
  }
}

function optionalBoolean(
  options: InterlockOptions,
  key: 'instrument' | 'failOnLeakedLock',
  fallback: boolean,
): boolean {
  const value: unknown = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new InterlockOptionsError(`Expected \`${key}\` to be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * Validates and resolves options. Detector options are checked by the detector's own validation,
 * so the plugin accepts exactly what `detector.enable` does.
 * @throws {InterlockOptionsError} for any invalid or unknown option.
 */
export function resolvePluginOptions(options: InterlockOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InterlockOptionsError(
      `Expected the options of interlock() to be an object, got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw new InterlockOptionsError(
        `Unknown option \`${key}\` of interlock(); known options: ${[...KNOWN].join(', ')}`,
      );
  }
  let detector: ReturnType<typeof resolveOptions>;
  try {
    detector = resolveOptions({
      onCycle: options.onCycle ?? 'throw',
      stacks: options.stacks ?? true,
      holdTimeout: options.holdTimeout ?? 0,
      frameFilters: options.frameFilters ?? [],
    });
  } catch (error) {
    throw new InterlockOptionsError((error as Error).message, { cause: error });
  }
  const report: unknown = options.report ?? '.interlock/report.json';
  if (report !== false && (typeof report !== 'string' || report === '')) {
    throw new InterlockOptionsError(
      `Expected \`report\` to be a file path or false, got ${describe(report)}`,
    );
  }
  const packages: unknown = options.instrumentPackages ?? [];
  if (
    !Array.isArray(packages) ||
    !packages.every((name) => typeof name === 'string' && name !== '')
  ) {
    throw new InterlockOptionsError(
      `Expected \`instrumentPackages\` to be an array of package names, got ${describe(packages)}`,
    );
  }
  return {
    worker: {
      onCycle: detector.onCycle,
      stacks: detector.stacks,
      holdTimeout: detector.holdTimeout,
      frameFilters: detector.frameFilters.map((filter) =>
        typeof filter === 'string' ? filter : { source: filter.source, flags: filter.flags },
      ),
      failOnLeakedLock: optionalBoolean(options, 'failOnLeakedLock', true),
    },
    report,
    instrument: optionalBoolean(options, 'instrument', true),
    instrumentPackages: packages as string[],
  };
}

/** Rebuilds frame filters in the worker. */
export function deserializeFilters(filters: readonly SerializedFilter[]): (string | RegExp)[] {
  return filters.map((filter) =>
    typeof filter === 'string' ? filter : new RegExp(filter.source, filter.flags),
  );
}

/** Detector options and their defaults. */
import type { LockOrderError, LongHoldWarning, LongWaitWarning } from './errors.ts';
import { defaultFrameFilters, type FrameFilter } from './sites.ts';

/** What the detector does when an acquisition closes a lock-order cycle. */
export type OnCycle = 'throw' | 'warn' | 'record';

/** Anything the detector reports through {@link DetectorOptions.onWarning}. */
export type DetectorWarning = LockOrderError | LongHoldWarning | LongWaitWarning;

/** Options of a {@link Detector}; every one can be changed later with `configure`. */
export interface DetectorOptions {
  /**
   * `'throw'`: the acquisition that would close a cycle throws `LockOrderError` (the primitive
   * rejects the acquire and takes nothing). `'warn'`: the acquisition proceeds and one warning
   * per cycle goes to `onWarning`. `'record'`: it proceeds silently; read `cycles()`.
   * Real deadlocks are broken with `DeadlockError` whatever this is.
   * @default 'throw'
   */
  readonly onCycle?: OnCycle;
  /**
   * Capture acquisition sites (stack traces) so reports show the user's `file:line:column`.
   * Stacks are captured only for new edges, a lock's first outermost acquisition, blocked
   * waits, and every acquisition while `holdTimeout` is on.
   * @default true
   */
  readonly stacks?: boolean;
  /**
   * Milliseconds: report a lock held, or waited on, longer than this (`LongHoldWarning` /
   * `LongWaitWarning` through `onWarning`, and `longHolds` / `longWaits` in the report).
   * `0` or absent: off, and no timer is ever created. At most 2³¹−1 (the timer limit, about
   * 24.8 days): larger values, `Infinity`, negative numbers and `NaN` throw `RangeError`.
   * @default undefined
   */
  readonly holdTimeout?: number;
  /**
   * Receives warnings (`onCycle: 'warn'` cycles, long holds and waits). Core never prints; the
   * primitives route this to `process.emitWarning`. Called synchronously, sometimes from a timer:
   * it must not throw.
   * @default undefined (warnings are dropped; findings stay in the report)
   */
  readonly onWarning?: (warning: DetectorWarning) => void;
  /**
   * Frames skipped when a stack is turned into a site: a frame is skipped when its file contains
   * a string filter or matches a RegExp one. Replaces the default list; spread
   * `defaultFrameFilters` to extend it.
   * @default defaultFrameFilters (interlock's own sources and `node:internal`)
   * @example
   * ```ts
   * new Detector({ frameFilters: [...defaultFrameFilters, '/src/db/pool.ts'] });
   * ```
   */
  readonly frameFilters?: readonly FrameFilter[];
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly onCycle: OnCycle;
  readonly stacks: boolean;
  /** 0 when off. */
  readonly holdTimeout: number;
  readonly onWarning: ((warning: DetectorWarning) => void) | undefined;
  readonly frameFilters: readonly FrameFilter[];
}

/** The longest delay `setTimeout` honours (2³¹−1 ms, about 24.8 days). */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Applies `options` over `base` (or the defaults) and validates them. */
export function resolveOptions(options: DetectorOptions = {}, base?: ResolvedOptions): ResolvedOptions {
  const onCycle = options.onCycle ?? base?.onCycle ?? 'throw';
  if (onCycle !== 'throw' && onCycle !== 'warn' && onCycle !== 'record') {
    throw new TypeError(`Expected \`onCycle\` to be 'throw', 'warn' or 'record', got ${describe(onCycle)}`);
  }
  const holdTimeout = 'holdTimeout' in options ? (options.holdTimeout ?? 0) : (base?.holdTimeout ?? 0);
  // Above the timer limit setTimeout fires after 1 ms instead, which would report every hold.
  if (typeof holdTimeout !== 'number' || !(holdTimeout >= 0 && holdTimeout <= MAX_TIMER_DELAY)) {
    throw new RangeError(`Expected \`holdTimeout\` to be a number of milliseconds from 0 to ${MAX_TIMER_DELAY}, got ${describe(holdTimeout)}`);
  }
  const frameFilters: unknown = options.frameFilters ?? base?.frameFilters ?? defaultFrameFilters;
  if (!Array.isArray(frameFilters) || !frameFilters.every((filter) => typeof filter === 'string' || filter instanceof RegExp)) {
    throw new TypeError(`Expected \`frameFilters\` to be an array of strings and RegExps, got ${describe(frameFilters)}`);
  }
  const stacks: unknown = options.stacks ?? base?.stacks ?? true;
  if (typeof stacks !== 'boolean') throw new TypeError(`Expected \`stacks\` to be a boolean, got ${describe(stacks)}`);
  const onWarning: unknown = 'onWarning' in options ? options.onWarning : base?.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw new TypeError(`Expected \`onWarning\` to be a function, got ${describe(onWarning)}`);
  }
  return {
    onCycle,
    stacks,
    holdTimeout,
    onWarning: onWarning as ResolvedOptions['onWarning'],
    frameFilters: frameFilters as readonly FrameFilter[],
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return typeof value === 'string' ? `'${value}'` : String(value);
}

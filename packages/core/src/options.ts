/** Detector options and their defaults. */
import { invalidArgument, validateOptionsBag } from './arguments.ts';
import type { DeadlockError, LockOrderError, LongHoldWarning, LongWaitWarning } from './errors.ts';
import { defaultFrameFilters, type FrameFilter } from './sites.ts';

/** What the detector does when an acquisition closes a lock-order cycle. */
export type OnCycle = 'throw' | 'warn' | 'record';

/** Anything the detector reports through {@link DetectorOptions.onWarning}. */
export type DetectorWarning = LockOrderError | DeadlockError | LongHoldWarning | LongWaitWarning;

/** Options of a {@link Detector}; every one can be changed later with `configure`. */
export interface DetectorOptions {
  /**
   * `'throw'`: the acquisition that would close a cycle throws `LockOrderError` (the primitive
   * rejects the acquire and takes nothing). `'warn'`: the acquisition proceeds and one warning
   * per cycle goes to `onWarning`. `'record'`: it proceeds silently; read `cycles()`.
   * A doubtful cycle (see `docs/detector.md`, "Doubtful findings": it may exist only through
   * work that inherited a lock and is not awaited by its holder) is never thrown: with `'throw'`
   * it is warned, as with `'warn'`. Real deadlocks are broken with `DeadlockError` whatever this
   * is.
   * @default 'throw'
   */
  readonly onCycle?: OnCycle;
  /**
   * Capture acquisition sites (stack traces) so reports show the user's `file:line:column`.
   * Stacks are captured only for new edges, a lock's first outermost acquisition, blocked
   * waits, and every acquisition while `holdTimeout` is on. They are also the evidence that tells
   * a certain finding from a doubtful one: with `false` every cycle and deadlock counts as
   * certain (fire-and-forget work forked inside a critical section can then be refused).
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
   * Milliseconds a *doubtful* deadlock must persist before it is reported (once: a `DeadlockError`
   * through `onWarning` unless `onCycle` is `'record'`, and in `deadlocks()` marked `doubtful`).
   * A doubtful deadlock is never broken: some waiter in it holds a lock only by inheritance —
   * work started inside a critical section that its holder is not seen to await — and the holder,
   * still running, will release it. A certain deadlock (every waiter is the task that took the
   * hold it holds there, or work that task awaits) is broken at once, whatever this is.
   * At most 2³¹−1.
   * @default 500
   */
  readonly deadlockGrace?: number;
  /**
   * Receives warnings (`onCycle: 'warn'` cycles, doubtful cycles and deadlocks, long holds and
   * waits). Core never prints; the
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
  /** ms; 0 breaks deadlocks at once. */
  readonly deadlockGrace: number;
  readonly onWarning: ((warning: DetectorWarning) => void) | undefined;
  readonly frameFilters: readonly FrameFilter[];
}

/** How long a doubtful deadlock must last before it is reported, by default (`deadlockGrace`). */
export const DEFAULT_DEADLOCK_GRACE = 500;

/** The longest delay `setTimeout` honours (2³¹−1 ms, about 24.8 days). */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Applies `options` over `base` (or the defaults) and validates them: a value of the wrong type
 * throws `TypeError`, a number out of range `RangeError` (house message "Expected `x` to be …,
 * got …"). Nothing is applied unless every option is valid.
 */
export function resolveOptions(
  options: DetectorOptions = {},
  base?: ResolvedOptions,
): ResolvedOptions {
  validateOptionsBag(options);
  // Only `undefined` means "absent": `null` is a value of the wrong type like any other.
  const onCycle: unknown =
    options.onCycle === undefined ? (base?.onCycle ?? 'throw') : options.onCycle;
  if (onCycle !== 'throw' && onCycle !== 'warn' && onCycle !== 'record') {
    invalidArgument('type', 'onCycle', "'throw', 'warn' or 'record'", onCycle);
  }
  // An explicit `holdTimeout: undefined` switches it off again; absent keeps the current value.
  const holdTimeout: unknown =
    'holdTimeout' in options
      ? options.holdTimeout === undefined
        ? 0
        : options.holdTimeout
      : (base?.holdTimeout ?? 0);
  const timeoutRange = `a number of milliseconds from 0 to ${MAX_TIMER_DELAY}`;
  if (typeof holdTimeout !== 'number')
    invalidArgument('type', 'holdTimeout', timeoutRange, holdTimeout);
  // Above the timer limit setTimeout fires after 1 ms instead, which would report every hold.
  if (!(holdTimeout >= 0 && holdTimeout <= MAX_TIMER_DELAY))
    invalidArgument('range', 'holdTimeout', timeoutRange, holdTimeout);
  const deadlockGrace: unknown =
    options.deadlockGrace === undefined
      ? (base?.deadlockGrace ?? DEFAULT_DEADLOCK_GRACE)
      : options.deadlockGrace;
  if (typeof deadlockGrace !== 'number')
    invalidArgument('type', 'deadlockGrace', timeoutRange, deadlockGrace);
  if (!(deadlockGrace >= 0 && deadlockGrace <= MAX_TIMER_DELAY))
    invalidArgument('range', 'deadlockGrace', timeoutRange, deadlockGrace);
  const frameFilters: unknown =
    options.frameFilters === undefined
      ? (base?.frameFilters ?? defaultFrameFilters)
      : options.frameFilters;
  if (
    !Array.isArray(frameFilters) ||
    !frameFilters.every((filter) => typeof filter === 'string' || filter instanceof RegExp)
  ) {
    invalidArgument('type', 'frameFilters', 'an array of strings and RegExps', frameFilters);
  }
  const stacks: unknown = options.stacks === undefined ? (base?.stacks ?? true) : options.stacks;
  if (typeof stacks !== 'boolean') invalidArgument('type', 'stacks', 'a boolean', stacks);
  const onWarning: unknown = 'onWarning' in options ? options.onWarning : base?.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function')
    invalidArgument('type', 'onWarning', 'a function', onWarning);
  return {
    onCycle,
    stacks,
    holdTimeout,
    deadlockGrace,
    onWarning: onWarning as ResolvedOptions['onWarning'],
    frameFilters: frameFilters,
  };
}

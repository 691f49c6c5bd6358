/**
 * The error classes of `@interlock/primitives`. Each failure has its own class extending
 * `InterlockError`, with a stable `code` (`ERR_INTERLOCK_<SPECIFIC>`, for programs; listed in
 * docs/errors.md) and a `name` equal to the class name (for people) — except the timeouts, whose
 * `name` is `'TimeoutError'`. Instances are never shared: every throw builds a fresh error.
 *
 * `LockOrderError` and `DeadlockError` belong to `@interlock/core`, which the detector raises.
 */
import { InterlockError } from '@interlock/core';

/** Options every interlock error accepts: the error that caused this one, when wrapping. */
export interface InterlockErrorOptions {
  readonly cause?: unknown;
}

/**
 * A primitive was used in a state that does not allow the call: releasing a lock that is not
 * held, releasing an `RLock` another task owns, waiting on or notifying a `Condition` whose lock
 * the caller does not hold. Python raises `RuntimeError` in these cases.
 *
 * @example
 * ```ts
 * try { new Lock().release(); } catch (e) { if (e instanceof LockStateError) console.log(e.code); }
 * ```
 */
export class LockStateError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_LOCK_STATE' as const;
  override readonly name = 'LockStateError';
  constructor(message: string, options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/**
 * A `Barrier` was broken (by `abort()`, a timeout, an aborted signal, a throwing action) or
 * `reset()` while the caller waited. Python's `threading.BrokenBarrierError`.
 */
export class BrokenBarrierError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_BROKEN_BARRIER' as const;
  override readonly name = 'BrokenBarrierError';
  constructor(message = 'The barrier is broken', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/** `Queue.getNowait()` on an empty queue. Python's `queue.Empty`. */
export class QueueEmptyError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_QUEUE_EMPTY' as const;
  override readonly name = 'QueueEmptyError';
  constructor(message = 'The queue is empty', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/** `Queue.putNowait()` on a full queue. Python's `queue.Full`. */
export class QueueFullError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_QUEUE_FULL' as const;
  override readonly name = 'QueueFullError';
  constructor(message = 'The queue is full', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/**
 * A wait that yields a value ran out of time: the base of {@link AcquireTimeoutError} and
 * {@link QueueTimeoutError}, so one `instanceof TimeoutError` covers both. Waits that return a
 * status (`Event.wait`, `Condition.wait`, `waitFor`) resolve falsy instead, as in Python. Its
 * `name` is `'TimeoutError'`, like the DOMException `AbortSignal.timeout()` produces, so one
 * `name` check covers those too.
 */
export abstract class TimeoutError extends InterlockError {
  override readonly name = 'TimeoutError';
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number;
  constructor(message: string, timeout: number, options?: InterlockErrorOptions) {
    super(message, options);
    this.timeout = timeout;
  }
}

/** An acquire that returns a `Guard` (or a `withLock`) ran out of time before it got the lock. */
export class AcquireTimeoutError extends TimeoutError {
  readonly code = 'ERR_INTERLOCK_ACQUIRE_TIMEOUT' as const;
}

/** `Queue.put`, `get` or `join` ran out of time (Python raises `Full`/`Empty` there). */
export class QueueTimeoutError extends TimeoutError {
  readonly code = 'ERR_INTERLOCK_QUEUE_TIMEOUT' as const;
}

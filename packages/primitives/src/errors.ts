/**
 * The error classes of `@interlock/primitives`. Each failure has its own class with a stable
 * `code` (for programs) and a `name` equal to the class name (for people). Instances are never
 * shared: every throw builds a fresh error with its own stack.
 *
 * `LockOrderError` and `DeadlockError` belong to `@interlock/core`, which the detector raises.
 */

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
export class LockStateError extends Error {
  readonly code = 'ERR_LOCK_STATE' as const;
  override readonly name = 'LockStateError';
  constructor(message: string, options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/**
 * A `Barrier` was broken (by `abort()`, a timeout, an aborted signal, a throwing action) or
 * `reset()` while the caller waited. Python's `threading.BrokenBarrierError`.
 */
export class BrokenBarrierError extends Error {
  readonly code = 'ERR_BROKEN_BARRIER' as const;
  override readonly name = 'BrokenBarrierError';
  constructor(message = 'The barrier is broken', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/** `Queue.getNowait()` on an empty queue. Python's `queue.Empty`. */
export class QueueEmptyError extends Error {
  readonly code = 'ERR_QUEUE_EMPTY' as const;
  override readonly name = 'QueueEmptyError';
  constructor(message = 'The queue is empty', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/** `Queue.putNowait()` on a full queue. Python's `queue.Full`. */
export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL' as const;
  override readonly name = 'QueueFullError';
  constructor(message = 'The queue is full', options?: InterlockErrorOptions) {
    super(message, options);
  }
}

/**
 * A wait that yields a value (an acquire that returns a `Guard`, `Queue.get`/`put`/`join`)
 * ran out of time. Waits that return a status (`Event.wait`, `Condition.wait`, `waitFor`)
 * resolve falsy instead, as in Python. Its `name` is `'TimeoutError'`, like the DOMException
 * `AbortSignal.timeout()` produces, so one `name` check covers both.
 */
export class TimeoutError extends Error {
  readonly code = 'ERR_ACQUIRE_TIMEOUT' as const;
  override readonly name = 'TimeoutError';
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number;
  constructor(message: string, timeout: number, options?: InterlockErrorOptions) {
    super(message, options);
    this.timeout = timeout;
  }
}

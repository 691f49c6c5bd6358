import { LockStateError } from './errors.ts';
import type { Guard } from './guard.ts';
import {
  acquireRestore,
  ExclusiveLock,
  ownedByCaller,
  releaseSave,
  type AcquireOptions,
} from './internal/exclusive-lock.ts';
import { taskContext } from './internal/task-context.ts';
import {
  invalidArgument,
  validateFunction,
  validateInteger,
  validateName,
  validateOptions,
} from './internal/validate.ts';
import {
  abortedBeforeStart,
  MAX_TIMER_DELAY,
  WaiterQueue,
  type WaitOptions,
  type Waiter,
} from './internal/waiter-queue.ts';
import type { Lock } from './lock.ts';
import { RLock } from './rlock.ts';

function conditionTimeout(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/** Options of the Condition constructor. */
export interface ConditionOptions {
  /**
   * Name of the RLock the condition creates when none is given.
   * @default the RLock's default name
   */
  name?: string;
}

/**
 * A condition variable (Python's `threading.Condition`): tasks holding its lock wait for another
 * task to change shared state and `notify`. `wait` releases the lock while waiting and holds it
 * again before it returns — whatever way it returns.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * // consumer
 * await cond.withLock(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift();
 * });
 * // producer
 * await cond.withLock(() => { items.push(item); cond.notify(); });
 * ```
 */
export class Condition {
  // The lock every wait releases and re-acquires; fixed for the condition's life.
  readonly #lock: ExclusiveLock;
  // Tasks in wait(), oldest first; a notified waiter has already left it.
  readonly #waiters = new WaiterQueue<boolean>({ onTimeout: conditionTimeout });

  /** @default lock a new RLock */
  constructor(lock?: Lock | RLock, options?: ConditionOptions) {
    validateOptions(options);
    validateName(options?.name);
    if (lock !== undefined && !(lock instanceof ExclusiveLock)) {
      invalidArgument('type', 'lock', 'a Lock or RLock', lock);
    }
    this.#lock =
      lock ?? new RLock(options?.name === undefined ? undefined : { name: options.name });
  }

  /** The underlying lock. */
  get lock(): Lock | RLock {
    return this.#lock;
  }

  /** True while the underlying lock is held. */
  get locked(): boolean {
    return this.#lock.locked;
  }

  /** Acquire the underlying lock (see {@link Lock.acquire}). */
  acquire(options?: AcquireOptions): Promise<Guard> {
    return this.#lock.acquire(options);
  }

  /** Try the underlying lock without waiting. */
  tryAcquire(): Guard | undefined {
    return this.#lock.tryAcquire();
  }

  /** Release the underlying lock. */
  release(): void {
    this.#lock.release();
  }

  /** Run `fn` holding the underlying lock. */
  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    return this.#lock.withLock(fn, options);
  }

  /**
   * Release the lock, wait for a `notify`, and re-acquire the lock. Resolves true when notified,
   * false when `timeout` ms passed; rejects with `signal.reason` on abort — in every case only
   * once the lock is held again. A waiter notified before its abort lands counts as notified.
   * A signal that is already aborted rejects at once, without releasing the lock.
   * Throws LockStateError when the caller does not hold the lock.
   *
   * @example
   * ```ts
   * while (!ready) await cond.wait();
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    this.#assertOwned('wait on');
    // Checked after ownership so that a LockStateError never leaves a rejected promise behind.
    return abortedBeforeStart(options) ?? this.#waitHeld(options, undefined);
  }

  async #waitHeld(
    options: WaitOptions | undefined,
    onWaiter: ((waiter: Waiter<boolean>) => void) | undefined,
  ): Promise<boolean> {
    const saved = releaseSave(this.#lock);
    const { promise, waiter } = this.#waiters.wait(options, taskContext.getStore());
    onWaiter?.(waiter);
    let notified = false;
    let failure: { error: unknown } | undefined;
    try {
      notified = await promise;
    } catch (error) {
      failure = { error };
    }
    await acquireRestore(this.#lock, saved);
    if (failure !== undefined) throw failure.error;
    return notified;
  }

  /**
   * Wait until `predicate()` is truthy, re-checking it after each notify. Resolves with its last
   * value: truthy, or falsy when `timeout` ms (for the whole call) ran out. Rejects with
   * `signal.reason` on abort, once the lock is held again (at once, before the predicate runs and
   * without releasing the lock, when the signal is already aborted).
   *
   * @example
   * ```ts
   * const item = await cond.waitFor(() => queue.shift(), { timeout: 1000 });
   * ```
   */
  waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    validateFunction(predicate, 'predicate');
    this.#assertOwned('wait on');
    return abortedBeforeStart(options) ?? this.#waitFor(predicate, options);
  }

  async #waitFor<T>(predicate: () => T, options: WaitOptions | undefined): Promise<T> {
    let result = predicate();
    if (result) return result;
    const timeout = options?.timeout ?? Infinity;
    if (timeout === 0) return result;
    // One deadline for the whole call: when it passes, the pending wait ends as a timeout.
    let expired = false;
    let current: Waiter<boolean> | undefined;
    const timer =
      timeout <= MAX_TIMER_DELAY
        ? setTimeout(() => {
            expired = true;
            if (current !== undefined) this.#waiters.grant(current, false);
          }, timeout)
        : undefined;
    const onWaiter = (waiter: Waiter<boolean>): void => {
      current = waiter;
    };
    const waitOptions = options?.signal === undefined ? undefined : { signal: options.signal };
    try {
      while (!result && !expired) {
        await this.#waitHeld(waitOptions, onWaiter);
        current = undefined;
        result = predicate();
      }
    } finally {
      clearTimeout(timer);
    }
    return result;
  }

  /**
   * Wake up to `n` waiting tasks, oldest first. Throws LockStateError when the caller does not
   * hold the lock.
   * @default n 1
   */
  notify(n = 1): void {
    validateInteger(n, 'n', 0);
    this.#assertOwned('notify');
    for (let i = 0; i < n; i += 1) {
      const waiter = this.#waiters.first;
      if (waiter === null) break;
      this.#waiters.grant(waiter, true);
    }
  }

  /** Wake every waiting task. Throws LockStateError when the caller does not hold the lock. */
  notifyAll(): void {
    this.#assertOwned('notify');
    this.notify(this.#waiters.size);
  }

  #assertOwned(action: string): void {
    if (!ownedByCaller(this.#lock)) {
      throw new LockStateError(
        `Cannot ${action} a Condition whose lock (${this.#lock.name}) the caller does not hold`,
      );
    }
  }
}

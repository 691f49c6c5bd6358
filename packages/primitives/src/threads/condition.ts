/** Condition across threads. */
import { LockStateError } from '../errors.ts';
import type { Guard } from '../guard.ts';
import { describeValue, validateFunction, validateInteger, validateWaitOptions } from '../internal/validate.ts';
import { assertMayBlock, deadlineOf, remaining, waitAsync, waitSync } from './futex.ts';
import { makeHandle, type ThreadHandle } from './handle.ts';
import { Lock, RLock, type ExclusiveThreadLock } from './lock.ts';
import type { ThreadAcquireOptions } from './permit-primitive.ts';
import { place, placeFrom, type Placement, type ThreadPrimitiveOptions } from './placement.ts';
import { blockHeaderWords } from './shared-memory.ts';

/** Words: the futex word, waiters not yet notified, notifications not yet taken. */
const seqWord = 0;
const waitingWord = 1;
const tokensWord = 2;

/** A Condition's handle also carries its lock's. */
export interface ConditionHandle extends ThreadHandle<'Condition'> {
  readonly lock: ThreadHandle<'Lock' | 'RLock'>;
}

let received: { placement: Placement; lock: ExclusiveThreadLock } | undefined;

/**
 * A condition variable shared by threads (Python's `threading.Condition`), over a thread
 * `Lock` or `RLock` (default: a new RLock). `notify(n)` wakes exactly `n` waiters (those asleep
 * longest first); a waiter whose wait ends by timeout or abort does not swallow a notification
 * meant for another.
 *
 * @example
 * ```ts
 * using _ = cond.acquire();
 * while (queue.length === 0) cond.wait();
 * ```
 */
export class Condition {
  readonly name: string;
  /** The lock this condition waits with. */
  readonly lock: Lock | RLock;
  readonly #placement: Placement;
  readonly #words: Int32Array;
  readonly #base: number;

  constructor(lock?: Lock | RLock, options?: ThreadPrimitiveOptions) {
    const from = received;
    received = undefined;
    if (from !== undefined) {
      this.#placement = from.placement;
      this.lock = from.lock as Lock | RLock;
    } else {
      if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
        throw new TypeError(`Expected \`lock\` to be a thread Lock or RLock, got ${describeValue(lock)}`);
      }
      this.lock = lock ?? new RLock();
      this.#placement = place('Condition', 3, options?.name);
    }
    this.name = this.#placement.name;
    this.#words = this.#placement.view;
    this.#base = blockHeaderWords;
  }

  /** Rebuilds a Condition (and its lock) from its `handle`. @throws {TypeError} a bad handle. */
  static from(handle: unknown): Condition {
    const placement = placeFrom(handle, ['Condition']);
    const lockHandle = (handle as ConditionHandle).lock;
    const lock = (lockHandle as { kind?: unknown } | undefined)?.kind === 'RLock' ? RLock.from(lockHandle) : Lock.from(lockHandle);
    received = { placement, lock };
    return new Condition();
  }

  get handle(): ConditionHandle {
    return { ...makeHandle('Condition', this.name, this.#placement.domain, this.#placement.index), lock: this.lock.handle as ThreadHandle<'Lock' | 'RLock'> };
  }

  acquire(options?: ThreadAcquireOptions): Guard {
    return this.lock.acquire(options);
  }
  acquireAsync(options?: ThreadAcquireOptions): Promise<Guard> {
    return this.lock.acquireAsync(options);
  }
  tryAcquire(): Guard | undefined {
    return this.lock.tryAcquire();
  }
  release(): void {
    this.lock.release();
  }
  withLock<T>(fn: () => T, options?: ThreadAcquireOptions): T {
    return this.lock.withLock(fn, options);
  }
  withLockAsync<T>(fn: () => T | PromiseLike<T>, options?: ThreadAcquireOptions): Promise<T> {
    return this.lock.withLockAsync(fn, options);
  }

  /**
   * Releases the lock, blocks until notified (true) or `timeout` ms pass (false), and takes
   * the lock back (with all its RLock levels) before returning, however it ends.
   * @throws {LockStateError} this thread does not hold the lock.
   */
  wait(options?: ThreadAcquireOptions): boolean {
    validateWaitOptions(options);
    const lock = this.#checkHeld('wait');
    if (options?.signal?.aborted === true) throw options.signal.reason;
    assertMayBlock(`${this.name}.wait()`);
    const deadline = deadlineOf(options?.timeout);
    const words = this.#words;
    const seqIndex = this.#base + seqWord;
    Atomics.add(words, this.#base + waitingWord, 1);
    let seq = Atomics.load(words, seqIndex);
    const hold = lock.releaseForWait();
    try {
      for (;;) {
        if (this.#take(tokensWord)) return true;
        if (remaining(deadline) === 0) return this.#leave(true);
        waitSync(words, seqIndex, seq, deadline);
        seq = Atomics.load(words, seqIndex);
      }
    } finally {
      lock.restoreAfterWait(hold);
    }
  }

  /** The same without blocking the thread; an abort rejects with `signal.reason` (the lock is taken back first). */
  async waitAsync(options?: ThreadAcquireOptions): Promise<boolean> {
    validateWaitOptions(options);
    const lock = this.#checkHeld('waitAsync');
    const signal = options?.signal;
    if (signal?.aborted === true) throw signal.reason;
    const deadline = deadlineOf(options?.timeout);
    const words = this.#words;
    const seqIndex = this.#base + seqWord;
    Atomics.add(words, this.#base + waitingWord, 1);
    let seq = Atomics.load(words, seqIndex);
    const hold = lock.releaseForWait();
    try {
      for (;;) {
        if (this.#take(tokensWord)) return true;
        if (remaining(deadline) === 0) return this.#leave(true);
        const result = await waitAsync(words, seqIndex, seq, deadline, signal, () => this.#passWake());
        if (result === 'aborted') {
          this.#leave(false);
          throw signal!.reason;
        }
        seq = Atomics.load(words, seqIndex);
      }
    } finally {
      await lock.restoreAfterWaitAsync(hold);
    }
  }

  /** Waits until `predicate()` is truthy; returns its last value (falsy on timeout). */
  waitFor<T>(predicate: () => T, options?: ThreadAcquireOptions): T {
    validateFunction(predicate, 'predicate');
    validateWaitOptions(options);
    const deadline = deadlineOf(options?.timeout);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left === 0) break;
      this.wait({ timeout: left, signal: options?.signal });
      result = predicate();
    }
    return result;
  }

  /** The same with `waitAsync`. */
  async waitForAsync<T>(predicate: () => T, options?: ThreadAcquireOptions): Promise<T> {
    validateFunction(predicate, 'predicate');
    validateWaitOptions(options);
    const deadline = deadlineOf(options?.timeout);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left === 0) break;
      await this.waitAsync({ timeout: left, signal: options?.signal });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters (any thread). @throws {LockStateError} the lock is not held by this thread. */
  notify(n = 1): void {
    validateInteger(n, 'n', 0);
    this.#checkHeld('notify');
    const words = this.#words;
    const waitingIndex = this.#base + waitingWord;
    for (;;) {
      const waiting = Atomics.load(words, waitingIndex);
      const count = Math.min(n, waiting);
      if (count === 0) return;
      if (Atomics.compareExchange(words, waitingIndex, waiting, waiting - count) !== waiting) continue;
      Atomics.add(words, this.#base + tokensWord, count);
      Atomics.add(words, this.#base + seqWord, 1);
      Atomics.notify(words, this.#base + seqWord, count);
      return;
    }
  }

  /** Wakes every waiter. */
  notifyAll(): void {
    this.#checkHeld('notifyAll');
    this.notify(Math.max(0, Atomics.load(this.#words, this.#base + waitingWord)));
  }

  #checkHeld(what: string): ExclusiveThreadLock {
    const lock = this.lock as ExclusiveThreadLock;
    if (!lock.heldByThisThread()) throw new LockStateError(`${this.name}.${what}() needs its lock held by this thread`);
    return lock;
  }

  /** Takes one unit of `word` if it has one. */
  #take(word: number): boolean {
    const index = this.#base + word;
    for (;;) {
      const value = Atomics.load(this.#words, index);
      if (value === 0) return false;
      if (Atomics.compareExchange(this.#words, index, value, value - 1) === value) return true;
    }
  }

  /**
   * A waiter gives up. Each waiter is one unit of `waiting + tokens`; a timed-out one prefers a
   * token (it was notified at the deadline: true), an aborted one prefers not to swallow a
   * notification that another waiter can use.
   */
  #leave(preferToken: boolean): boolean {
    for (;;) {
      if (preferToken && this.#take(tokensWord)) return true;
      if (this.#take(waitingWord)) return false;
      if (this.#take(tokensWord)) return true;
    }
  }

  /** An aborted async waiter was woken after leaving: wake someone who can use the notification. */
  #passWake(): void {
    if (Atomics.load(this.#words, this.#base + tokensWord) > 0) Atomics.notify(this.#words, this.#base + seqWord, 1);
  }
}

/** Condition across threads. */
import { LockStateError } from '../errors.ts';
import type { Guard } from '../guard.ts';
import {
  argumentError,
  describeValue,
  validateFunction,
  validateInteger,
  validateWaitOptions,
} from '../internal/validate.ts';
import { assertMayBlock, deadlineOf, remaining, waitAsync, waitSync } from './futex.ts';
import { makeHandle, type ThreadHandle } from './handle.ts';
import type { ThreadHold } from './holds.ts';
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
        throw argumentError(
          'type',
          `Expected \`lock\` to be a thread Lock or RLock, got ${describeValue(lock)}`,
        );
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
    const lock =
      (lockHandle as { kind?: unknown } | undefined)?.kind === 'RLock'
        ? RLock.from(lockHandle)
        : Lock.from(lockHandle);
    received = { placement, lock };
    return new Condition();
  }

  get handle(): ConditionHandle {
    return {
      ...makeHandle('Condition', this.name, this.#placement.domain, this.#placement.index),
      lock: this.lock.handle as ThreadHandle<'Lock' | 'RLock'>,
    };
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
    const { lock, deadline, hold } = this.#beginWait(options, 'wait', true);
    const seqIndex = this.#base + seqWord;
    try {
      for (
        let seq = Atomics.load(this.#words, seqIndex);
        ;
        seq = Atomics.load(this.#words, seqIndex)
      ) {
        const notified = this.#look(deadline);
        if (notified !== undefined) return notified;
        waitSync(this.#words, seqIndex, seq, deadline);
      }
    } finally {
      lock.restoreAfterWait(hold);
    }
  }

  /**
   * The same without blocking the thread; an abort rejects with `signal.reason` (the lock is
   * taken back first).
   */
  async waitAsync(options?: ThreadAcquireOptions): Promise<boolean> {
    const { lock, deadline, hold } = this.#beginWait(options, 'waitAsync', false);
    const seqIndex = this.#base + seqWord;
    try {
      for (
        let seq = Atomics.load(this.#words, seqIndex);
        ;
        seq = Atomics.load(this.#words, seqIndex)
      ) {
        const notified = this.#look(deadline);
        if (notified !== undefined) return notified;
        if (
          (await waitAsync(this.#words, seqIndex, seq, deadline, options?.signal, () =>
            this.#passWake(),
          )) === 'aborted'
        ) {
          this.#leave(false);
          throw options!.signal!.reason;
        }
      }
    } finally {
      await lock.restoreAfterWaitAsync(hold);
    }
  }

  /**
   * Checks the call, counts this thread as a waiter, and gives the lock up. The waiter is
   * counted before the lock goes, so a notify from the next holder cannot miss it; the futex
   * word is read afresh before each sleep, and a notify bumps it, so no wake-up is lost between.
   */
  #beginWait(
    options: ThreadAcquireOptions | undefined,
    what: string,
    blocking: boolean,
  ): { lock: ExclusiveThreadLock; deadline: number; hold: ThreadHold } {
    validateWaitOptions(options);
    const lock = this.#checkHeld(what);
    if (options?.signal?.aborted === true) throw options.signal.reason;
    // A zero timeout never sleeps, so it is allowed on the main thread too.
    if (blocking && options?.timeout !== 0) assertMayBlock(this.name, 'wait');
    const deadline = deadlineOf(options?.timeout);
    Atomics.add(this.#words, this.#base + waitingWord, 1);
    return { lock, deadline, hold: lock.releaseForWait() };
  }

  /** true: notified; false: timed out (the waiter has left); undefined: wait on. */
  #look(deadline: number): boolean | undefined {
    if (this.#take(tokensWord)) return true;
    return remaining(deadline) === 0 ? this.#leave(true) : undefined;
  }

  /** Waits until `predicate()` is truthy; returns its last value (falsy on timeout). */
  waitFor<T>(predicate: () => T, options?: ThreadAcquireOptions): T {
    const loop = this.#predicateLoop(predicate, options);
    for (let step = loop.next(); ; step = loop.next()) {
      if (step.done === true) return step.value;
      this.wait(step.value);
    }
  }

  /** The same with `waitAsync`. */
  async waitForAsync<T>(predicate: () => T, options?: ThreadAcquireOptions): Promise<T> {
    const loop = this.#predicateLoop(predicate, options);
    for (let step = loop.next(); ; step = loop.next()) {
      if (step.done === true) return step.value;
      await this.waitAsync(step.value);
    }
  }

  /** Yields each wait's options until the predicate holds or time runs out; returns its value. */
  *#predicateLoop<T>(
    predicate: () => T,
    options: ThreadAcquireOptions | undefined,
  ): Generator<ThreadAcquireOptions, T> {
    validateFunction(predicate, 'predicate');
    validateWaitOptions(options);
    const deadline = deadlineOf(options?.timeout);
    let result = predicate();
    for (let left = remaining(deadline); !result && left > 0; left = remaining(deadline)) {
      yield { timeout: left, signal: options?.signal };
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters (any thread).
   * @throws {LockStateError} the lock is not held by this thread.
   */
  notify(n = 1): void {
    validateInteger(n, 'n', 0);
    this.#checkHeld('notify');
    const words = this.#words;
    const waitingIndex = this.#base + waitingWord;
    for (;;) {
      const waiting = Atomics.load(words, waitingIndex);
      const count = Math.min(n, waiting);
      if (count === 0) return;
      if (Atomics.compareExchange(words, waitingIndex, waiting, waiting - count) !== waiting)
        continue;
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
    if (!lock.heldByThisThread())
      throw new LockStateError(`${this.name}.${what}() needs its lock held by this thread`);
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
    if (Atomics.load(this.#words, this.#base + tokensWord) > 0)
      Atomics.notify(this.#words, this.#base + seqWord, 1);
  }
}

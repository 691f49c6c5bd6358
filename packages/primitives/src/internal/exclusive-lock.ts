/**
 * The shared implementation of Lock and RLock: one holder at a time, FIFO hand-off, and (for
 * RLock) re-entry by the task whose frame holds the current hold.
 */
import { LockStateError } from '../errors.ts';
import { HoldGuard, type Guard } from '../guard.ts';
import { acquireTimeout, runHolding, watchWaiter } from './acquisition.ts';
import type { AcquireSite, LockNode } from '@interlock/core';
import { lockNode, probe } from './probe.ts';
import { frameHas, Hold, holdsOf, taskContext, type Frame, type HoldReleaser } from './task-context.ts';
import { validateFunction, validateName, validateOptions } from './validate.ts';
import { abortedBeforeStart, WaiterQueue, type WaitOptions } from './waiter-queue.ts';

/** Options of {@link Lock.acquire}, {@link Semaphore.acquire} and the like. */
export type AcquireOptions = WaitOptions;

/** Options of a lock's constructor. */
export interface LockOptions {
  /**
   * What reports and error messages call this lock.
   * @default `${kind}#${n}`, unique in the process
   */
  name?: string;
}

/**
 * A queued acquire resolves with its guard; a Condition re-acquire (payload = the Hold to
 * restore) resolves with undefined.
 */
type Grant = HoldGuard | undefined;

/** Condition's access to a lock's internals (assigned in the class's static block). */
export let releaseSave!: (lock: ExclusiveLock) => Hold;
export let acquireRestore!: (lock: ExclusiveLock, hold: Hold) => Promise<void>;
export let ownedByCaller!: (lock: ExclusiveLock) => boolean;

export class ExclusiveLock {
  // The lock's identity, which is also its detector node; fixed at construction.
  readonly #id: LockNode;
  // Given to every hold: Guard.release comes back through it.
  readonly #releaser: HoldReleaser;
  // The current holder's record; undefined exactly when unlocked. Hand-off replaces it without a
  // gap.
  #hold: Hold | undefined = undefined;
  // Queued acquires. Invariant: non-empty only while locked (release hands off directly).
  readonly #waiters: WaiterQueue<Grant>;

  constructor(kind: 'Lock' | 'RLock', reentrant: boolean, options: LockOptions | undefined) {
    validateOptions(options);
    validateName(options?.name);
    this.#id = lockNode({ kind, name: options?.name, reentrant, exclusive: true }, this);
    this.#releaser = (hold) => this.#releaseHold(hold);
    this.#waiters = new WaiterQueue<Grant>({ onTimeout: acquireTimeout(this.#id) });
  }

  /** What reports and error messages call this lock. */
  get name(): string {
    return this.#id.name;
  }

  /** True while some task holds the lock. */
  get locked(): boolean {
    return this.#hold !== undefined;
  }

  /**
   * Wait for the lock, first come first served. Resolves with a {@link Guard}; bind it with
   * `using` so it is released on every path and the hold is tracked for this task.
   * Rejects with a TimeoutError after `timeout` ms, with `signal.reason` on abort; a waiter that
   * gave up never takes the lock later.
   *
   * @example
   * ```ts
   * using guard = await lock.acquire({ timeout: 1000 });
   * ```
   */
  acquire(options?: AcquireOptions): Promise<Guard> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (probe !== undefined) return this.#acquireProbed(options);
    const hold = this.#hold;
    if (hold === undefined) {
      const granted = new Hold(this.#id, this.#releaser);
      this.#hold = granted;
      return Promise.resolve(new HoldGuard(granted, true));
    }
    if (this.#id.reentrant && hold.claimed && frameHas(taskContext.getStore(), hold)) {
      hold.count += 1;
      return Promise.resolve(new HoldGuard(hold, true));
    }
    return this.#enqueue(options, undefined, undefined);
  }

  #acquireProbed(options: AcquireOptions | undefined): Promise<Guard> {
    const frame = taskContext.getStore();
    const hold = this.#hold;
    const reentry = this.#id.reentrant && hold !== undefined && hold.claimed && frameHas(frame, hold);
    let site: AcquireSite;
    try {
      // `timeout: 0` never waits: to the detector it is a try-acquire (no order edge into it).
      site = probe?.beforeAcquire(holdsOf(frame), this.#id, reentry, options?.timeout !== 0);
    } catch (error) {
      return Promise.reject(error);
    }
    if (reentry) {
      hold.count += 1;
      return Promise.resolve(new HoldGuard(hold, true));
    }
    if (this.#hold === undefined) {
      const granted = new Hold(this.#id, this.#releaser);
      this.#hold = granted;
      probe?.holdAcquired(granted, site);
      return Promise.resolve(new HoldGuard(granted, true));
    }
    return this.#enqueue(options, frame, site);
  }

  #enqueue(options: AcquireOptions | undefined, frame: Frame | undefined, site: AcquireSite): Promise<Guard> {
    const { promise, waiter } = this.#waiters.wait(options, frame);
    waiter.site = site;
    watchWaiter(this.#waiters, waiter, this.#id);
    return promise as Promise<Guard>;
  }

  /**
   * Take the lock only if that needs no waiting (Python's `acquire(blocking=False)`): never
   * while others are queued. The hold is anonymous — see docs/primitives.md.
   *
   * @example
   * ```ts
   * const guard = lock.tryAcquire();
   * if (guard) try { … } finally { guard.release(); }
   * ```
   */
  tryAcquire(): Guard | undefined {
    const hold = this.#hold;
    let frame = probe === undefined ? undefined : taskContext.getStore();
    if (hold !== undefined) {
      if (!this.#id.reentrant || !hold.claimed) return undefined;
      frame ??= taskContext.getStore();
      if (!frameHas(frame, hold)) return undefined;
      probe?.beforeAcquire(holdsOf(frame), this.#id, true, false);
      hold.count += 1;
      return new HoldGuard(hold, false);
    }
    const site = probe?.beforeAcquire(holdsOf(frame), this.#id, false, false);
    const granted = new Hold(this.#id, this.#releaser);
    this.#hold = granted;
    probe?.holdAcquired(granted, site);
    return new HoldGuard(granted, false);
  }

  /**
   * Release the lock (one level of an RLock). Throws LockStateError when it is not locked, and
   * for an RLock when the current hold belongs to another task's frame.
   */
  release(): void {
    const hold = this.#hold;
    if (hold === undefined) throw new LockStateError(`Cannot release ${this.#id.kind} ${this.#id.name}: it is not locked`);
    if (this.#id.reentrant && hold.claimed && !frameHas(taskContext.getStore(), hold)) {
      throw new LockStateError(`Cannot release ${this.#id.kind} ${this.#id.name}: another task owns it`);
    }
    this.#releaseOne(hold);
  }

  /**
   * Run `fn` holding the lock and release it however `fn` ends. `fn` and everything it awaits
   * run in a frame that holds the lock (an RLock can be re-entered inside).
   *
   * @example
   * ```ts
   * const total = await lock.withLock(async () => { balance += 1; return balance; });
   * ```
   */
  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    validateFunction(fn, 'fn');
    // acquire() throws synchronously on bad options, before anything changes.
    return runHolding(this.acquire(options), fn);
  }

  #releaseHold(hold: Hold): void {
    if (this.#hold !== hold) {
      throw new LockStateError(`Cannot release ${this.#id.kind} ${this.#id.name}: this acquisition does not hold it now`);
    }
    this.#releaseOne(hold);
  }

  #releaseOne(hold: Hold): void {
    hold.count -= 1;
    if (hold.count > 0) return;
    hold.live = false;
    probe?.holdReleased(hold);
    this.#handOff();
  }

  /** Give the free lock straight to the oldest waiter (no barging), or leave it unlocked. */
  #handOff(): void {
    const waiter = this.#waiters.first;
    if (waiter === null) {
      this.#hold = undefined;
      return;
    }
    if (waiter.payload instanceof Hold) {
      const restored = waiter.payload;
      restored.live = true;
      this.#hold = restored;
      probe?.holdAcquired(restored);
      this.#waiters.grant(waiter, undefined);
      return;
    }
    const granted = new Hold(this.#id, this.#releaser);
    this.#hold = granted;
    probe?.holdAcquired(granted, waiter.site);
    this.#waiters.grant(waiter, new HoldGuard(granted, true));
  }

  static {
    ownedByCaller = (lock) => {
      const hold = lock.#hold;
      // An anonymous hold cannot be attributed: assume the caller owns it (CPython's fallback).
      return hold !== undefined && (!hold.claimed || frameHas(taskContext.getStore(), hold));
    };
    releaseSave = (lock) => {
      const hold = lock.#hold;
      if (hold === undefined) throw new LockStateError(`Cannot release ${lock.#id.kind} ${lock.#id.name}: it is not locked`);
      hold.live = false;
      probe?.holdReleased(hold);
      lock.#handOff();
      return hold;
    };
    acquireRestore = (lock, hold) => {
      if (lock.#hold === undefined) {
        hold.live = true;
        lock.#hold = hold;
        probe?.holdAcquired(hold);
        return Promise.resolve();
      }
      const { promise, waiter } = lock.#waiters.wait(undefined, taskContext.getStore(), hold);
      watchWaiter(lock.#waiters, waiter, lock.#id);
      return promise.then(
        () => undefined,
        (error: unknown) => {
          // The detector broke a deadlock by failing this re-acquire: the hold is gone for good,
          // so its guards count as released and do not release someone else's hold.
          hold.count = 0;
          throw error;
        },
      );
    };
  }
}

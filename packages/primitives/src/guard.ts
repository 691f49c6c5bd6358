/**
 * The Guard an acquire returns: releases one acquisition, once, and carries the task-tracking
 * trick that makes `using g = await lock.acquire()` enter the hold into the acquiring task.
 */
import { probe } from './internal/probe.ts';
import { claimHold, leaveHold, type Hold } from './internal/task-context.ts';

/**
 * Proof of one acquisition. Release it exactly once — `using` does it for you.
 *
 * @example
 * ```ts
 * {
 *   using guard = await lock.acquire();
 *   // critical section; released when the block exits, however it exits
 * }
 * ```
 */
export interface Guard extends Disposable {
  /** Release this acquisition. Idempotent: later calls do nothing. */
  release(): void;
  /** True once this acquisition has been released (by this guard or by the primitive). */
  readonly released: boolean;
}

/** The one Guard implementation, shared by every primitive. */
export class HoldGuard implements Guard {
  // The acquisition this guard releases one level of; RLock re-entries share it.
  readonly #hold: Hold;
  // True once this guard released its level: a guard releases at most once.
  #released = false;
  // Whether reading [Symbol.dispose] may enter the hold into the current task (false for
  // tryAcquire guards, whose `using` may run before a function's first await — see claimHold).
  readonly #claims: boolean;

  constructor(hold: Hold, claims: boolean) {
    this.#hold = hold;
    this.#claims = claims;
  }

  get released(): boolean {
    return this.#released || this.#hold.count === 0;
  }

  release(): void {
    if (this.released) return;
    // Marked only once the primitive accepted the release: one refused while a Condition waits
    // with this hold (LockStateError) leaves the guard live, so `using` can still release it once
    // the wait has taken the lock back, instead of leaking the lock.
    this.#hold.releaser(this.#hold);
    this.#released = true;
  }

  /**
   * A getter on purpose: `using` reads it synchronously right where the guard is bound, which for
   * `using g = await x.acquire()` is the acquiring task's own continuation. That is the one moment
   * we can enter the hold into that task's frame without lending it to sibling tasks.
   *
   * Only two readers of frames exist: RLock ownership and the detector. So a `Lock` or
   * `Semaphore` guard bound while the detector is off enters no frame at all — the fastest style
   * costs no context switch (issue 8, item 9). Such a hold is anonymous to a detector enabled
   * later: it orders nothing and is in no wait-for edge; it can hide a deadlock, never invent one.
   */
  get [Symbol.dispose](): () => void {
    const hold = this.#hold;
    if (this.#claims && hold.count > 0 && (probe !== undefined || hold.lock.reentrant))
      claimHold(hold);
    return HoldGuard.#dispose;
  }

  // Shared by every guard (`using` calls it with the guard as `this`): no closure per acquire.
  static readonly #dispose = function (this: HoldGuard): void {
    const hold = this.#hold;
    this.release();
    if (hold.count === 0 && hold.claimed) leaveHold(hold);
  };

  /** @internal the hold behind a guard, for withLock. */
  static holdOf(guard: HoldGuard): Hold {
    return guard.#hold;
  }
}

/**
 * The Guards an acquire returns: each releases one acquisition, once; the claiming kind carries the
 * task-tracking trick that makes `using g = await lock.acquire()` enter the hold into its task.
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

/**
 * The Guard of a hold that no one reads from a frame: a `Lock` or `Semaphore` granted while the
 * detector is off, and every `tryAcquire` guard. `[Symbol.dispose]` is a plain prototype method,
 * so every guard has one hidden class and `using` runs no getter (a getter read by `using` is one
 * more call from V8's runtime into JavaScript per declaration).
 */
export class HoldGuard implements Guard {
  // The acquisition this guard releases one level of.
  readonly #hold: Hold;
  // True once this guard released its level: a guard releases at most once.
  #released = false;

  constructor(hold: Hold) {
    this.#hold = hold;
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

  [Symbol.dispose](): void {
    this.release();
  }

  /** @internal the hold behind a guard, for withLock and bind. */
  static holdOf(guard: HoldGuard): Hold {
    return guard.#hold;
  }
}

/**
 * The Guard of a hold that frames must see: any RLock hold (ownership is read from frames), and a
 * `Lock` or `Semaphore` granted while the detector is on. Its `[Symbol.dispose]` is a getter on
 * purpose: `using` reads it synchronously right where the guard is bound, which for `using g =
 * await x.acquire()` is the acquiring task's own continuation. That is the one moment we can enter
 * the hold into that task's frame without lending it to sibling tasks.
 */
class ClaimingGuard extends HoldGuard {
  static {
    // An accessor over the base class's method (TypeScript forbids declaring that override).
    Object.defineProperty(ClaimingGuard.prototype, Symbol.dispose, {
      get(this: ClaimingGuard): () => void {
        const hold = HoldGuard.holdOf(this);
        // A Lock or Semaphore guard bound after the detector was disabled has no reader any more.
        if (hold.count > 0 && (probe !== undefined || hold.lock.reentrant)) claimHold(hold);
        return hold.lock.reentrant ? disposeClaimed : disposeInPlace;
      },
      configurable: true,
    });
  }
}

// Shared by every claiming guard of an RLock (`using` calls it with the guard as `this`): no
// closure per acquire. A re-entry level is owned by its frame node, so it leaves the frame at once.
function disposeClaimed(this: HoldGuard): void {
  const hold = HoldGuard.holdOf(this);
  this.release();
  if (hold.count === 0 && hold.claimed) leaveHold(hold);
}

// A `Lock` or `Semaphore` hold ends where it is and stays in the frame, dead: every reader skips an
// ended hold (`holdsOf` drops the ended ones on top, the detector ignores holds that are not live),
// and the task's next claim builds its frame without them (task-context.ts `claimHold`). Leaving
// the frame would cost a second AsyncContextFrame per acquisition — a copy of the current one, as
// dear as the whole untracked acquire — for nothing any reader needs (issue 3, item 9).
function disposeInPlace(this: HoldGuard): void {
  this.release();
}

/**
 * The guard an awaited acquire resolves with, chosen when the hold is granted. Frames have two
 * readers, RLock ownership and the detector: a `Lock` or `Semaphore` hold granted while the
 * detector is off gets the plain guard and never enters a frame — the fastest style costs no
 * context switch (issue 8, item 9). Such a hold is anonymous to a detector enabled later, even if
 * `using` binds it after `enable()`: it orders nothing and is in no wait-for edge, so it can hide a
 * deadlock, never invent one (the detector was never told it exists).
 */
export function grantedGuard(hold: Hold): HoldGuard {
  return probe !== undefined || hold.lock.reentrant ? new ClaimingGuard(hold) : new HoldGuard(hold);
}

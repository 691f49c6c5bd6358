/**
 * Which task holds what. A task is an async continuation chain; we follow it with ONE
 * module-level AsyncLocalStorage whose store is an immutable {@link Frame}: the holds the task has.
 * Frames are never mutated: taking a hold creates `frame + hold`, dropping one `frame − hold`, so
 * tasks forked earlier keep the frame they were forked with and never see a sibling's holds.
 * See docs/design.md "Tasks, and who holds a lock" and docs/primitives.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Hold as DetectorHold, LockNode } from '@interlock/core';

/** Releases one level of a hold on the primitive that granted it (what `Guard.release` calls). */
export type HoldReleaser = (hold: Hold) => void;

/**
 * One acquisition of one primitive, shared by every guard and frame that refers to it. It is also
 * the detector's record of the hold: the detector reads `lock` and `live`.
 */
export class Hold implements DetectorHold {
  /** The lock's identity (its detector node). */
  readonly lock: LockNode;
  /** The granting primitive's release of one level; one function per primitive, not per hold. */
  readonly releaser: HoldReleaser;
  /**
   * Recursion depth (RLock re-entry adds to it); 0 once fully released. Other primitives: 1 or 0.
   */
  count = 1;
  /** False once released, and while a Condition waits with this hold's lock released. */
  live = true;
  /** True once the hold has been entered into some task's frame (`using` / `withLock`). */
  claimed = false;

  constructor(lock: LockNode, releaser: HoldReleaser) {
    this.lock = lock;
    this.releaser = releaser;
  }
}

/** What one task holds, oldest first. Immutable. */
export interface Frame {
  readonly holds: readonly Hold[];
}

/** The holds of a task that holds nothing: shared, never mutated. */
const noHolds: readonly Hold[] = Object.freeze([]);

/** The holds of `frame`, for the probe. */
export function holdsOf(frame: Frame | undefined): readonly Hold[] {
  return frame === undefined ? noHolds : frame.holds;
}

/**
 * The one store for every primitive. Exported for the detector and tests; do not enterWith on it
 * elsewhere.
 */
export const taskContext = new AsyncLocalStorage<Frame>();

/** The current task's frame, or undefined when it holds nothing tracked. */
export function currentFrame(): Frame | undefined {
  return taskContext.getStore();
}

/** Does `frame` contain `hold`? Frames are short (nesting depth), so a scan is the cheap way. */
export function frameHas(frame: Frame | undefined, hold: Hold): boolean {
  return frame !== undefined && frame.holds.includes(hold);
}

/** `frame + hold` as a new frame. */
export function frameWith(frame: Frame | undefined, hold: Hold): Frame {
  return { holds: frame === undefined ? [hold] : [...frame.holds, hold] };
}

/** `frame − hold` as a new frame; undefined when nothing is left. */
export function frameWithout(frame: Frame, hold: Hold): Frame | undefined {
  const holds = frame.holds.filter((h) => h !== hold);
  return holds.length === 0 ? undefined : { holds };
}

/** Enter `hold` into the current task's frame for the rest of this synchronous run (see Guard). */
export function claimHold(hold: Hold): void {
  const frame = taskContext.getStore();
  hold.claimed = true;
  if (!frameHas(frame, hold)) taskContext.enterWith(frameWith(frame, hold));
}

/** Drop `hold` from the current task's frame, if it is there. */
export function leaveHold(hold: Hold): void {
  const frame = taskContext.getStore();
  if (frame !== undefined && frame.holds.includes(hold)) {
    // enterWith(undefined) is how a task goes back to holding nothing.
    taskContext.enterWith(frameWithout(frame, hold) as Frame);
  }
}

/**
 * Run `fn` outside the current task's frame: it and everything it starts hold nothing, so they
 * can neither re-enter an `RLock` the caller holds nor be mistaken for acting on its behalf. Use it
 * for fire-and-forget work started inside a critical section that may outlive it.
 *
 * Without `detached`, work forked inside a critical section inherits the holder's frame: the
 * holder is assumed to await it (as with `Promise.all` inside `withLock`).
 *
 * @example
 * ```ts
 * await rlock.withLock(async () => {
 *   detached(() => void refreshCacheLater()); // must not re-enter rlock on our behalf
 * });
 * ```
 */
export function detached<T>(fn: () => T): T {
  return taskContext.exit(fn);
}

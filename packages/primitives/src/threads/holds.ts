/**
 * What this thread holds, and what happens to it when the thread exits while holding it.
 * Thread-local: only the holding thread reads or writes its own list.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread } from 'node:worker_threads';
import type { Guard } from '../guard.ts';
import type { PrimitiveKind } from './shared-memory.ts';

/** What the hold list and the detector know of a thread primitive. */
export interface HeldPrimitive {
  readonly name: string;
  readonly kind: PrimitiveKind | 'WebLock';
  /** Word index of the primitive's block: its identity in the domain (the same in every thread). */
  readonly index: number;
  /**
   * The detector's per-thread mark for this object (set after its first outermost acquisition
   * captured a site): spares a map lookup on every acquisition. Primitives never read it.
   */
  detectorSeen: boolean;
  /**
   * The detector's per-thread memo of one known edge into this primitive: the block index of the
   * lock it is known to follow, valid while `detectorKnownGeneration` is the graph's. Spares the
   * edge lookups when a thread holds one lock and takes this one again in the same order.
   */
  detectorKnownFrom: number;
  detectorKnownGeneration: number;
  /** The thread is exiting with `hold` still held. */
  ownerExited(hold: ThreadHold): void;
  /** Ends `hold` (what its guard's `release` does). */
  releaseHold(hold: ThreadHold): void;
}

/**
 * One outermost acquisition by this thread (re-entries of an RLock count on it). It is also the
 * Guard that Lock and Semaphore acquisitions return: one object per acquisition, no closure.
 */
export class ThreadHold implements Guard {
  readonly primitive: HeldPrimitive;
  /** Levels held (RLock re-entries); 0 once released. */
  count = 1;
  /** False while a Condition wait has given the lock up. */
  live = true;
  /** The detector's data about this hold (where it was taken); absent with the detector off. */
  token: unknown = undefined;
  /**
   * Orders later acquisitions of this thread. False for `acquireAsync` guards: other async tasks
   * of the thread run while it is held, and none of them may be taken for its holder (no edge is
   * ever invented). `withLockAsync` and Web Lock callbacks order through {@link asyncHolds}.
   */
  orders = true;
  /** The hold taken before this one, while both are on this thread's stack. */
  below: ThreadHold | undefined = undefined;

  constructor(primitive: HeldPrimitive) {
    this.primitive = primitive;
  }

  get released(): boolean {
    return this.count === 0;
  }

  /** Releases this acquisition; later calls do nothing. */
  release(): void {
    if (this.count !== 0) this.primitive.releaseHold(this);
  }

  [Symbol.dispose](): void {
    if (this.count !== 0) this.primitive.releaseHold(this);
  }
}

/**
 * This thread's holds, newest first: a linked stack through {@link ThreadHold.below} (cheaper
 * than an array's push and pop on the uncontended path, where every nanosecond counts).
 */
let top: ThreadHold | undefined;
/** {@link orderingHolds}' list of the thread's ordering holds, rebuilt after a change. */
let ordering: readonly ThreadHold[] | undefined;
/** No holds (shared, never changed). */
export const none: readonly ThreadHold[] = Object.freeze([]);

/**
 * Holds of the current async task (the body of `withLockAsync`, a Web Lock callback): they order
 * what that task — and only that task — acquires next.
 */
const asyncHolds = new AsyncLocalStorage<readonly ThreadHold[]>();
/** Set by the first task frame: until then no acquisition pays for reading the store. */
let asyncHoldsUsed = false;

/** Runs `fn` as a task that holds `hold` on top of its current task holds. */
export function runHoldingTask<T>(hold: ThreadHold, fn: () => T): T {
  asyncHoldsUsed = true;
  return asyncHolds.run([...(asyncHolds.getStore() ?? []), hold], fn);
}

/** This thread's holds, oldest first. */
export function threadHolds(): ThreadHold[] {
  const holds: ThreadHold[] = [];
  for (let hold = top; hold !== undefined; hold = hold.below) holds.push(hold);
  return holds.reverse();
}

/**
 * This thread's only hold when it orders what is acquired next and nothing else does (no
 * other hold, no task holds); otherwise undefined.
 */
export function soleOrderingHold(): ThreadHold | undefined {
  const hold = top;
  if (hold === undefined || hold.below !== undefined || !hold.orders || !hold.live)
    return undefined;
  return asyncHoldsUsed && asyncHolds.getStore() !== undefined ? undefined : hold;
}

/** True when this thread and its current task hold nothing (no acquisition is ordered). */
export function holdsNothing(): boolean {
  return top === undefined && (!asyncHoldsUsed || asyncHolds.getStore() === undefined);
}

/** What orders the acquisition being made: the thread's ordering holds, then the task's. */
export function orderingHolds(): readonly ThreadHold[] {
  const task = asyncHoldsUsed ? asyncHolds.getStore() : undefined;
  if (ordering === undefined) {
    if (top === undefined) ordering = none;
    else {
      const list: ThreadHold[] = [];
      for (let hold: ThreadHold | undefined = top; hold !== undefined; hold = hold.below)
        if (hold.orders) list.push(hold);
      ordering = list.reverse();
    }
  }
  return task === undefined ? ordering : [...ordering, ...task];
}

export function addHold(hold: ThreadHold): void {
  hold.below = top;
  top = hold;
  ordering = undefined;
}

export function removeHold(hold: ThreadHold): void {
  ordering = undefined;
  // Holds end in reverse order almost always.
  if (top === hold) {
    top = hold.below;
    hold.below = undefined;
    return;
  }
  for (let above = top; above !== undefined; above = above.below) {
    if (above.below === hold) {
      above.below = hold.below;
      hold.below = undefined;
      return;
    }
  }
}

/** This thread's newest hold of `primitive`, if it has one. */
export function holdOf(primitive: HeldPrimitive): ThreadHold | undefined {
  // By block, not by object: each `X.from(handle)` in a thread is a new object for the same lock.
  for (let hold = top; hold !== undefined; hold = hold.below)
    if (hold.primitive.index === primitive.index) return hold;
  return undefined;
}

// A worker's 'exit' runs on a normal end, `process.exit()` and an uncaught exception (not on
// `worker.terminate()`, which stops JavaScript at once: docs/threads.md).
if (!isMainThread) {
  process.on('exit', () => {
    const holds = threadHolds();
    top = undefined;
    ordering = undefined;
    for (const hold of holds) hold.primitive.ownerExited(hold);
  });
}

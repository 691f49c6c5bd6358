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

/** This thread's holds, oldest first. */
export const threadHolds: ThreadHold[] = [];

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

/** What orders the acquisition being made: the thread's ordering holds, then the task's. */
export function orderingHolds(): readonly ThreadHold[] {
  const task = asyncHoldsUsed ? asyncHolds.getStore() : undefined;
  let ordering = threadHolds;
  for (const hold of threadHolds) {
    if (!hold.orders) {
      ordering = threadHolds.filter((candidate) => candidate.orders);
      break;
    }
  }
  return task === undefined ? ordering : [...ordering, ...task];
}

export function addHold(hold: ThreadHold): void {
  threadHolds.push(hold);
}

export function removeHold(hold: ThreadHold): void {
  // Holds end in reverse order almost always.
  if (threadHolds.at(-1) === hold) {
    threadHolds.pop();
    return;
  }
  const index = threadHolds.lastIndexOf(hold);
  if (index !== -1) threadHolds.splice(index, 1);
}

/** This thread's outermost hold of `primitive`, if it has one. */
export function holdOf(primitive: HeldPrimitive): ThreadHold | undefined {
  for (let index = threadHolds.length - 1; index >= 0; index--) {
    // By block, not by object: each `X.from(handle)` in a thread is a new object for the same lock.
    if (threadHolds[index]!.primitive.index === primitive.index) return threadHolds[index];
  }
  return undefined;
}

// A worker's 'exit' runs on a normal end, `process.exit()` and an uncaught exception (not on
// `worker.terminate()`, which stops JavaScript at once: docs/threads.md).
if (!isMainThread) {
  process.on('exit', () => {
    for (const hold of threadHolds.splice(0)) hold.primitive.ownerExited(hold);
  });
}

/**
 * What the lock-like primitives (Lock/RLock through ExclusiveLock, Semaphore) share around one
 * acquisition: the error of a queued acquire that timed out, telling the probe that a waiter
 * waits, and running a `withLock` callback in a frame that holds the lock.
 */
import type { LockNode } from '@interlock/core';
import { AcquireTimeoutError } from '../errors.ts';
import { HoldGuard, type Guard } from '../guard.ts';
import { probe } from './probe.ts';
import { frameClaiming, frameHas, holdsOf, taskContext } from './task-context.ts';
import type { Waiter, WaiterQueue } from './waiter-queue.ts';

/** The timeout policy of a queued acquire of `lock`. */
export function acquireTimeout<T>(lock: LockNode): (waiter: Waiter<T>) => void {
  return (waiter) => {
    waiter.reject(
      new AcquireTimeoutError(
        `Timed out after ${waiter.timeout} ms waiting for ${lock.kind} ${lock.name}`,
        waiter.timeout,
      ),
    );
  };
}

/**
 * Tell the probe (if any) that `waiter` waits for `lock`, and let it fail the waiter to break a
 * deadlock. A waiter that already settled (zero timeout) never waited, so nothing is reported.
 */
export function watchWaiter<T>(waiters: WaiterQueue<T>, waiter: Waiter<T>, lock: LockNode): void {
  const current = probe;
  if (current === undefined || waiter.settled) return;
  const ticket = current.waitStart(
    holdsOf(waiter.frame),
    lock,
    (error) => {
      waiters.fail(waiter, error);
    },
    waiter.site,
  );
  waiter.onEnd = () => current.waitEnd(ticket);
}

/**
 * The body of every `withLock`: wait for `acquiring`, run `fn` in a frame that holds the new hold
 * (so an RLock can be re-entered inside and the detector orders nested locks after it), and
 * release however `fn` ends. A hold the frame has already (bound by instrumentation) leaves the
 * frame as it is; an RLock re-entry level is owned by the frame `fn` runs in. A `Lock` or
 * `Semaphore` run while the detector is off enters no frame (nothing would read it); its hold is
 * then anonymous to a detector enabled during `fn`.
 * Its name is core's `HOLD_SCOPE_RUNNER`: the detector finds this frame in the async stack of a
 * request made by `fn` or by work `fn` awaits, and so knows the request acts for this hold.
 */
export async function runHolding<T>(
  acquiring: Promise<Guard>,
  fn: () => T | PromiseLike<T>,
): Promise<T> {
  const guard = (await acquiring) as HoldGuard;
  try {
    const hold = HoldGuard.holdOf(guard);
    // Frames have two readers, RLock ownership and the detector: without either, no context switch.
    if (probe === undefined && !hold.lock.reentrant) return await fn();
    const frame = taskContext.getStore();
    if (frameHas(frame, hold)) return await fn();
    // For the detector: this frame (HOLD_SCOPE_RUNNER in core) stands for the holder, `fn`.
    hold.scoped = true;
    // Entered for the rest of this function's own continuation (we are past its first `await`, so
    // it reaches `fn` and what `fn` starts, never our caller), and never left: this continuation
    // only releases and returns. `run` would enter a second frame to restore the caller's, and
    // that one copies a non-empty frame, the dearer kind (issue 3, item 9; docs/design.md).
    taskContext.enterWith(frameClaiming(frame, hold));
    return await fn();
  } finally {
    guard.release();
  }
}

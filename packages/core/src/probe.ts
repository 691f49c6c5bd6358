/**
 * The seam between lock implementations and the detector: one typed interface, implemented by
 * {@link Detector} itself, that every lock calls around every acquisition (go-deadlock's single
 * funnel). A lock passes its {@link LockNode} and its own hold records (anything shaped as a {@link
 * Hold}); the detector decides everything else. Call order for one acquisition:
 *
 * 1. `beforeAcquire(held, lock, reentry, blocking)` before it queues or takes anything; it may
 *    throw `LockOrderError` (then take and queue nothing). Returns an opaque {@link AcquireSite}.
 * 2. If it must wait: `ticket = waitStart(held, lock, reject, site)`, and `waitEnd(ticket)` when
 *    the wait ends in any way. The detector may call `reject` once, never synchronously, with a
 *    `DeadlockError`: fail that waiter as if aborted (it takes nothing).
 * 3. `holdAcquired(hold, site)` when the hold exists; `holdReleased(hold)` when it ends.
 */
import type { WaitTicket } from './blocked-waits.ts';
import type { DeadlockError } from './errors.ts';
import type { Hold, LockNode } from './lock-node.ts';
import type { Site } from './report.ts';
import type { SiteCapture } from './sites.ts';

/**
 * What {@link LockProbe.beforeAcquire} returns: where the acquisition was requested, when the
 * detector captured it. Opaque to lock implementations: carry it with the waiter and hand it back
 * to `waitStart` and `holdAcquired` of the same acquisition, even when another task's release
 * grants it.
 */
export type AcquireSite = SiteCapture | undefined;

export interface LockProbe {
  /**
   * Where the lock whose constructor calls this was created, as the detector's frame filters see
   * it: pass it as `LockInfo.site`. Called only while a probe is installed (locks built before
   * have no creation site); one stack capture.
   */
  creationSite(): Site | undefined;
  /**
   * Before an acquisition queues or blocks (also before an uncontended one succeeds), in the
   * acquiring task's own synchronous stack. `held`: the task's holds, oldest first. `reentry`: an
   * owner re-taking its re-entrant lock (no edge, no wait). `blocking: false` for a try-acquire or
   * a zero timeout, which cannot wait: nothing is ordered before it and it never throws.
   * @throws {LockOrderError} `onCycle: 'throw'` and the acquisition would close a cycle; nothing
   *   was recorded.
   */
  beforeAcquire(
    held: readonly Hold[],
    lock: LockNode,
    reentry: boolean,
    blocking?: boolean,
  ): AcquireSite;
  /**
   * The acquisition is about to wait. The detector may reject it (in a microtask or later, never
   * from inside this call) with a `DeadlockError`: the lock must then fail the waiter as if
   * aborted; once the waiter was granted, `reject` must do nothing.
   */
  waitStart(
    held: readonly Hold[],
    lock: LockNode,
    reject: (error: DeadlockError) => void,
    site?: AcquireSite,
  ): WaitTicket;
  /** The wait ended (granted, timed out, aborted or rejected). Idempotent. */
  waitEnd(ticket: WaitTicket): void;
  /** `hold` (of `hold.lock`) exists now. Once per hold record, not per re-entry. */
  holdAcquired(hold: Hold, site?: AcquireSite): void;
  /** `hold` ended (released, or suspended by a Condition wait). Idempotent. */
  holdReleased(hold: Hold): void;
}

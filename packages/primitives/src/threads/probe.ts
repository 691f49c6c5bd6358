/**
 * The seam between thread primitives and the thread detector: the same three moments as the
 * event-loop primitives' probe (before acquiring, waiting, acquired/released), with this
 * thread's holds in place of a task frame. Absent (`undefined`) while detection is off.
 */
import type { HeldPrimitive, ThreadHold } from './holds.ts';

export interface ThreadProbe {
  /**
   * Before an acquisition (blocking or not) with this thread's holds. May throw LockOrderError or
   * DeadlockError — only when `blocking` — and the acquisition then fails with nothing taken.
   * Returns a token handed back to `acquired` (the captured site).
   */
  beforeAcquire(primitive: HeldPrimitive, held: readonly ThreadHold[], reentry: boolean, blocking: boolean): unknown;
  /**
   * The acquisition must wait. May throw DeadlockError when this wait closes a wait-for cycle
   * across threads (the waiter is then not queued). Returns the callback that ends the wait.
   */
  waiting(primitive: HeldPrimitive, held: readonly ThreadHold[], token: unknown): () => void;
  /** A hold exists (after `beforeAcquire` returned `token`). */
  acquired(hold: ThreadHold, token: unknown): void;
  /** A hold ended. */
  released(hold: ThreadHold): void;
  /** Where a hold was taken, for reports of a thread that died holding it. */
  siteOf(hold: ThreadHold): string | undefined;
}

export let threadProbe: ThreadProbe | undefined;

export function setThreadProbe(next: ThreadProbe | undefined): void {
  threadProbe = next;
}

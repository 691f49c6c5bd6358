/**
 * The seam between thread primitives and the thread detector: the same three moments as the
 * event-loop primitives' probe (before acquiring, waiting, acquired/released), with this
 * thread's holds in place of a task frame. Absent (`undefined`) while detection is off.
 */
import type { HeldPrimitive, ThreadHold } from './holds.ts';
import { domainHeader, type SharedDomain } from './shared-memory.ts';

export interface ThreadProbe {
  /**
   * Before an acquisition (blocking or not) with this thread's holds. May throw LockOrderError or
   * DeadlockError — only when `blocking` — and the acquisition then fails with nothing taken.
   * Returns a token handed back to `acquired` (the captured site).
   */
  beforeAcquire(
    primitive: HeldPrimitive,
    held: readonly ThreadHold[],
    reentry: boolean,
    blocking: boolean,
  ): unknown;
  /**
   * The acquisition must wait. May throw DeadlockError when this wait closes a wait-for cycle
   * across threads (the waiter is then not queued). Returns the callback that ends the wait.
   */
  waiting(primitive: HeldPrimitive, held: readonly ThreadHold[], token: unknown): () => void;
  /**
   * True when acquiring `primitive` while the thread's only ordering hold is `hold` adds nothing
   * to the graph (the edge is known): `beforeAcquire` would return no token and do nothing.
   */
  knownAfter(primitive: HeldPrimitive, hold: ThreadHold): boolean;
  /** A hold exists (after `beforeAcquire` returned `token`). */
  acquired(hold: ThreadHold, token: unknown): void;
  /** A hold ended. */
  released(hold: ThreadHold): void;
  /** Where a hold was taken, for reports of a thread that died holding it. */
  // (also used by the detector's own reports)
  siteOf(hold: ThreadHold): string | undefined;
}

let threadProbe: ThreadProbe | undefined;
/** The detector settings epoch this thread last followed. */
let epochSeen = 0;
/** Set by the detector module: installs or removes this thread's probe per domain settings. */
let follow: ((domain: SharedDomain) => ThreadProbe | undefined) | undefined;

export function setFollower(next: (domain: SharedDomain) => ThreadProbe | undefined): void {
  follow = next;
}

/**
 * The probe of this thread, after following any change of the domain's detector settings made in
 * another thread. One plain read when nothing changed: an `Atomics.load` costs as much as the
 * whole uncontended lock (~10 ns), and the epoch needs no ordering of its own — the thread reads
 * it right next to the lock's own CAS (a full barrier), and a thread that learns of an enable
 * through any synchronised channel (a message, an Event, a lock) sees the new epoch.
 */
export function probeFor(domain: SharedDomain): ThreadProbe | undefined {
  const epoch = domain.header[domainHeader.detectorEpoch]!;
  if (epoch !== epochSeen) {
    epochSeen = epoch;
    threadProbe = follow?.(domain);
  }
  return threadProbe;
}

/** The probe as last followed (for releases, which must match the acquisition's probe). */
export function installedProbe(): ThreadProbe | undefined {
  return threadProbe;
}

/**
 * Blocked acquisitions and the wait-for graph over them: each new waiter is checked as it starts
 * waiting, and the one that closes a deadlock is rejected. Also the `holdTimeout` watchdog of
 * each wait. The lock-order side (holder sites) is the detector's, reached through a context.
 */
import { DeadlockError } from './errors.ts';
import { buildCycle, type PendingEdge } from './findings.ts';
import type { LockNode } from './lock-node.ts';
import type { Cycle } from './report.ts';
import type { SiteCapture } from './sites.ts';
import { WaitForGraph } from './wait-for.ts';
import { unrefTimer } from './watchdog.ts';

/** A blocked acquisition. Opaque to primitives: hand it back to `Detector.waitEnd`. */
export interface WaitTicket {
  readonly lock: LockNode;
}

interface Waiter<H extends object> extends WaitTicket {
  readonly lock: LockNode<H>;
  /** The waiting task's live holds. */
  readonly held: readonly H[];
  /** Where it requested the lock, when captured. */
  readonly site: SiteCapture | undefined;
  /** Pending `holdTimeout` timer of the wait. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** In the graph: not yet ended, and not the rejected closer of a deadlock. */
  active: boolean;
}

/** What the wait side needs from the rest of the detector. */
export interface BlockedWaitsContext<H extends object> {
  /** Where `hold` (one of `held`) was taken, as reports should name it. */
  holdSite(node: LockNode<H>, hold: H, held: readonly H[]): SiteCapture | undefined;
  /** Records a broken deadlock (`nodes`: the locks it names). */
  addDeadlock(cycle: Cycle, nodes: readonly LockNode[]): void;
  /** A wait outlasted `limit` ms. */
  longWait(node: LockNode<H>, site: SiteCapture | undefined, limit: number): void;
}

/** The blocked waiters of one detector. Costs nothing while nobody blocks. */
export class BlockedWaits<H extends object> {
  /** Active waiters only. */
  readonly #graph = new WaitForGraph<LockNode<H>, H, Waiter<H>>((lock) => lock.holds);
  readonly #context: BlockedWaitsContext<H>;

  constructor(context: BlockedWaitsContext<H>) {
    this.#context = context;
  }

  /** Number of blocked waiters. */
  get size(): number {
    return this.#graph.size;
  }

  /**
   * `held` (live holds only) starts waiting for `node`. When it closes a wait-for cycle it is not
   * registered, the deadlock is recorded, and `reject` receives a `DeadlockError` in a microtask
   * (never synchronously: the primitive has not even got its ticket yet). With `holdTimeout`
   * (`limit` > 0), a timer reports the wait if it lasts longer.
   */
  start(held: readonly H[], node: LockNode<H>, reject: (error: DeadlockError) => void, site: SiteCapture | undefined, limit: number): WaitTicket {
    const waiter: Waiter<H> = { lock: node, held, site, timer: undefined, active: true };
    this.#graph.add(waiter);
    const steps = this.#graph.deadlockThrough(waiter);
    if (steps !== undefined) {
      this.#graph.remove(waiter);
      waiter.active = false;
      const pending: PendingEdge[] = [];
      let previous: Waiter<H> = waiter;
      for (const step of steps) {
        pending.push({
          from: previous.lock,
          to: step.waiter.lock,
          holder: this.#context.holdSite(previous.lock, step.hold, step.waiter.held),
          acquirer: step.waiter.site,
        });
        previous = step.waiter;
      }
      const cycle = buildCycle(pending);
      this.#context.addDeadlock(cycle, pending.map((edge) => edge.from));
      const error = new DeadlockError(cycle);
      queueMicrotask(() => reject(error));
      return waiter;
    }
    if (limit > 0) {
      waiter.timer = unrefTimer(() => {
        waiter.timer = undefined;
        this.#context.longWait(node, site, limit);
      }, limit);
    }
    return waiter;
  }

  /** The wait ended (granted, timed out, aborted or rejected). Idempotent. */
  end(ticket: WaitTicket): void {
    const waiter = ticket as Waiter<H>;
    if (!waiter.active) return;
    waiter.active = false;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    this.#graph.remove(waiter);
  }
}

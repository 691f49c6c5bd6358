/**
 * Blocked acquisitions and the wait-for graph over them: each new waiter is checked as it starts
 * waiting, and the one that closes a deadlock is rejected. Also the `holdTimeout` watchdog of
 * each wait. The lock-order side (holder sites) is the detector's, reached through a context.
 */
import { DeadlockError } from './errors.ts';
import { buildCycle, type PendingEdge } from './findings.ts';
import type { Hold, LockNode } from './lock-node.ts';
import type { Cycle } from './report.ts';
import type { SiteCapture } from './sites.ts';
import { WaitForGraph, type DeadlockStep } from './wait-for.ts';
import { unrefTimer } from './watchdog.ts';

/**
 * A blocked acquisition. Opaque to lock implementations: keep it and hand it back to
 * `waitEnd`. The fields are the wait-for graph's.
 */
export class WaitTicket {
  /** The lock waited on. */
  readonly lock: LockNode;
  /** The waiting task's live holds. */
  readonly held: readonly Hold[];
  /** Where it requested the lock, when captured. */
  readonly site: SiteCapture | undefined;
  /** Pending `holdTimeout` timer of the wait. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Pending re-check of a deadlock this waiter closed (`deadlockGrace`). */
  verdict: ReturnType<typeof setTimeout> | undefined = undefined;
  /** In the graph: not yet ended, and not the rejected closer of a deadlock. */
  active = true;

  constructor(lock: LockNode, held: readonly Hold[], site: SiteCapture | undefined) {
    this.lock = lock;
    this.held = held;
    this.site = site;
  }
}

/** What the wait side needs from the rest of the detector. */
export interface BlockedWaitsContext {
  /** Where `hold` (one of `held`) was taken, as reports should name it. */
  holdSite(node: LockNode, hold: Hold, held: readonly Hold[]): SiteCapture | undefined;
  /** Records a broken deadlock (`nodes`: the locks it names). */
  addDeadlock(cycle: Cycle, nodes: readonly LockNode[]): void;
  /** A wait outlasted `limit` ms. */
  longWait(node: LockNode, site: SiteCapture | undefined, limit: number): void;
}

/** The blocked waiters of one detector. Costs nothing while nobody blocks. */
export class BlockedWaits {
  /** Active waiters only. */
  readonly #graph = new WaitForGraph<LockNode, Hold, WaitTicket>((lock) => lock.holds);
  readonly #context: BlockedWaitsContext;

  constructor(context: BlockedWaitsContext) {
    this.#context = context;
  }

  /** Number of blocked waiters. */
  get size(): number {
    return this.#graph.size;
  }

  /**
   * `held` (live holds only) starts waiting for `node`. When it closes a wait-for cycle, the
   * verdict waits `grace` ms: the holds that make the cycle may be inherited from a task that is
   * still running (work started inside a critical section and not awaited), which will release
   * them. If the same waiter is still stuck then, it leaves the graph, the deadlock is recorded,
   * and `reject` receives a `DeadlockError`. With `grace` 0 that happens at once, in a microtask
   * (never synchronously: the primitive has not even got its ticket yet). With `holdTimeout`
   * (`limit` > 0), a timer reports the wait if it lasts longer.
   */
  start(
    held: readonly Hold[],
    node: LockNode,
    reject: (error: DeadlockError) => void,
    site: SiteCapture | undefined,
    limit: number,
    grace: number,
  ): WaitTicket {
    const waiter = new WaitTicket(node, held, site);
    this.#graph.add(waiter);
    const steps = this.#graph.deadlockThrough(waiter);
    if (steps !== undefined && grace === 0) {
      const error = this.#break(waiter, steps);
      queueMicrotask(() => reject(error));
      return waiter;
    }
    if (steps !== undefined) {
      // Not unref'd: a program whose only pending work is this deadlock gets its DeadlockError
      // instead of exiting with the promise unsettled.
      waiter.verdict = setTimeout(() => {
        waiter.verdict = undefined;
        if (!waiter.active) return;
        const still = this.#graph.deadlockThrough(waiter);
        if (still !== undefined) reject(this.#break(waiter, still));
      }, grace);
    }
    if (limit > 0) {
      waiter.timer = unrefTimer(() => {
        waiter.timer = undefined;
        this.#context.longWait(node, site, limit);
      }, limit);
    }
    return waiter;
  }

  /** Takes `waiter` out of the graph and records the deadlock `steps` describe. */
  #break(waiter: WaitTicket, steps: readonly DeadlockStep<WaitTicket, Hold>[]): DeadlockError {
    this.end(waiter);
    const pending: PendingEdge[] = [];
    let previous: WaitTicket = waiter;
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
    this.#context.addDeadlock(
      cycle,
      pending.map((edge) => edge.from),
    );
    return new DeadlockError(cycle);
  }

  /** The wait ended (granted, timed out, aborted or rejected). Idempotent. */
  end(waiter: WaitTicket): void {
    if (!waiter.active) return;
    waiter.active = false;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.verdict !== undefined) clearTimeout(waiter.verdict);
    this.#graph.remove(waiter);
  }
}

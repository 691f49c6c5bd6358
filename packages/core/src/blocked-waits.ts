/**
 * Blocked acquisitions and the wait-for graph over them: each new waiter is checked as it starts
 * waiting, and the one that closes a deadlock is rejected. Also the `holdTimeout` watchdog of
 * each wait. The lock-order side (holder sites) is the detector's, reached through a context.
 */
import { DeadlockError } from './errors.ts';
import { buildCycle, type PendingEdge } from './findings.ts';
import type { Hold, LockNode } from './lock-node.ts';
import type { Cycle } from './report.ts';
import { actsForHolder, scopeDepth, type Evidence, type SiteCapture } from './sites.ts';
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
  /** Pending report of a doubtful deadlock this waiter closed (`deadlockGrace`). */
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
  /** Records a broken or doubtful deadlock (`nodes`: the locks it names); `false` if known. */
  addDeadlock(cycle: Cycle, nodes: readonly LockNode[]): boolean;
  /** Reports a doubtful deadlock that lasted the grace period (it is not broken). */
  doubtfulDeadlock(error: DeadlockError): void;
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
   * verdict depends on whether every waiter of the cycle is known to act for the task that took
   * the hold it holds there (`actsForHolder`: it is that task, or work that task awaits). Then the
   * deadlock is certain: the waiter leaves the graph, the deadlock is recorded and `reject`
   * receives a `DeadlockError` at once (in a microtask: never synchronously, the primitive has
   * not even got its ticket yet). Otherwise some hold may only be inherited by work its holder
   * does not await, and the holder — still running — will release it: the wait is never broken.
   * If it is still stuck after `grace` ms it is recorded as a doubtful deadlock and reported once.
   * `judge: false` (no stacks, so no evidence) takes every deadlock as certain. With
   * `holdTimeout` (`limit` > 0), a timer reports the wait if it lasts longer.
   */
  start(
    held: readonly Hold[],
    node: LockNode,
    reject: (error: DeadlockError) => void,
    site: SiteCapture | undefined,
    options: { readonly limit: number; readonly grace: number; readonly judge: boolean },
  ): WaitTicket {
    const waiter = new WaitTicket(node, held, site);
    this.#graph.add(waiter);
    const steps = this.#graph.deadlockThrough(waiter);
    const evidence =
      steps === undefined ? undefined : options.judge ? this.#evidence(waiter, steps) : 'certain';
    if (steps !== undefined && evidence === 'certain') {
      const error = this.#break(waiter, steps);
      queueMicrotask(() => reject(error));
      return waiter;
    }
    if (steps !== undefined) {
      // Not unref'd: a program whose only pending work is this wait gets its verdict (or the
      // report) before it exits with the promise unsettled.
      waiter.verdict = setTimeout(() => {
        waiter.verdict = undefined;
        if (!waiter.active) return;
        const still = this.#graph.deadlockThrough(waiter);
        if (still === undefined) return;
        if (evidence === 'called') {
          reject(this.#break(waiter, still));
          return;
        }
        const { cycle, nodes } = this.#cycle(waiter, still, true);
        if (this.#context.addDeadlock(cycle, nodes))
          this.#context.doubtfulDeadlock(new DeadlockError(cycle));
      }, options.grace);
    }
    if (options.limit > 0) {
      const limit = options.limit;
      waiter.timer = unrefTimer(() => {
        waiter.timer = undefined;
        this.#context.longWait(node, site, limit);
      }, limit);
    }
    return waiter;
  }

  /** The weakest evidence that a waiter of the cycle acts for the holder of its hold there. */
  #evidence(waiter: WaitTicket, steps: readonly DeadlockStep<WaitTicket, Hold>[]): Evidence {
    let weakest: Evidence = 'certain';
    let previous: WaitTicket = waiter;
    for (const step of steps) {
      const holder = this.#context.holdSite(previous.lock, step.hold, step.waiter.held);
      const evidence = actsForHolder(
        step.waiter.site,
        holder,
        scopeDepth(step.waiter.held, step.hold),
      );
      if (evidence === 'doubtful') return evidence;
      if (evidence === 'called') weakest = evidence;
      previous = step.waiter;
    }
    return weakest;
  }

  /** The report form of the cycle `steps` describe, closed by `waiter`. */
  #cycle(
    waiter: WaitTicket,
    steps: readonly DeadlockStep<WaitTicket, Hold>[],
    doubtful: boolean,
  ): { cycle: Cycle; nodes: LockNode[] } {
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
    return { cycle: buildCycle(pending, doubtful), nodes: pending.map((edge) => edge.from) };
  }

  /** Takes `waiter` out of the graph and records the deadlock `steps` describe. */
  #break(waiter: WaitTicket, steps: readonly DeadlockStep<WaitTicket, Hold>[]): DeadlockError {
    this.end(waiter);
    const { cycle, nodes } = this.#cycle(waiter, steps, false);
    this.#context.addDeadlock(cycle, nodes);
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

/**
 * The wait-for graph: which blocked waiters wait for which. Only blocked waiters are stored, so it
 * costs nothing while nobody blocks.
 *
 * Tasks are not objects here. A blocked waiter W holds a set of holds H_W (its task's live holds,
 * inherited ones included) and waits on a lock L whose live holds are R_L. Waiting on L ends when
 * any one hold in R_L is released (a counting semaphore has several), so W is *stuck* when every
 * hold in R_L belongs to some stuck waiter: the stuck waiters are the greatest set closed under
 * that rule (deadlock in the OR model). For an exclusive lock R_L has one hold and this is the
 * plain cycle rule: W waits for W' when W' is blocked and H_W' ∩ R_L ≠ ∅.
 *
 * A deadlock can only appear when a waiter starts waiting (holds are released only by running
 * tasks, and a release hands the lock to a waiter, which stops being blocked), so it is enough
 * to check the new waiter, and the new waiter is the one that closed the cycle.
 */

/** A blocked waiter, as the wait-for graph needs it. */
export interface Waiter<L, H> {
  /** The lock waited on. */
  readonly lock: L;
  /** The waiter's live holds (H_W). */
  readonly held: readonly H[];
}

/**
 * One step of a deadlock: `waiter` holds `hold`, a hold of the lock the previous waiter waits on.
 */
export interface DeadlockStep<W, H> {
  readonly waiter: W;
  readonly hold: H;
}

/**
 * Blocked waiters indexed by the holds they hold.
 *
 * Costs: `add`/`remove` are O(|H_W|). `deadlockThrough` is O(1) when some hold the waiter needs
 * belongs to a running task (the usual contended case), otherwise linear in the blocked waiters
 * reachable from it.
 */
export class WaitForGraph<L, H, W extends Waiter<L, H>> {
  /**
   * For every hold held by at least one blocked waiter: those waiters. Never holds an empty set.
   */
  readonly #byHold = new Map<H, Set<W>>();
  /** R_L for a lock. */
  readonly #holdsOf: (lock: L) => Iterable<H>;
  #size = 0;

  constructor(holdsOf: (lock: L) => Iterable<H>) {
    this.#holdsOf = holdsOf;
  }

  /** Number of blocked waiters. */
  get size(): number {
    return this.#size;
  }

  add(waiter: W): void {
    for (const hold of waiter.held) {
      let waiters = this.#byHold.get(hold);
      if (waiters === undefined) this.#byHold.set(hold, (waiters = new Set()));
      waiters.add(waiter);
    }
    this.#size++;
  }

  remove(waiter: W): void {
    for (const hold of waiter.held) {
      const waiters = this.#byHold.get(hold);
      if (waiters === undefined) continue;
      waiters.delete(waiter);
      if (waiters.size === 0) this.#byHold.delete(hold);
    }
    this.#size--;
  }

  clear(): void {
    this.#byHold.clear();
    this.#size = 0;
  }

  /**
   * If `start` (already added) is stuck, the wait-for cycle through it: steps
   * `[W1 holding h0, W2 holding h1, …, start holding h(k-1)]` where each `h(i)` is a hold of the
   * lock `W(i)` waits on (`W0` = `start`). `undefined` when `start` can still be granted.
   */
  deadlockThrough(start: W): DeadlockStep<W, H>[] | undefined {
    const stuck = this.#stuckFrom(start);
    if (stuck === undefined) return undefined;
    // Shortest path from `start` back to itself through stuck waiters.
    const via = new Map<W, DeadlockStep<W, H> & { readonly from: W }>();
    const queue: W[] = [start];
    for (let index = 0; index < queue.length; index++) {
      const waiter = queue[index]!;
      for (const hold of this.#holdsOf(waiter.lock)) {
        for (const next of this.#byHold.get(hold) ?? []) {
          if (!stuck.has(next) || via.has(next)) continue;
          via.set(next, { waiter: next, hold, from: waiter });
          if (next === start) return this.#unwind(via, start);
          queue.push(next);
        }
      }
    }
    return undefined;
  }

  /** The stuck waiters reachable from `start`, or `undefined` when `start` is not among them. */
  #stuckFrom(start: W): Set<W> | undefined {
    const reachable = new Set<W>([start]);
    const queue: W[] = [start];
    for (let index = 0; index < queue.length; index++) {
      const waiter = queue[index]!;
      let empty = true;
      for (const hold of this.#holdsOf(waiter.lock)) {
        empty = false;
        const holders = this.#byHold.get(hold);
        // A hold no blocked waiter holds belongs to a running task: `start` may still be granted.
        if (holders === undefined && waiter === start) return undefined;
        for (const next of holders ?? []) {
          if (!reachable.has(next)) {
            reachable.add(next);
            queue.push(next);
          }
        }
      }
      if (empty && waiter === start) return undefined;
    }
    // Greatest fixed point: drop waiters with a needed hold that no remaining waiter holds.
    let changed = true;
    while (changed) {
      changed = false;
      for (const waiter of reachable) {
        if (!this.#isStuckWithin(waiter, reachable)) {
          reachable.delete(waiter);
          changed = true;
        }
      }
      if (!reachable.has(start)) return undefined;
    }
    return reachable;
  }

  #isStuckWithin(waiter: W, candidates: ReadonlySet<W>): boolean {
    let any = false;
    for (const hold of this.#holdsOf(waiter.lock)) {
      any = true;
      let held = false;
      for (const holder of this.#byHold.get(hold) ?? []) {
        if (candidates.has(holder)) {
          held = true;
          break;
        }
      }
      if (!held) return false;
    }
    return any;
  }

  #unwind(via: Map<W, DeadlockStep<W, H> & { readonly from: W }>, start: W): DeadlockStep<W, H>[] {
    const steps: DeadlockStep<W, H>[] = [];
    let step = via.get(start)!;
    for (;;) {
      steps.push({ waiter: step.waiter, hold: step.hold });
      if (step.from === start) break;
      step = via.get(step.from)!;
    }
    return steps.reverse();
  }
}

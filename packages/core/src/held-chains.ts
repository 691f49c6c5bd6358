/**
 * Which edges an acquisition must add so that every lock its task holds is ordered before the lock
 * it asks for, in O(1) amortised per acquisition whatever the nesting depth.
 *
 * The old rule added an edge from every held lock: a task holding d locks at once recorded d²
 * edges. Lockdep's rule is an edge from the most recent lock only: the earlier ones already reach
 * it through the edges recorded when the later ones were taken. That holds only when those edges
 * are really in the graph, which a try-acquire (no edge), a hold taken before the detector was
 * enabled, a refused edge (`'warn'`/`'record'`), a Condition's suspended hold or a release out of
 * order can each break. So the held array is walked from its end: an edge goes from the last live
 * hold, and also from each earlier live hold that is not *linked* — the graph has no edge from it
 * to the hold after it — or whose successor does not reach the target. The walk stops at a hold
 * whose prefix was found linked before (remembered per hold with the hold before it and an epoch),
 * so a task nesting d locks walks one step per acquisition.
 *
 * Links are checked between neighbours in the array whether they are live or not (a released or
 * suspended hold's edges stay in the graph), so a hold that comes back to life (a Condition's
 * re-acquire) is still covered. What can remove edges — a lock forgotten after GC, `reset()` —
 * calls {@link HeldChains.invalidate}.
 */
import type { Hold, LockNode } from './lock-node.ts';

/** A hold whose whole prefix reaches it in the graph, as found in some walk. */
interface LinkedPrefix {
  /** The epoch of the walk that found it; older epochs prove nothing. */
  readonly epoch: number;
  /** The hold just before it when it was found: the array must still have that one there. */
  readonly previous: Hold;
}

/** One step of a walk, kept to remember linked prefixes once the walk is over. */
interface Step {
  hold: Hold;
  previous: Hold;
  linked: boolean;
}

export class HeldChains {
  /** Bumped whenever edges may have gone; every remembered prefix from before is void. */
  #epoch = 0;
  readonly #linked = new WeakMap<Hold, LinkedPrefix>();
  /** Reused by every walk (walks are synchronous and never nest). */
  readonly #steps: Step[] = [];

  /** Forget every linked prefix (edges were removed). */
  invalidate(): void {
    this.#epoch++;
  }

  /**
   * Whether the walk of {@link order} would stop right after the hold at `index` (the task's most
   * recent live hold) once that hold reaches the target: no earlier hold is left (forgotten ones
   * do not count), or the prefix below it was found linked, in this epoch, with the same hold just
   * before it. Then ordering the acquisition needs the edge from that hold only: the detector's
   * known-edge fast path asks this first and walks nothing. O(1), allocates nothing.
   */
  linkedBelow(held: readonly Hold[], index: number): boolean {
    let before = index - 1;
    while (before >= 0 && held[before]!.lock.forgotten) before--;
    if (before < 0) return true;
    const known = this.#linked.get(held[index]!);
    return known !== undefined && known.epoch === this.#epoch && known.previous === held[before];
  }

  /**
   * Calls `addEdge(hold)` for each hold that must be ordered explicitly before the target, most
   * recent first. `addEdge` returns whether the graph has that edge afterwards (`false`: refused
   * and remembered) and may throw to refuse the whole acquisition. `linked(a, b)`: the graph has
   * the edge `a → b`.
   */
  order(
    held: readonly Hold[],
    addEdge: (hold: Hold) => boolean,
    linked: (from: LockNode, to: LockNode) => boolean,
  ): void {
    let index = held.length - 1;
    while (index >= 0 && (!held[index]!.live || held[index]!.lock.forgotten)) index--;
    if (index < 0) return;
    const steps = this.#steps;
    steps.length = 0;
    let hold = held[index]!;
    // Whether `hold` reaches the target in the graph.
    let reaches = addEdge(hold);
    let complete = true; // the walk reached the first hold, or a prefix known to be linked
    for (;;) {
      let before = index - 1;
      while (before >= 0 && held[before]!.lock.forgotten) before--;
      if (before < 0) break;
      const previous = held[before]!;
      const known = this.#linked.get(hold);
      if (
        reaches &&
        known !== undefined &&
        known.epoch === this.#epoch &&
        known.previous === previous
      )
        break;
      const isLinked = previous.lock === hold.lock || linked(previous.lock, hold.lock);
      steps.push({ hold, previous, linked: isLinked });
      let previousReaches = isLinked && reaches;
      if (!previousReaches && previous.live) previousReaches = addEdge(previous);
      hold = previous;
      index = before;
      reaches = previousReaches;
    }
    // Remember, from the bottom up, the holds whose whole prefix is linked.
    for (let step = steps.length - 1; step >= 0; step--) {
      const { hold: linkedHold, previous, linked: isLinked } = steps[step]!;
      complete &&= isLinked;
      if (!complete) break;
      this.#linked.set(linkedHold, { epoch: this.#epoch, previous });
    }
    steps.length = 0;
  }
}

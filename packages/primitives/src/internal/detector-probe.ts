/**
 * The probe that connects the primitives to `@interlock/core`'s engine: it turns the seam's
 * `ProbedLock` / `Frame` / `Hold` into the engine's `LockNode` / held-hold arrays, and drops
 * garbage-collected locks from the live graph. Nothing here decides anything: every verdict is
 * the engine's. Every acquisition and release passes through here while the detector is on, so
 * each hook does one slot read and one engine call, and allocates nothing on the known-edge path.
 */
import { Detector, SiteCapture, type LockNode, type ResolvedOptions } from '@interlock/core';
import type { LockProbe, ProbedLock } from './probe.ts';
import type { Frame, Hold } from './task-context.ts';

/** The holds of a task that holds nothing: shared, never mutated. */
const noHolds: readonly Hold[] = Object.freeze([]);

function holdsOf(frame: Frame | undefined): readonly Hold[] {
  return frame === undefined ? noHolds : frame.holds;
}

function nodeOf(hold: Hold): LockNode<Hold> | undefined {
  return hold.lock.detectorSlot as LockNode<Hold> | undefined;
}

function isLive(hold: Hold): boolean {
  return hold.live;
}

/** The engine's view of a primitive: exclusive unless it says otherwise or is a semaphore. */
function isExclusive(lock: ProbedLock): boolean {
  return lock.exclusive ?? (lock.kind === 'Lock' || lock.kind === 'RLock');
}

/**
 * Whether the lock's name is the default `${kind}#${n}` (probe.ts `defaultName`): its number
 * follows creation order, so it cannot be part of an identity that other processes share.
 */
function isGeneratedName(lock: ProbedLock): boolean {
  const name = lock.name;
  return name.startsWith(`${lock.kind}#`) && /^\d+$/.test(name.slice(lock.kind.length + 1));
}

export class DetectorProbe implements LockProbe {
  /** The one engine; findings live here and outlast `disable()`. */
  readonly engine: Detector<Hold>;
  // Held values are nodes, never the locks themselves, so registering keeps no lock alive.
  readonly #collected: FinalizationRegistry<LockNode<Hold>>;

  constructor(options: ResolvedOptions) {
    this.engine = new Detector<Hold>(options, { nodeOf, isLive });
    const engine = this.engine;
    this.#collected = new FinalizationRegistry((node) => engine.forgetLock(node));
  }

  /**
   * Blocking acquisitions go to the engine's order check (which may throw). A try-acquire cannot
   * block, so nothing is ordered before it (lockdep's rule); once held, it orders what comes after
   * like any hold — but tryAcquire guards are anonymous (docs/primitives.md), so in practice only
   * its `holdTimeout` site is kept. Returns the captured site, if any (the seam's token).
   */
  beforeAcquire(lock: ProbedLock, frame: Frame | undefined, reentry: boolean, blocking: boolean): SiteCapture | undefined {
    const node = (lock.detectorSlot as LockNode<Hold> | undefined) ?? this.#register(lock);
    if (blocking) return this.engine.beforeAcquire(holdsOf(frame), node, reentry);
    const options = this.engine.options;
    return !reentry && options.stacks && options.holdTimeout > 0 ? new SiteCapture(options.frameFilters) : undefined;
  }

  waiting(lock: ProbedLock, frame: Frame | undefined, reject: (error: Error) => void, token: unknown): () => void {
    const engine = this.engine;
    const node = (lock.detectorSlot as LockNode<Hold> | undefined) ?? this.#register(lock);
    const ticket = engine.waitStart(holdsOf(frame), node, reject, token as SiteCapture | undefined);
    return () => engine.waitEnd(ticket);
  }

  acquired(lock: ProbedLock, hold: Hold, _frame: Frame | undefined, token: unknown): void {
    const node = (lock.detectorSlot as LockNode<Hold> | undefined) ?? this.#register(lock);
    this.engine.holdAcquired(node, hold, token as SiteCapture | undefined);
  }

  released(lock: ProbedLock, hold: Hold): void {
    const node = lock.detectorSlot as LockNode<Hold> | undefined;
    if (node !== undefined) this.engine.holdReleased(node, hold);
  }

  /**
   * Plain `release()` of permits whose holds no frame names: end the engine's record of that many
   * unclaimed holds of the lock (which ones does not matter: none is in a frame, so none orders
   * anything). The `Hold` itself, and any guard on it, is left alone. O(holds of the lock).
   */
  releasedAnonymous(lock: ProbedLock, count: number): void {
    const node = lock.detectorSlot as LockNode<Hold> | undefined;
    if (node === undefined) return;
    let left = count;
    for (const hold of node.holds.filter((candidate) => !candidate.claimed)) {
      if (left === 0) break;
      this.engine.holdReleased(node, hold);
      left -= 1;
    }
  }

  /**
   * First sight of a lock: give it a node. Locks built before the detector was enabled are
   * registered too, without a creation site (their key is the name alone).
   */
  #register(lock: ProbedLock): LockNode<Hold> {
    const node = this.engine.lockNode({
      name: lock.name,
      keyName: isGeneratedName(lock) ? lock.kind : lock.name,
      kind: lock.kind,
      reentrant: lock.reentrant,
      exclusive: isExclusive(lock),
      site: lock.site,
    });
    lock.detectorSlot = node;
    this.#collected.register(lock, node);
    return node;
  }
}

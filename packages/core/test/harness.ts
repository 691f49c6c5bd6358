/** A tiny stand-in for the primitives: tasks as explicit lists of holds. */
import { Detector, type HeldEntry } from '../src/detector.ts';
import type { LockNode } from '../src/lock-node.ts';
import type { DetectorOptions } from '../src/options.ts';
import type { SiteCapture } from '../src/sites.ts';

export interface Hold extends HeldEntry {
  readonly node: LockNode<HeldEntry>;
  live: boolean;
}

export class Task {
  held: Hold[] = [];
  readonly #detector: Detector;

  constructor(detector: Detector, inherited: readonly Hold[] = []) {
    this.#detector = detector;
    this.held = [...inherited];
  }

  /** An uncontended blocking acquisition: check, then hold. */
  acquire(node: LockNode<HeldEntry>, reentry = false): Hold {
    const site = this.#detector.beforeAcquire(this.held, node, reentry);
    return this.grant(node, site);
  }

  /** The hold exists now (after `beforeAcquire`, maybe after a wait). */
  grant(node: LockNode<HeldEntry>, site?: SiteCapture): Hold {
    const hold: Hold = { node, live: true };
    this.#detector.holdAcquired(node, hold, site);
    this.held = [...this.held, hold];
    return hold;
  }

  release(hold: Hold): void {
    this.#detector.holdReleased(hold.node, hold);
    this.held = this.held.filter((entry) => entry !== hold);
  }
}

export function setup(options?: DetectorOptions) {
  const detector = new Detector(options);
  const lock = (name: string, kind = 'Lock', reentrant = false, exclusive = true) =>
    detector.lockNode({ name, kind, reentrant, exclusive });
  const task = (inherited?: readonly Hold[]) => new Task(detector, inherited);
  return { detector, lock, task };
}

/** Acquires `first` then `second` in a fresh task and releases both. */
export function nest(make: () => Task, first: LockNode<HeldEntry>, second: LockNode<HeldEntry>): void {
  const t = make();
  const outer = t.acquire(first);
  const inner = t.acquire(second);
  t.release(inner);
  t.release(outer);
}

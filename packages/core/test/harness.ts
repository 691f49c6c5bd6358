/** A tiny stand-in for the primitives: tasks as explicit lists of holds. */
import type { WaitTicket } from '../src/blocked-waits.ts';
import { Detector } from '../src/detector.ts';
import { defaultFrameFilters } from '../src/sites.ts';
import { LockNode, type Hold as CoreHold } from '../src/lock-node.ts';
import type { DetectorOptions } from '../src/options.ts';
import type { SiteCapture } from '../src/sites.ts';

export interface Hold extends CoreHold {
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
  acquire(node: LockNode, reentry = false): Hold {
    const site = this.#detector.beforeAcquire(this.held, node, reentry);
    return this.grant(node, site);
  }

  /** The hold exists now (after `beforeAcquire`, maybe after a wait). */
  grant(node: LockNode, site?: SiteCapture): Hold {
    const hold: Hold = { lock: node, live: true };
    this.#detector.holdAcquired(hold, site);
    this.held = [...this.held, hold];
    return hold;
  }

  /** A blocking acquisition that must wait: check, then wait. `reject` gets a broken deadlock. */
  waitFor(node: LockNode, reject: (error: Error) => void = () => undefined): WaitTicket {
    const site = this.#detector.beforeAcquire(this.held, node, false);
    return this.#detector.waitStart(this.held, node, reject, site);
  }

  release(hold: Hold): void {
    this.#detector.holdReleased(hold);
    this.held = this.held.filter((entry) => entry !== hold);
  }
}

/**
 * Options that filter the harness's frames like a lock implementation's, so the evidence of who
 * acts for a holder (`actsForHolder`) is the calling test's: a deadlock between waits a test makes
 * itself is then certain, as it would be between a user's own acquisitions.
 */
export const harnessFiltered = {
  frameFilters: [...defaultFrameFilters, '/core/test/harness.ts'],
} as const;

/**
 * A detector for mechanics tests: deadlocks are broken at once (`deadlockGrace: 0`) unless a test
 * asks for a grace period.
 */
export function setup(options?: DetectorOptions) {
  const detector = new Detector({ deadlockGrace: 0, ...options });
  const lock = (name: string, kind = 'Lock', reentrant = false, exclusive = true) =>
    new LockNode({ name, kind, reentrant, exclusive });
  const task = (inherited?: readonly Hold[]) => new Task(detector, inherited);
  return { detector, lock, task };
}

/** Acquires `first` then `second` in a fresh task and releases both. */
export function nest(make: () => Task, first: LockNode, second: LockNode): void {
  const t = make();
  const outer = t.acquire(first);
  const inner = t.acquire(second);
  t.release(inner);
  t.release(outer);
}

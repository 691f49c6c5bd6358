/**
 * A minimal FIFO lock wired to the engine the way a primitive is (held locks passed explicitly,
 * no AsyncLocalStorage). Test-only: it shows the call order the primitives follow.
 */
import type { Detector } from '../src/detector.ts';
import { LockNode, type Hold } from '../src/lock-node.ts';

export interface MiniHold extends Hold {
  live: boolean;
  scoped?: boolean;
}

export class MiniLock {
  readonly node: LockNode;
  readonly #detector: Detector;
  /** The current hold, or undefined when free. */
  #hold: MiniHold | undefined;
  /** FIFO waiters: each is granted by `release` handing the lock over directly. */
  readonly #queue: { grant: () => void; fail: (error: Error) => void }[] = [];

  constructor(detector: Detector, name: string) {
    this.#detector = detector;
    this.node = new LockNode({
      name,
      kind: 'Lock',
      reentrant: false,
      exclusive: true,
      site: detector.creationSite(),
    });
  }

  /** Acquire while the calling task holds `held`; resolves with the new hold. */
  async acquire(held: readonly MiniHold[]): Promise<MiniHold> {
    const detector = this.#detector;
    const site = detector.beforeAcquire(held, this.node, false); // 1. may throw: nothing taken
    if (this.#hold !== undefined) {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          grant: () => {
            detector.waitEnd(ticket);
            resolve();
          },
          fail: (error: Error) => {
            this.#queue.splice(this.#queue.indexOf(entry), 1);
            detector.waitEnd(ticket);
            reject(error);
          },
        };
        this.#queue.push(entry);
        // 2. may reject (in a microtask)
        const ticket = detector.waitStart(held, this.node, entry.fail, site);
      });
    }
    const hold: MiniHold = { lock: this.node, live: true };
    this.#hold = hold;
    detector.holdAcquired(hold, site); // 3.
    return hold;
  }

  release(hold: MiniHold): void {
    hold.live = false;
    this.#detector.holdReleased(hold); // 4.
    this.#hold = undefined;
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#hold = { lock: this.node, live: true }; // reserved for the waiter until it resumes
      next.grant();
    }
  }

  /** Runs `body` holding the lock, the way the primitives' `withLock` does. */
  withLock<T>(
    held: readonly MiniHold[],
    body: (held: readonly MiniHold[]) => T | Promise<T>,
  ): Promise<T> {
    return runHolding(this, held, body);
  }
}

/**
 * Named like the primitives' runner (core's `HOLD_SCOPE_RUNNER`) and marking its hold `scoped`:
 * the detector then knows `body`, which it awaits, acts for the hold.
 */
async function runHolding<T>(
  lock: MiniLock,
  held: readonly MiniHold[],
  body: (held: readonly MiniHold[]) => T | Promise<T>,
): Promise<T> {
  const hold = await lock.acquire(held);
  hold.scoped = true;
  try {
    return await body([...held, hold]);
  } finally {
    lock.release(hold);
  }
}

/** A one-shot event: tasks await `wait()`; `set()` releases them all. */
export function event(): { wait: Promise<void>; set: () => void } {
  let set!: () => void;
  const wait = new Promise<void>((resolve) => (set = resolve));
  return { wait, set };
}

import {
  abortedBeforeStart,
  WaiterQueue,
  type WaitOptions,
  type Waiter,
} from './internal/waiter-queue.ts';

function eventTimeout(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/**
 * A flag tasks can wait for (Python's `threading.Event`): `set()` wakes every waiter, and waits
 * return at once while it stays set.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * void loadConfig().then(() => ready.set());
 * if (!(await ready.wait({ timeout: 5000 }))) throw new Error('config not loaded in 5 s');
 * ```
 */
export class Event {
  // The flag.
  #flag = false;
  // Tasks waiting for the flag; empty whenever the flag is set.
  readonly #waiters = new WaiterQueue<boolean>({ onTimeout: eventTimeout });

  /** True while the flag is set. */
  isSet(): boolean {
    return this.#flag;
  }

  /** Set the flag and wake every waiter (they resolve true even if `clear()` follows at once). */
  set(): void {
    this.#flag = true;
    let waiter = this.#waiters.first;
    while (waiter !== null) {
      this.#waiters.grant(waiter, true);
      waiter = this.#waiters.first;
    }
  }

  /** Reset the flag; later waits block until the next `set()`. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Wait until the flag is set. Resolves true when it is (at once if it already is), false when
   * `timeout` ms pass first; rejects with `signal.reason` on abort.
   *
   * @example
   * ```ts
   * const ok = await event.wait({ timeout: 100 });
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (this.#flag) return Promise.resolve(true);
    return this.#waiters.wait(options, undefined).promise;
  }
}

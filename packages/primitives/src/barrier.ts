import { BrokenBarrierError, LockStateError } from './errors.ts';
import {
  validateFunction,
  validateInteger,
  validateName,
  validateOptions,
  validateTimeout,
} from './internal/validate.ts';
import {
  abortedBeforeStart,
  WaiterQueue,
  type WaitOptions,
  type Waiter,
} from './internal/waiter-queue.ts';

/** Options of the Barrier constructor. */
export interface BarrierOptions {
  /**
   * Called once per pass by the last task to arrive, before any waiter is released. Not awaited.
   */
  action?: () => unknown;
  /**
   * Default timeout (ms) of every `wait` that does not pass its own.
   * @default Infinity
   */
  timeout?: number;
  /** What error messages call this barrier. */
  name?: string;
}

/**
 * A meeting point for a fixed number of tasks (Python's `threading.Barrier`): each `wait`
 * blocks until `parties` tasks are waiting, then all are released together and the barrier is
 * ready for the next pass. If any waiter times out or is aborted, or the action throws, the
 * barrier breaks: every current and later `wait` rejects with BrokenBarrierError until `reset()`.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * await Promise.all([0, 1, 2].map(async (i) => {
 *   await loadPart(i);
 *   await barrier.wait(); // nobody starts phase 2 before all three finished phase 1
 *   await processPart(i);
 * }));
 * ```
 */
export class Barrier {
  readonly #parties: number;
  readonly #action: (() => unknown) | undefined;
  readonly #timeout: number;
  readonly #name: string | undefined;
  // Tasks that arrived in the current pass, oldest first; payload = arrival index.
  readonly #waiters: WaiterQueue<number>;
  // True from a break until reset(); while true the queue is empty.
  #broken = false;
  // True while the last arrival runs the action; a wait() from inside it would arrive again
  // (and recurse) before the pass it belongs to is over.
  #inAction = false;

  constructor(parties: number, options?: BarrierOptions) {
    validateInteger(parties, 'parties', 1);
    validateOptions(options);
    validateFunction(options?.action, 'action', true);
    if (options?.timeout !== undefined) validateTimeout(options.timeout);
    validateName(options?.name);
    this.#parties = parties;
    this.#action = options?.action;
    this.#timeout = options?.timeout ?? Infinity;
    this.#name = options?.name;
    this.#waiters = new WaiterQueue<number>({
      onTimeout: (waiter) => {
        this.#break();
        waiter.reject(
          new BrokenBarrierError(
            `${this.#label} broke: a wait timed out after ${waiter.timeout} ms`,
          ),
        );
      },
      afterAbort: () => this.#break(),
    });
  }

  /** The number of tasks each pass needs. */
  get parties(): number {
    return this.#parties;
  }

  /** The number of tasks waiting in the current pass. */
  get nWaiting(): number {
    return this.#waiters.size;
  }

  /** True once the barrier broke, until `reset()`. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Wait for the other parties. Resolves with this task's arrival index (0 for the first,
   * `parties − 1` for the last). Rejects with BrokenBarrierError when the barrier is or becomes
   * broken (including by this wait's timeout); with `signal.reason` on abort, which also breaks it.
   * Throws LockStateError when called from the barrier's own action.
   * @default options.timeout the constructor's `timeout`
   */
  wait(options?: WaitOptions): Promise<number> {
    if (this.#inAction)
      throw new LockStateError(`${this.#label}: wait() cannot be called from its own action`);
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (this.#broken) return Promise.reject(new BrokenBarrierError(`${this.#label} is broken`));
    const index = this.#waiters.size;
    if (index + 1 < this.#parties) {
      const timeout = options?.timeout ?? this.#timeout;
      return this.#waiters.wait({ timeout, signal: options?.signal }, undefined, index).promise;
    }
    // Last to arrive: run the action, then release the whole pass.
    this.#inAction = true;
    try {
      this.#action?.();
    } catch (error) {
      this.#break();
      return Promise.reject(error);
    } finally {
      this.#inAction = false;
    }
    // The action may have called abort() (which failed the others) or reset(): either way this
    // pass is over, and the last arrival must not report it as passed.
    if (this.#broken || this.#waiters.size !== index) {
      return Promise.reject(
        new BrokenBarrierError(`${this.#label} was broken or reset by its action`),
      );
    }
    let waiter: Waiter<number> | null = this.#waiters.first;
    while (waiter !== null) {
      this.#waiters.grant(waiter, waiter.payload as number);
      waiter = this.#waiters.first;
    }
    return Promise.resolve(index);
  }

  /** Back to the initial state; tasks waiting now reject with BrokenBarrierError. */
  reset(): void {
    this.#waiters.failAll(() => new BrokenBarrierError(`${this.#label} was reset while waiting`));
    this.#broken = false;
  }

  /** Break the barrier: current and later waits reject with BrokenBarrierError until `reset()`. */
  abort(): void {
    this.#break();
  }

  #break(): void {
    this.#broken = true;
    this.#waiters.failAll(() => new BrokenBarrierError(`${this.#label} is broken`));
  }

  get #label(): string {
    return this.#name === undefined ? 'The barrier' : `Barrier ${this.#name}`;
  }
}

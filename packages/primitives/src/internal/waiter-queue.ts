/**
 * A FIFO of waiters shared by every primitive. Each waiter settles exactly once — by a grant,
 * its timeout, its signal, or an explicit `fail` (e.g. the detector breaking a deadlock) — and on
 * settling leaves the queue and drops its timer and abort listener, so nothing leaks and a waiter
 * that gave up can never be granted later.
 */
import type { AcquireSite } from '@interlock/core';
import type { Frame } from './task-context.ts';
import { validateWaitOptions } from './validate.ts';

/** Timeout and cancellation of one wait. */
export interface WaitOptions {
  /**
   * Milliseconds to wait before giving up. `0` gives up at once when the wait cannot be
   * satisfied immediately; values above 2³¹−1 (≈24.8 days, the timer limit) wait forever.
   * @default Infinity
   */
  timeout?: number;
  /** Cancels the wait: it rejects with `signal.reason` and takes nothing. */
  signal?: AbortSignal;
}

/** The largest delay setTimeout honours; longer timeouts are treated as "forever". */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * The check every waiting method starts with: throws on invalid options (before anything
 * changes), and returns a promise rejected with `signal.reason` when the signal is already
 * aborted — the caller returns it at once, so an aborted call never takes a free lock, an item,
 * or a slot it could have had without waiting.
 */
export function abortedBeforeStart(options: WaitOptions | undefined): Promise<never> | undefined {
  if (options === undefined) return undefined;
  validateWaitOptions(options);
  return options.signal?.aborted === true
    ? Promise.reject(options.signal.reason as unknown)
    : undefined;
}

/** One pending wait. Fields are for the owning primitive; settle it only through its queue. */
export class Waiter<T> {
  /** Null once settled: the queue it is (or was) in. */
  queue: WaiterQueue<T> | null;
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  readonly resolve: (value: T) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Milliseconds this wait allows (Infinity when none), for error messages. */
  readonly timeout: number;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** What the primitive carries with the wait (Queue: the item to put; Barrier: the index). */
  payload: unknown;
  /** The waiting task's frame, for the probe's `acquired`. */
  readonly frame: Frame | undefined;
  /** Run once when the wait ends (ends the probe's record of the wait). */
  onEnd: (() => void) | undefined = undefined;
  /** What the probe's `beforeAcquire` returned for this acquisition; handed back on the grant. */
  site: AcquireSite = undefined;

  constructor(
    queue: WaiterQueue<T>,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    options: WaitOptions | undefined,
    frame: Frame | undefined,
    payload: unknown,
  ) {
    this.queue = queue;
    this.resolve = resolve;
    this.reject = reject;
    this.signal = options?.signal;
    this.timeout = options?.timeout ?? Infinity;
    this.frame = frame;
    this.payload = payload;
  }

  get settled(): boolean {
    return this.queue === null;
  }

  /** The waiter is its own abort listener, so no closure is built per wait. */
  handleEvent(): void {
    this.queue?.abortWaiter(this);
  }
}

function onTimer<T>(waiter: Waiter<T>): void {
  waiter.queue?.expireWaiter(waiter);
}

/** What a primitive does when one of its waiters times out or is aborted. */
export interface WaiterPolicy<T> {
  /**
   * `waiter` timed out and is already out of the queue: settle it by calling `waiter.resolve`
   * (a status such as `false`) or `waiter.reject` (a TimeoutError) directly.
   */
  onTimeout(waiter: Waiter<T>): void;
  /** Optional: after an aborted waiter was failed with `signal.reason` (Barrier breaks itself). */
  afterAbort?(waiter: Waiter<T>): void;
}

export class WaiterQueue<T> {
  // Doubly linked so that a timed-out or aborted waiter leaves in O(1); head is the oldest.
  #head: Waiter<T> | null = null;
  #tail: Waiter<T> | null = null;
  #size = 0;
  readonly #policy: WaiterPolicy<T>;

  constructor(policy: WaiterPolicy<T>) {
    this.#policy = policy;
  }

  /** Waiters still queued. */
  get size(): number {
    return this.#size;
  }

  /** The oldest waiter, or null. */
  get first(): Waiter<T> | null {
    return this.#head;
  }

  /**
   * Queue a wait. An already-aborted signal rejects at once with its reason and queues nothing;
   * a zero timeout applies the timeout policy at once, also without queueing. Returns the
   * waiter too so the caller can attach the probe (check `waiter.settled` first).
   */
  wait(
    options: WaitOptions | undefined,
    frame: Frame | undefined,
    payload?: unknown,
  ): { promise: Promise<T>; waiter: Waiter<T> } {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const waiter = new Waiter<T>(this, resolve, reject, options, frame, payload);
    const signal = waiter.signal;
    if (signal?.aborted) {
      waiter.queue = null;
      reject(signal.reason);
      return { promise, waiter };
    }
    if (waiter.timeout === 0) {
      waiter.queue = null;
      this.#policy.onTimeout(waiter);
      return { promise, waiter };
    }
    this.#link(waiter);
    if (waiter.timeout <= MAX_TIMER_DELAY)
      waiter.timer = setTimeout(onTimer, waiter.timeout, waiter);
    signal?.addEventListener('abort', waiter, { once: true });
    return { promise, waiter };
  }

  /** Settle `waiter` with `value` (a grant). Ignored when it already settled. */
  grant(waiter: Waiter<T>, value: T): boolean {
    if (waiter.queue !== this) return false;
    this.#finish(waiter);
    waiter.resolve(value);
    return true;
  }

  /** Settle `waiter` with `error`. Ignored when it already settled. */
  fail(waiter: Waiter<T>, error: unknown): boolean {
    if (waiter.queue !== this) return false;
    this.#finish(waiter);
    waiter.reject(error);
    return true;
  }

  /** Fail every queued waiter with a fresh error from `makeError` (errors are never shared). */
  failAll(makeError: () => unknown): void {
    while (this.#head !== null) this.fail(this.#head, makeError());
  }

  /** @internal the waiter's timer fired. */
  expireWaiter(waiter: Waiter<T>): void {
    if (waiter.queue !== this) return;
    waiter.timer = undefined;
    this.#finish(waiter);
    this.#policy.onTimeout(waiter);
  }

  /** @internal the waiter's signal fired. */
  abortWaiter(waiter: Waiter<T>): void {
    if (waiter.queue !== this) return;
    const reason: unknown = waiter.signal?.reason;
    this.#finish(waiter);
    waiter.reject(reason);
    this.#policy.afterAbort?.(waiter);
  }

  #link(waiter: Waiter<T>): void {
    waiter.prev = this.#tail;
    if (this.#tail === null) this.#head = waiter;
    else this.#tail.next = waiter;
    this.#tail = waiter;
    this.#size += 1;
  }

  #finish(waiter: Waiter<T>): void {
    const { prev, next } = waiter;
    if (prev === null) this.#head = next;
    else prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = null;
    waiter.queue = null;
    this.#size -= 1;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.timer = undefined;
    waiter.signal?.removeEventListener('abort', waiter);
    const onEnd = waiter.onEnd;
    waiter.onEnd = undefined;
    onEnd?.();
  }
}

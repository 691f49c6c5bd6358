/** Barrier across threads. */
import { BrokenBarrierError } from '../errors.ts';
import {
  validateFunction,
  validateInteger,
  validateName,
  validateOptions,
  validateTimeout,
  validateWaitOptions,
} from '../internal/validate.ts';
import { assertMayBlock, deadlineOf, remaining, waitAsync, waitSync } from './futex.ts';
import { makeHandle, type ThreadHandle } from './handle.ts';
import type { ThreadAcquireOptions } from './permit-primitive.ts';
import { place, placeFrom, type Placement } from './placement.ts';
import { blockHeaderWords } from './shared-memory.ts';

/** Words of a barrier. */
const w = {
  /** Futex word: bumped whenever a pass completes or the barrier breaks or resets. */
  seq: 0,
  /** A tiny spin lock around arrivals (held for a few instructions, never while waiting). */
  guard: 1,
  /** Arrivals in the current pass. */
  count: 2,
  /** Number of the current pass. */
  generation: 3,
  /** 1 while broken (until reset). */
  broken: 4,
  /** Last completed pass + 1. */
  completed: 5,
  /** Passes up to (this − 1) were cut short by reset(). */
  resetBefore: 6,
  parties: 7,
} as const;
const words = 8;

/** Options of a thread Barrier (the action and default timeout are this thread's own). */
export interface ThreadBarrierOptions {
  /** Run by the last thread to arrive, before the others are released (if that thread set one). */
  action?: () => unknown;
  /** Default timeout (ms) of this thread's waits. @default Infinity */
  timeout?: number;
  name?: string;
}

let received: Placement | undefined;

/** One thread's arrival in a pass. */
interface Arrival {
  /** This arrival completed the pass (it ran the action). */
  readonly done: boolean;
  readonly index: number;
  readonly generation: number;
}

/**
 * A meeting point for `parties` threads (Python's `threading.Barrier`). `wait` returns the
 * arrival index 0…parties−1; a timeout or abort breaks the barrier for everyone
 * (BrokenBarrierError) until `reset()`.
 *
 * @example
 * ```ts
 * const barrier = Barrier.from(workerData.barrier);
 * for (const phase of phases) { work(phase); barrier.wait(); }
 * ```
 */
export class Barrier {
  readonly name: string;
  readonly #placement: Placement;
  readonly #words: Int32Array;
  readonly #base: number;
  readonly #action: (() => unknown) | undefined;
  readonly #timeout: number | undefined;

  constructor(parties: number, options?: ThreadBarrierOptions) {
    const from = received;
    received = undefined;
    validateOptions(options);
    validateFunction(options?.action, 'action', true);
    if (options?.timeout !== undefined) validateTimeout(options.timeout);
    validateName(options?.name);
    if (from === undefined) validateInteger(parties, 'parties', 1);
    this.#placement =
      from ??
      place('Barrier', words, options?.name, (view, base) =>
        Atomics.store(view, base + w.parties, parties),
      );
    this.name = this.#placement.name;
    this.#words = this.#placement.view;
    this.#base = blockHeaderWords;
    this.#action = options?.action;
    this.#timeout = options?.timeout;
  }

  /**
   * Rebuilds a Barrier from its `handle`, with this thread's own `action` and default `timeout`.
   * @throws {TypeError} a bad handle.
   */
  static from(handle: unknown, options?: Omit<ThreadBarrierOptions, 'name'>): Barrier {
    received = placeFrom(handle, ['Barrier']);
    return new Barrier(0, options);
  }

  get handle(): ThreadHandle<'Barrier'> {
    return makeHandle('Barrier', this.name, this.#placement.domain, this.#placement.index);
  }

  get parties(): number {
    return this.#load(w.parties);
  }

  /** Threads waiting in the current pass. */
  get nWaiting(): number {
    return this.#load(w.count);
  }

  get broken(): boolean {
    return this.#load(w.broken) === 1;
  }

  /** Blocks until `parties` threads wait; returns this thread's arrival index. Not on main. */
  wait(options?: ThreadAcquireOptions): number {
    const { arrival, deadline } = this.#begin(options, () => assertMayBlock(this.name, 'wait'));
    if (arrival.done) return arrival.index;
    for (;;) {
      const seq = this.#load(w.seq);
      const index = this.#look(arrival, deadline, options);
      if (index !== undefined) return index;
      waitSync(this.#words, this.#base + w.seq, seq, deadline);
    }
  }

  /** The same without blocking; an abort breaks the barrier and rejects with `signal.reason`. */
  async waitAsync(options?: ThreadAcquireOptions): Promise<number> {
    const { arrival, deadline } = this.#begin(options, () => {});
    if (arrival.done) return arrival.index;
    for (;;) {
      const seq = this.#load(w.seq);
      const index = this.#look(arrival, deadline, options);
      if (index !== undefined) return index;
      if (
        (await waitAsync(
          this.#words,
          this.#base + w.seq,
          seq,
          deadline,
          options?.signal,
          () => {},
        )) === 'aborted'
      ) {
        this.abort();
        throw options!.signal!.reason;
      }
    }
  }

  #begin(
    options: ThreadAcquireOptions | undefined,
    beforeWaiting: () => void,
  ): { arrival: Arrival; deadline: number } {
    validateWaitOptions(options);
    if (options?.signal?.aborted === true) throw options.signal.reason;
    const deadline = deadlineOf(options?.timeout ?? this.#timeout);
    return { arrival: this.#arrive(beforeWaiting), deadline };
  }

  /** The arrival index once the pass completed; throws once it never will; undefined: wait on. */
  #look(
    arrival: Arrival,
    deadline: number,
    options: ThreadAcquireOptions | undefined,
  ): number | undefined {
    const outcome = this.#outcome(arrival.generation);
    if (outcome !== undefined) return this.#settle(outcome, arrival.index);
    if (remaining(deadline) === 0) return this.#timedOut(options?.timeout ?? this.#timeout);
    return undefined;
  }

  /** Breaks the barrier: every current and later wait throws BrokenBarrierError until `reset()`. */
  abort(): void {
    this.#store(w.broken, 1);
    this.#wakeAll();
  }

  /** Back to empty and unbroken; threads waiting now get BrokenBarrierError. */
  reset(): void {
    this.#locked(() => {
      const generation = this.#load(w.generation);
      this.#store(w.resetBefore, generation + 1);
      this.#store(w.generation, generation + 1);
      this.#store(w.count, 0);
      this.#store(w.broken, 0);
    });
    this.#wakeAll();
  }

  /** Arrives in the current pass; the last arrival runs the action and releases the others. */
  #arrive(beforeWaiting: () => void): Arrival {
    let last = false;
    let index = 0;
    let generation = 0;
    this.#locked(() => {
      if (this.broken) throw new BrokenBarrierError(`${this.name} is broken`);
      generation = this.#load(w.generation);
      index = this.#load(w.count);
      last = index + 1 === this.parties;
      // Checked inside, before arriving: a refused blocking wait must not count as an arrival.
      if (!last) beforeWaiting();
      if (last) {
        this.#store(w.count, 0);
        this.#store(w.generation, generation + 1);
      } else this.#store(w.count, index + 1);
    });
    if (!last) return { done: false, index, generation };
    try {
      this.#action?.();
    } catch (error) {
      this.abort();
      throw error;
    }
    this.#store(w.completed, generation + 1);
    this.#wakeAll();
    return { done: true, index, generation };
  }

  /** 'done' when the pass completed, 'broken' when it never will, undefined while open. */
  #outcome(generation: number): 'done' | 'broken' | undefined {
    if (this.#load(w.completed) > generation) return 'done';
    if (this.#load(w.resetBefore) > generation || this.broken) return 'broken';
    return undefined;
  }

  #settle(outcome: 'done' | 'broken', index: number): number {
    if (outcome === 'done') return index;
    throw new BrokenBarrierError(`${this.name} is broken`);
  }

  #timedOut(timeout: number | undefined): never {
    this.abort();
    throw new BrokenBarrierError(`${this.name} broke: a wait timed out after ${timeout} ms`);
  }

  #locked(fn: () => void): void {
    const index = this.#base + w.guard;
    while (Atomics.compareExchange(this.#words, index, 0, 1) !== 0);
    try {
      fn();
    } finally {
      Atomics.store(this.#words, index, 0);
    }
  }

  #wakeAll(): void {
    Atomics.add(this.#words, this.#base + w.seq, 1);
    Atomics.notify(this.#words, this.#base + w.seq);
  }

  #load(word: number): number {
    return Atomics.load(this.#words, this.#base + word);
  }

  #store(word: number, value: number): void {
    Atomics.store(this.#words, this.#base + word, value);
  }
}

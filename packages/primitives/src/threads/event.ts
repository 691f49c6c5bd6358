/** Event across threads. */
import { validateName, validateOptions, validateWaitOptions } from '../internal/validate.ts';
import { assertMayBlock, deadlineOf, remaining, waitAsync, waitSync } from './futex.ts';
import { makeHandle, type ThreadHandle } from './handle.ts';
import { place, placeFrom, type Placement, type ThreadPrimitiveOptions } from './placement.ts';
import type { ThreadAcquireOptions } from './permit-primitive.ts';
import { blockHeaderWords } from './shared-memory.ts';

const seqWord = 0;
const flagWord = 1;

let received: Placement | undefined;

/**
 * A flag threads can wait for (Python's `threading.Event`): `set()` wakes every waiter, in every
 * thread; `wait` returns true once set, false on timeout.
 *
 * @example
 * ```ts
 * const ready = new Event();            // main thread
 * const ready = Event.from(data.ready); // worker
 * ready.wait();                         // worker blocks until the main thread calls ready.set()
 * ```
 */
export class Event {
  readonly name: string;
  readonly #placement: Placement;
  readonly #words: Int32Array;
  readonly #base: number;

  constructor(options?: ThreadPrimitiveOptions) {
    let placement = received;
    received = undefined;
    if (placement === undefined) {
      validateOptions(options);
      validateName(options?.name);
      placement = place('Event', 2, options?.name);
    }
    this.#placement = placement;
    this.name = placement.name;
    this.#words = placement.view;
    this.#base = blockHeaderWords;
  }

  /** Rebuilds an Event from its `handle`. @throws {TypeError} a bad handle. */
  static from(handle: unknown): Event {
    received = placeFrom(handle, ['Event']);
    return new Event();
  }

  /** The structured-cloneable form: pass it to a worker and rebuild it with `Event.from`. */
  get handle(): ThreadHandle<'Event'> {
    return makeHandle('Event', this.name, this.#placement.domain, this.#placement.index);
  }

  isSet(): boolean {
    return Atomics.load(this.#words, this.#base + flagWord) === 1;
  }

  /** Sets the flag and wakes every waiter in every thread. */
  set(): void {
    Atomics.store(this.#words, this.#base + flagWord, 1);
    Atomics.add(this.#words, this.#base + seqWord, 1);
    Atomics.notify(this.#words, this.#base + seqWord);
  }

  clear(): void {
    Atomics.store(this.#words, this.#base + flagWord, 0);
  }

  /**
   * Blocks this thread until the flag is set (true) or `timeout` ms pass (false). Not on the
   * main thread (MainThreadBlockingError) unless the flag is already set or `timeout` is 0.
   */
  wait(options?: ThreadAcquireOptions): boolean {
    validateWaitOptions(options);
    if (options?.signal?.aborted === true) throw options.signal.reason;
    const deadline = deadlineOf(options?.timeout);
    for (;;) {
      const seq = Atomics.load(this.#words, this.#base + seqWord);
      if (this.isSet()) return true;
      if (remaining(deadline) === 0) return false;
      assertMayBlock(this.name, 'wait');
      waitSync(this.#words, this.#base + seqWord, seq, deadline);
    }
  }

  /** The same without blocking the thread; an abort rejects with `signal.reason`. */
  async waitAsync(options?: ThreadAcquireOptions): Promise<boolean> {
    validateWaitOptions(options);
    const signal = options?.signal;
    if (signal?.aborted === true) throw signal.reason;
    const deadline = deadlineOf(options?.timeout);
    for (;;) {
      const seq = Atomics.load(this.#words, this.#base + seqWord);
      if (this.isSet()) return true;
      if (remaining(deadline) === 0) return false;
      // set() wakes everyone, so an abandoned wait has nobody to pass its wake-up to.
      const result = await waitAsync(
        this.#words,
        this.#base + seqWord,
        seq,
        deadline,
        signal,
        () => {},
      );
      if (result === 'aborted') throw signal!.reason;
    }
  }
}

import { QueueEmptyError, QueueFullError, QueueTimeoutError } from './errors.ts';
import { argumentError, validateInteger } from './internal/validate.ts';
import {
  abortedBeforeStart,
  WaiterQueue,
  type WaitOptions,
  type Waiter,
} from './internal/waiter-queue.ts';

function queueTimeout(what: string) {
  return <T>(waiter: Waiter<T>): void => {
    waiter.reject(
      new QueueTimeoutError(
        `Timed out after ${waiter.timeout} ms waiting to ${what}`,
        waiter.timeout,
      ),
    );
  };
}

/**
 * A FIFO queue for handing work between tasks (Python's `queue.Queue`). With `maxsize > 0`,
 * `put` waits while the queue is full; `get` waits while it is empty. Waiting getters and
 * putters are served in arrival order. `taskDone`/`join` track completion of every item put.
 *
 * @example
 * ```ts
 * const jobs = new Queue<string>(10);
 * const worker = async () => {
 *   for (;;) {
 *     const job = await jobs.get();
 *     await run(job);
 *     jobs.taskDone();
 *   }
 * };
 * await jobs.put('a');
 * await jobs.join(); // every item put has been marked done
 * ```
 */
export class Queue<T> {
  readonly #maxsize: number;
  // Items in order; #head indexes the oldest (amortised O(1) dequeue without Array#shift).
  #items: T[] = [];
  #head = 0;
  // Tasks waiting to get. Non-empty only while the queue is empty (put hands items over directly).
  readonly #getters = new WaiterQueue<T>({ onTimeout: queueTimeout('get from the queue') });
  // Tasks waiting to put (payload = their item). Non-empty only while the queue is full.
  readonly #putters = new WaiterQueue<void>({ onTimeout: queueTimeout('put into the queue') });
  // Items put and not yet marked done with taskDone().
  #unfinished = 0;
  // Tasks in join(); released when #unfinished reaches 0.
  readonly #joiners = new WaiterQueue<void>({ onTimeout: queueTimeout('join the queue') });

  /**
   * @param maxsize the most items the queue holds; 0 means unbounded.
   * @default maxsize 0
   */
  constructor(maxsize = 0) {
    validateInteger(maxsize, 'maxsize', 0);
    this.#maxsize = maxsize;
  }

  /** The most items the queue holds (0 = unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Items in the queue now. */
  qsize(): number {
    return this.#items.length - this.#head;
  }

  empty(): boolean {
    return this.qsize() === 0;
  }

  full(): boolean {
    return this.#maxsize > 0 && this.qsize() >= this.#maxsize;
  }

  /**
   * Add `item`, waiting while the queue is full. Rejects with a TimeoutError after `timeout` ms,
   * with `signal.reason` on abort; an item whose put gave up is never added.
   *
   * @example
   * ```ts
   * await jobs.put(job, { timeout: 1000 }); // TimeoutError if no slot opens within a second
   * ```
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (this.#putters.size === 0 && this.#offer(item)) return Promise.resolve();
    return this.#putters.wait(options, undefined, item).promise;
  }

  /**
   * Add `item` now or throw QueueFullError (also while earlier putters are still waiting).
   *
   * @example
   * ```ts
   * try {
   *   jobs.putNowait(job);
   * } catch (e) {
   *   if (e instanceof QueueFullError) shed(job);
   *   else throw e;
   * }
   * ```
   */
  putNowait(item: T): void {
    if (this.#putters.size > 0 || !this.#offer(item))
      throw new QueueFullError(`The queue is full (maxsize ${this.#maxsize})`);
  }

  /**
   * Remove and return the oldest item, waiting while the queue is empty. Rejects with a
   * TimeoutError after `timeout` ms, with `signal.reason` on abort; a get that gave up takes
   * nothing.
   *
   * @example
   * ```ts
   * const job = await jobs.get({ signal: shutdown.signal });
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (this.qsize() > 0) return Promise.resolve(this.#take());
    return this.#getters.wait(options, undefined).promise;
  }

  /** Remove and return the oldest item now, or throw QueueEmptyError. */
  getNowait(): T {
    if (this.qsize() === 0) throw new QueueEmptyError();
    return this.#take();
  }

  /**
   * Mark one item got earlier as processed. Throws RangeError when called more often than items
   * were put (Python raises ValueError).
   */
  taskDone(): void {
    if (this.#unfinished === 0)
      throw argumentError(
        'range',
        'Expected `taskDone()` to follow a `put()` not yet marked done, got one call too many',
      );
    this.#unfinished -= 1;
    if (this.#unfinished === 0) {
      let joiner = this.#joiners.first;
      while (joiner !== null) {
        this.#joiners.grant(joiner, undefined);
        joiner = this.#joiners.first;
      }
    }
  }

  /**
   * Wait until every item put has been marked done with `taskDone()`. Rejects with a
   * TimeoutError after `timeout` ms, with `signal.reason` on abort.
   *
   * @example
   * ```ts
   * for (const job of batch) await jobs.put(job);
   * await jobs.join(); // every job of the batch was processed
   * ```
   */
  join(options?: WaitOptions): Promise<void> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (this.#unfinished === 0) return Promise.resolve();
    return this.#joiners.wait(options, undefined).promise;
  }

  /** Give `item` to the oldest getter, or store it if there is room. False when full. */
  #offer(item: T): boolean {
    const getter = this.#getters.first;
    if (getter !== null) {
      this.#unfinished += 1;
      this.#getters.grant(getter, item);
      return true;
    }
    if (this.full()) return false;
    this.#unfinished += 1;
    this.#items.push(item);
    return true;
  }

  #take(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined as T; // drop the reference for the GC
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    // A slot opened: admit the oldest waiting putter.
    const putter = this.#putters.first;
    if (putter !== null) {
      this.#unfinished += 1;
      this.#items.push(putter.payload as T);
      this.#putters.grant(putter, undefined);
    }
    return item;
  }
}

/** Lock and RLock across threads. */
import { LockStateError } from '../errors.ts';
import type { Guard } from '../guard.ts';
import { validateName, validateOptions } from '../internal/validate.ts';
import { ThreadGuard } from './guard.ts';
import { holdOf, type ThreadHold } from './holds.ts';
import {
  PermitPrimitive,
  place,
  placeFrom,
  type Placement,
  type ThreadAcquireOptions,
  type ThreadPrimitiveOptions,
} from './permit-primitive.ts';
import { Permits } from './permits.ts';
import { currentThread, type PrimitiveKind } from './shared-memory.ts';

/**
 * Lock/RLock words after the counter: the owner thread + 1 (`ownerWordInBlock`) and a spare
 * word.
 */
const ownerOffset = 0;
const ownWords = 2;

// Set by `from` for the constructor call it makes: the received placement instead of a new one.
let received: Placement | undefined;

function placement(kind: PrimitiveKind, options: ThreadPrimitiveOptions | undefined): Placement {
  const from = received;
  received = undefined;
  if (from !== undefined) return from;
  validateOptions(options);
  validateName(options?.name);
  return place(kind, PermitPrimitive.counterWords + ownWords, options?.name, (words, base) =>
    new Permits(words, base).init(1),
  );
}

/** Shared by Lock and RLock. */
abstract class ExclusiveThreadLock extends PermitPrimitive {
  protected constructor(placement: Placement) {
    super(placement, true);
  }

  /** RLock: the owning thread + 1 (0 = none). */
  protected get ownerWord(): number {
    return this.own + ownerOffset;
  }

  /** True while some thread holds it. */
  get locked(): boolean {
    return this.permits.unheld === 0;
  }

  /** True while a thread that died holding it has left it poisoned. */
  get poisoned(): boolean {
    return this.permits.poisonedBy !== 0;
  }

  /** Releases one level held by this thread (Lock: any thread may release it). */
  abstract release(): void;

  /**
   * Makes a poisoned lock usable again: the dead thread's hold is given back. Call it once the
   * data the lock guards has been checked or repaired. Returns false when it was not poisoned.
   */
  clearPoison(): boolean {
    if (!this.permits.clearPoison()) return false;
    this.setOwner(-1);
    this.permits.release(1, 1);
    return true;
  }

  /** @internal Condition: release every level this thread holds; returns what to restore. */
  abstract releaseForWait(): ThreadHold;
  /** @internal Condition: take the lock back with `hold`'s levels. */
  abstract restoreAfterWait(hold: ThreadHold): void;
  /** @internal */
  abstract restoreAfterWaitAsync(hold: ThreadHold): Promise<void>;
  /** @internal Condition: whether this thread may wait/notify. */
  abstract heldByThisThread(): boolean;
}

/**
 * A mutual-exclusion lock shared by threads (Python's `threading.Lock`). Not re-entrant; any
 * thread may release it. A waiter is passed over for about 1 ms at most (plus up to 64 critical
 * sections of others: docs/threads.md, fairness).
 *
 * @example
 * ```ts
 * // main thread
 * const lock = new Lock({ name: 'counter' });
 * new Worker(url, { workerData: { lock: lock.handle } });
 * // worker
 * const lock = Lock.from(workerData.lock);
 * { using _ = lock.acquire(); counter[0]++; }
 * ```
 */
export class Lock extends ExclusiveThreadLock {
  readonly kind = 'Lock';

  constructor(options?: ThreadPrimitiveOptions) {
    super(placement('Lock', options));
  }

  /** Rebuilds a Lock from its `handle` (in any thread). @throws {TypeError} a bad handle. */
  static from(handle: unknown): Lock {
    received = placeFrom(handle, ['Lock']);
    return new Lock();
  }

  release(): void {
    const hold = holdOf(this);
    if (hold !== undefined) {
      this.dropHold(hold, 1);
      return;
    }
    // Another thread's hold (Python lets any thread release a Lock).
    if (!this.locked) throw new LockStateError(`${this.name} is not locked`);
    this.setOwner(-1);
    if (!this.permits.release(1, 1)) throw new LockStateError(`${this.name} is not locked`);
  }

  releaseHold(hold: ThreadHold): void {
    this.dropHold(hold, 1);
  }

  releaseForWait(): ThreadHold {
    const hold = holdOf(this);
    if (hold === undefined) throw new LockStateError(`${this.name} is not held by this thread`);
    this.suspendHold(hold, 1);
    return hold;
  }

  restoreAfterWait(hold: ThreadHold): void {
    this.takeSync(undefined, hold);
  }

  async restoreAfterWaitAsync(hold: ThreadHold): Promise<void> {
    await this.takeAsync(undefined, hold);
  }

  heldByThisThread(): boolean {
    return holdOf(this) !== undefined;
  }
}

/**
 * A re-entrant lock shared by threads (Python's `threading.RLock`): the owning *thread* may
 * acquire it again; each acquisition needs its release; only the owner may release.
 * Ownership is per thread: async tasks of one thread share it.
 */
export class RLock extends ExclusiveThreadLock {
  readonly kind = 'RLock';

  constructor(options?: ThreadPrimitiveOptions) {
    super(placement('RLock', options));
  }

  /** Rebuilds an RLock from its `handle`. @throws {TypeError} a bad handle. */
  static from(handle: unknown): RLock {
    received = placeFrom(handle, ['RLock']);
    return new RLock();
  }

  #ownHold(): ThreadHold | undefined {
    return Atomics.load(this.permits.words, this.ownerWord) === currentThread + 1
      ? holdOf(this)
      : undefined;
  }

  override acquire(options?: ThreadAcquireOptions): Guard {
    const own = this.#reenter();
    if (own !== undefined) return own;
    return this.#owned(this.takeSync(options));
  }

  override async acquireAsync(options?: ThreadAcquireOptions): Promise<Guard> {
    const own = this.#reenter();
    if (own !== undefined) return own;
    return this.#owned(await this.takeAsync(options));
  }

  override tryAcquire(): Guard | undefined {
    const own = this.#reenter();
    if (own !== undefined) return own;
    const hold = this.tryTake();
    return hold === undefined ? undefined : this.#owned(hold);
  }

  release(): void {
    const hold = this.#ownHold();
    if (hold === undefined) throw new LockStateError(`${this.name} is not held by this thread`);
    this.#releaseLevel(hold);
  }

  #reenter(): Guard | undefined {
    const hold = this.#ownHold();
    if (hold === undefined) return undefined;
    hold.count += 1;
    return this.#guard(hold);
  }

  #owned(hold: ThreadHold): Guard {
    Atomics.store(this.permits.words, this.ownerWord, currentThread + 1);
    return this.#guard(hold);
  }

  // Each acquisition of an RLock gets its own guard for one level (the hold counts the levels).
  #guard(hold: ThreadHold): Guard {
    return new ThreadGuard(() => {
      if (hold.count !== 0) this.#releaseLevel(hold);
    });
  }

  releaseHold(hold: ThreadHold): void {
    this.#releaseLevel(hold);
  }

  #releaseLevel(hold: ThreadHold): void {
    if (hold.count > 1) {
      hold.count -= 1;
      return;
    }
    Atomics.store(this.permits.words, this.ownerWord, 0);
    this.dropHold(hold, 1);
  }

  releaseForWait(): ThreadHold {
    const hold = this.#ownHold();
    if (hold === undefined) throw new LockStateError(`${this.name} is not held by this thread`);
    Atomics.store(this.permits.words, this.ownerWord, 0);
    this.suspendHold(hold, 1);
    return hold;
  }

  restoreAfterWait(hold: ThreadHold): void {
    this.takeSync(undefined, hold);
    Atomics.store(this.permits.words, this.ownerWord, currentThread + 1);
  }

  async restoreAfterWaitAsync(hold: ThreadHold): Promise<void> {
    await this.takeAsync(undefined, hold);
    Atomics.store(this.permits.words, this.ownerWord, currentThread + 1);
  }

  heldByThisThread(): boolean {
    return this.#ownHold() !== undefined;
  }
}

export type { ExclusiveThreadLock };

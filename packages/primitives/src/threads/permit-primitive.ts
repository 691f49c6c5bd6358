/**
 * What Lock, RLock, Semaphore and BoundedSemaphore across threads share: a block of shared
 * memory with a {@link Permits} counter, the handle, and the acquisition driver that connects
 * the counter, this thread's holds, the detector probe, timeouts and aborts.
 */
import { AcquireTimeoutError, LockStateError } from '../errors.ts';
import type { Guard } from '../guard.ts';
import { validateFunction, validateWaitOptions } from '../internal/validate.ts';
import { LockPoisonedError, type PoisonInfo } from './errors.ts';
import { deadlineOf } from './futex.ts';
import { makeHandle, type ThreadHandle } from './handle.ts';
import type { Placement } from './placement.ts';
import {
  addHold,
  holdOf,
  orderingHolds,
  removeHold,
  runHoldingTask,
  ThreadHold,
  holdsNothing,
  none,
  soleOrderingHold,
  type HeldPrimitive,
} from './holds.ts';
import { notePermits } from './held-permits.ts';
import { permitWords, Permits, type Refusal } from './permits.ts';
import { installedProbe, probeFor, type ThreadProbe } from './probe.ts';
import {
  blockHeaderWords,
  currentThread,
  type PrimitiveKind,
  type SharedDomain,
} from './shared-memory.ts';

/** Options of `acquire`, `acquireAsync` and the waits. */
export interface ThreadAcquireOptions {
  /** Milliseconds to wait at most; `0` means do not wait. @default Infinity */
  timeout?: number;
  /**
   * Gives up when aborted, rejecting with `signal.reason`. The blocking forms can only see a
   * signal that is already aborted when they are called (a blocked thread runs no code).
   */
  signal?: AbortSignal;
}

function refusalError(
  primitive: PermitPrimitive,
  refusal: Refusal,
  options: ThreadAcquireOptions | undefined,
): unknown {
  if (refusal === 'aborted') return options?.signal?.reason;
  if (refusal === 'poisoned') return new LockPoisonedError(primitive.name, primitive.poisonInfo());
  const timeout = options?.timeout ?? Infinity;
  return new AcquireTimeoutError(
    `Timed out after ${timeout} ms waiting for ${primitive.name}`,
    timeout,
  );
}

export { place, placeFrom, type Placement, type ThreadPrimitiveOptions } from './placement.ts';

/** Runs `fn` as the task holding `guard`'s acquisition of `primitive` (for withLockAsync). */
export function runHolding<T>(
  primitive: HeldPrimitive,
  guard: Guard,
  fn: () => T | PromiseLike<T>,
): T | PromiseLike<T> {
  const hold = guard instanceof ThreadHold ? guard : holdOf(primitive);
  if (hold === undefined) return fn();
  return runHoldingTask(hold, fn);
}

/**
 * Where an exclusive lock's owner word is in its block: the holding thread + 1 (0 = none). The
 * first of the lock's own words, after the counter's. Written by the holder (plain stores: only
 * the holder writes it, and only the holder or — once it is gone — the thread that saw it exit
 * reads it); it is how a terminated thread's holds are found (threads/exits.ts).
 */
export const ownerWordInBlock = blockHeaderWords + permitWords;

export abstract class PermitPrimitive implements HeldPrimitive {
  abstract readonly kind: PrimitiveKind;
  readonly name: string;
  readonly index: number;
  /** The shared counter. */
  protected readonly permits: Permits;
  /** Word index of this primitive's own words after the counter's. */
  protected readonly own: number;
  /** Index of the owner word in the block's view (exclusive locks); -1 when not owned. */
  readonly #owner: number;
  readonly #domain: SharedDomain;

  protected constructor(placement: Placement, owned = false) {
    this.#domain = placement.domain;
    this.index = placement.index;
    this.name = placement.name;
    const base = blockHeaderWords;
    this.permits = new Permits(placement.view, base);
    this.own = base + permitWords;
    this.#owner = owned ? ownerWordInBlock : -1;
  }

  /** Records (or, with `thread` -1, clears) which thread holds this exclusive lock. */
  protected setOwner(thread: number): void {
    if (this.#owner !== -1) this.permits.words[this.#owner] = thread + 1;
  }

  /** Ends `hold`: what the guard's `release` calls. */
  abstract releaseHold(hold: ThreadHold): void;

  detectorSeen = false;
  detectorKnownFrom = -1;
  detectorKnownGeneration = -1;

  /**
   * True when the detector (on) has nothing to decide or record for an acquisition now: nothing
   * held and this lock's site already captured, or one lock held and the edge from it known.
   * The acquisition can then take the uncontended path.
   */
  #nothingToDecide(): boolean {
    const probe = installedProbe();
    if (probe === undefined) return true;
    if (holdsNothing()) return this.detectorSeen;
    const sole = soleOrderingHold();
    return sole !== undefined && probe.knownAfter(this, sole);
  }

  /** Words a block of this family needs beyond its own. */
  static readonly counterWords = permitWords;

  /** The structured-cloneable form: pass it to a worker and rebuild it there with `from`. */
  get handle(): ThreadHandle {
    return makeHandle(this.kind, this.name, this.#domain, this.index);
  }

  protected get domain(): SharedDomain {
    return this.#domain;
  }

  /** Who poisoned this lock and where, read from the domain's log. */
  poisonInfo(): PoisonInfo | undefined {
    const thread = this.permits.poisonedBy - 1;
    if (thread < 0) return undefined;
    let found: PoisonInfo = { thread };
    for (const record of this.#domain.readRecords(0).records as {
      type?: string;
      index?: number;
      thread?: number;
      site?: string;
    }[]) {
      if (
        record.type === 'owner-exited' &&
        record.index === this.index &&
        record.thread === thread
      ) {
        found = record.site === undefined ? { thread } : { thread, site: record.site };
      }
    }
    return found;
  }

  /** Blocking acquisition of one permit, as a new hold of this thread. */
  protected takeSync(options: ThreadAcquireOptions | undefined, resume?: ThreadHold): ThreadHold {
    // The uncontended path: one epoch read, one CAS, one hold. With the detector on too, when
    // the thread holds nothing and the detector has seen this lock (it has nothing to decide or
    // record then: no edge, the site already captured).
    if (
      options === undefined &&
      resume === undefined &&
      (probeFor(this.#domain) === undefined || this.#nothingToDecide()) &&
      this.permits.tryTake()
    ) {
      if (this.#owner !== -1) this.permits.words[this.#owner] = currentThread + 1;
      else notePermits(this.#domain, this.index, 1);
      const hold = new ThreadHold(this);
      addHold(hold);
      return hold;
    }
    return this.#takeSlow(options, resume);
  }

  // Everything but the uncontended detector-off path. No allocation before the hold itself when
  // the permit is free (the detector-on path is measured against the detector-off one).
  #takeSlow(options: ThreadAcquireOptions | undefined, resume: ThreadHold | undefined): ThreadHold {
    if (options !== undefined) this.#checkOptions(options);
    const probe = probeFor(this.#domain);
    if (probe === undefined) {
      if (!this.permits.tryTake()) this.#waitSync(options, undefined, none, undefined);
      return this.#held(undefined, resume);
    }
    const held = orderingHolds();
    const token = probe.beforeAcquire(this, held, false, options?.timeout !== 0);
    if (!this.permits.tryTake()) this.#waitSync(options, probe, held, token);
    return this.#held(token, resume);
  }

  #waitSync(
    options: ThreadAcquireOptions | undefined,
    probe: ThreadProbe | undefined,
    held: readonly ThreadHold[],
    token: unknown,
  ): void {
    const end = probe?.waiting(this, held, token);
    let refusal: Refusal | undefined;
    try {
      refusal = this.permits.acquireSync(deadlineOf(options?.timeout), this.name);
    } finally {
      end?.();
    }
    if (refusal !== undefined) throw refusalError(this, refusal, options);
  }

  /** The same without blocking the thread. */
  protected async takeAsync(
    options: ThreadAcquireOptions | undefined,
    resume?: ThreadHold,
  ): Promise<ThreadHold> {
    if (options !== undefined) this.#checkOptions(options);
    const probe = probeFor(this.#domain);
    const held = probe === undefined ? none : orderingHolds();
    const token = probe?.beforeAcquire(this, held, false, options?.timeout !== 0);
    if (!this.permits.tryTake()) {
      const end = probe?.waiting(this, held, token);
      let refusal: Refusal | undefined;
      try {
        refusal = await this.permits.acquireAsync(deadlineOf(options?.timeout), options?.signal);
      } finally {
        end?.();
      }
      if (refusal !== undefined) throw refusalError(this, refusal, options);
    }
    const hold = this.#held(token, resume);
    hold.orders = resume?.orders ?? false;
    return hold;
  }

  /** Checks the options of an acquire; an already aborted signal throws its reason. */
  #checkOptions(options: ThreadAcquireOptions): void {
    validateWaitOptions(options);
    const signal = options.signal;
    if (signal?.aborted === true) throw signal.reason;
  }

  /**
   * Blocks this thread until the lock or a permit is free (Python's `acquire()`).
   * @throws {TimeoutError} after `timeout` ms. @throws {LockPoisonedError} see `clearPoison`.
   * @throws {MainThreadBlockingError} on the main thread when it would have to wait.
   * @example
   * ```ts
   * using guard = lock.acquire();
   * ```
   */
  acquire(options?: ThreadAcquireOptions): Guard {
    return this.takeSync(options);
  }

  /** Waits for the lock or a permit without blocking the thread (`Atomics.waitAsync`). */
  async acquireAsync(options?: ThreadAcquireOptions): Promise<Guard> {
    return await this.takeAsync(options);
  }

  /** Takes the lock or a permit if one is free and nobody waits; else undefined. */
  tryAcquire(): Guard | undefined {
    return this.tryTake();
  }

  /** Runs `fn` holding the lock or a permit (blocking acquire); releases it however `fn` ends. */
  withLock<T>(fn: () => T, options?: ThreadAcquireOptions): T {
    validateFunction(fn, 'fn');
    using _guard = this.acquire(options);
    return fn();
  }

  /**
   * Runs `fn` holding the lock or a permit (async acquire); releases it when `fn`'s promise
   * settles. `fn` is the holding task: what it acquires is ordered after this lock.
   */
  async withLockAsync<T>(fn: () => T | PromiseLike<T>, options?: ThreadAcquireOptions): Promise<T> {
    validateFunction(fn, 'fn');
    using guard = await this.acquireAsync(options);
    return await runHolding(this, guard, fn);
  }

  /** Takes a permit if one is free now. */
  protected tryTake(): ThreadHold | undefined {
    const probe = probeFor(this.#domain);
    const token = probe?.beforeAcquire(
      this,
      probe === undefined ? none : orderingHolds(),
      false,
      false,
    );
    if (!this.permits.tryTake()) {
      if (this.permits.poisonedBy !== 0) throw new LockPoisonedError(this.name, this.poisonInfo());
      return undefined;
    }
    return this.#held(token);
  }

  /** Records the new hold (or, for a Condition's re-acquire, revives the suspended one). */
  #held(token: unknown, resume?: ThreadHold): ThreadHold {
    const hold = resume ?? new ThreadHold(this);
    if (this.#owner !== -1) this.permits.words[this.#owner] = currentThread + 1;
    else notePermits(this.#domain, this.index, 1);
    hold.live = true;
    addHold(hold);
    installedProbe()?.acquired(hold, token);
    return hold;
  }

  /** A counting primitive's hold of this thread ended (its permit was given back). */
  protected permitGone(): void {
    notePermits(this.#domain, this.index, -1);
  }

  /** Ends `hold` (all its levels) and returns its permit. */
  protected dropHold(hold: ThreadHold, limit: number | undefined): void {
    // The detector hears of it before the permit goes: nobody may see the next holder's wait
    // with this thread still listed as holding it.
    const probe = installedProbe();
    if (probe !== undefined) probe.released(hold);
    if (this.#owner !== -1) this.permits.words[this.#owner] = 0;
    if (!this.permits.releaseOne(limit)) throw new LockStateError(`${this.name} is not locked`);
    hold.count = 0;
    removeHold(hold);
  }

  /** A Condition wait gives the lock up: the permit goes back, the hold keeps its levels. */
  protected suspendHold(hold: ThreadHold, limit: number | undefined): void {
    installedProbe()?.released(hold);
    this.setOwner(-1);
    if (!this.permits.release(1, limit)) throw new LockStateError(`${this.name} is not locked`);
    hold.live = false;
    removeHold(hold);
  }

  /**
   * The thread is exiting holding `hold`. Exclusive locks are poisoned (see docs/threads.md);
   * counting ones keep the permit taken. Either way the exit is reported with the site.
   */
  ownerExited(hold: ThreadHold): void {
    const site = installedProbe()?.siteOf(hold);
    const poisons = this.kind === 'Lock' || this.kind === 'RLock';
    this.#domain.appendRecord({
      type: 'owner-exited',
      index: this.index,
      name: this.name,
      kind: this.kind,
      thread: currentThread,
      site,
    });
    if (poisons) this.permits.poison(currentThread);
    // Reported here: the creating thread's check for terminated workers must not report it again.
    else notePermits(this.#domain, this.index, -1);
    const where = site === undefined ? '' : ` taken at ${site}`;
    const outcome = poisons ? 'it is now poisoned' : 'its permit stays taken';
    process.emitWarning(
      `Thread ${currentThread} exited holding ${this.kind} ${this.name}${where}; ${outcome}`,
      {
        type: 'InterlockWarning',
        code: 'ERR_INTERLOCK_OWNER_EXITED',
      },
    );
  }
}

import { HoldGuard, type Guard } from './guard.ts';
import { acquireTimeout, runHolding, watchWaiter } from './internal/acquisition.ts';
import type { AcquireOptions, LockOptions } from './internal/exclusive-lock.ts';
import type { AcquireSite, LockNode } from '@interlock/core';
import { lockNode, probe } from './internal/probe.ts';
import {
  Hold,
  holdsOf,
  leaveHold,
  taskContext,
  type Frame,
  type HoldReleaser,
} from './internal/task-context.ts';
import {
  argumentError,
  validateFunction,
  validateInteger,
  validateName,
  validateOptions,
} from './internal/validate.ts';
import { abortedBeforeStart, WaiterQueue } from './internal/waiter-queue.ts';

/** Options of a semaphore's constructor. */
export type SemaphoreOptions = LockOptions;

/** Marks a BoundedSemaphore's construction; not exported, so only BoundedSemaphore can pass it. */
const bounded = Symbol('bounded');

/**
 * A counter of permits (Python's `threading.Semaphore`): `acquire` takes one, waiting FIFO while
 * none is left; `release(n)` returns `n`. Anyone may release, and releasing more than was
 * acquired raises the count (use {@link BoundedSemaphore} to forbid that).
 *
 * @example
 * ```ts
 * const pool = new Semaphore(3, { name: 'db-connections' });
 * await pool.withLock(() => query(sql)); // at most 3 queries at once
 * ```
 */
export class Semaphore {
  // The semaphore's identity, which is also its detector node; fixed at construction.
  readonly #id: LockNode;
  // Given to every hold: Guard.release comes back through it.
  readonly #releaser: HoldReleaser;
  // Free permits. Invariant: > 0 only while no waiter is queued (release hands off directly).
  #value: number;
  // Upper bound on #value + outstanding permits: Infinity, or the initial value for
  // BoundedSemaphore.
  readonly #bound: number;
  // Holds granted while the detector was on and not yet ended, which may be anonymous (no frame
  // names them): a plain release() ends one of these for the detector. Empty while it is off.
  readonly #tracked = new Set<Hold>();
  // Queued acquires, oldest first.
  readonly #waiters: WaiterQueue<HoldGuard>;

  /**
   * @param value the initial number of permits.
   * @default value 1
   */
  constructor(value = 1, options?: SemaphoreOptions) {
    validateInteger(value, 'value', 0);
    validateOptions(options);
    validateName(options?.name);
    const isBounded = (options as { [bounded]?: boolean } | undefined)?.[bounded] === true;
    const kind = isBounded ? 'BoundedSemaphore' : 'Semaphore';
    this.#value = value;
    this.#bound = isBounded ? value : Infinity;
    this.#id = lockNode({ kind, name: options?.name, reentrant: false, exclusive: false }, this);
    this.#releaser = (hold) => this.#releaseHold(hold);
    this.#waiters = new WaiterQueue<HoldGuard>({ onTimeout: acquireTimeout(this.#id) });
  }

  /** What reports and error messages call this semaphore. */
  get name(): string {
    return this.#id.name;
  }

  /** Free permits now. */
  get value(): number {
    return this.#value;
  }

  /** True when no permit is free (an acquire would wait). */
  get locked(): boolean {
    return this.#value === 0;
  }

  /**
   * Wait for one permit, first come first served. Resolves with a {@link Guard} that gives it
   * back. Rejects with a TimeoutError after `timeout` ms, with `signal.reason` on abort; a waiter
   * that gave up never takes a permit later.
   *
   * @example
   * ```ts
   * using permit = await semaphore.acquire({ signal });
   * ```
   */
  acquire(options?: AcquireOptions): Promise<Guard> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    let frame: Frame | undefined;
    let site: AcquireSite;
    if (probe !== undefined) {
      frame = taskContext.getStore();
      try {
        // `timeout: 0` never waits: to the detector it is a try-acquire (no order edge into it).
        site = probe.beforeAcquire(holdsOf(frame), this.#id, false, options?.timeout !== 0);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#value > 0) {
      this.#value -= 1;
      return Promise.resolve(new HoldGuard(this.#grantHold(site), true));
    }
    const { promise, waiter } = this.#waiters.wait(options, frame);
    waiter.site = site;
    watchWaiter(this.#waiters, waiter, this.#id);
    return promise;
  }

  /**
   * Take a permit only if one is free and nobody is queued (Python's `acquire(blocking=False)`).
   */
  tryAcquire(): Guard | undefined {
    if (this.#value === 0) return undefined;
    const site = probe?.beforeAcquire(holdsOf(taskContext.getStore()), this.#id, false, false);
    this.#value -= 1;
    return new HoldGuard(this.#grantHold(site), false);
  }

  /**
   * Return `n` permits, waking up to `n` waiters in order.
   * @default n 1
   * @throws RangeError on a BoundedSemaphore when that would exceed the initial value (nothing
   * changes).
   */
  release(n = 1): void {
    validateInteger(n, 'n', 1);
    this.#checkBound(n);
    // Python's release: `n` permits go back, whoever asks. It never ends a guard's hold — that
    // guard still gives back its own permit once, so mixing styles loses or duplicates nothing.
    // For the detector, the permits end holds that no frame claimed (plain acquires): without
    // this it would keep one hold per plain acquire/release for ever.
    if (this.#tracked.size > 0) this.#endAnonymous(n);
    this.#returnPermits(n);
  }

  /**
   * Run `fn` holding a permit and give it back however `fn` ends.
   *
   * @example
   * ```ts
   * const rows = await pool.withLock(() => db.query(sql), { timeout: 5000 });
   * ```
   */
  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    validateFunction(fn, 'fn');
    // acquire() throws synchronously on bad options, before anything changes.
    return runHolding(this.acquire(options), fn);
  }

  #grantHold(site: AcquireSite): Hold {
    const hold = new Hold(this.#id, this.#releaser);
    if (probe !== undefined) {
      probe.holdAcquired(hold, site);
      this.#tracked.add(hold);
    }
    return hold;
  }

  /**
   * Ends, for the detector, `count` tracked holds that no frame has claimed. Holds bound by source
   * instrumentation go first — the caller's own, then others': a bound hold sits in some task's
   * frame, and one left live after its permit came back would order that task's later locks after
   * this semaphore (an invented edge), while ending one its task still uses only loses edges. The
   * guards are untouched (`count` stays): what they release is unchanged.
   */
  #endAnonymous(count: number): void {
    const frame = taskContext.getStore();
    const rank = (hold: Hold): number =>
      hold.boundAt === undefined ? 2 : frame !== undefined && frame.holds.includes(hold) ? 0 : 1;
    const candidates = [...this.#tracked]
      .filter((hold) => !hold.claimed)
      .sort((a, b) => rank(a) - rank(b));
    for (const hold of candidates.slice(0, count)) {
      this.#tracked.delete(hold);
      hold.live = false;
      probe?.holdReleased(hold);
      leaveHold(hold);
    }
  }

  #checkBound(n: number): void {
    // Outstanding permits = bound − value when bounded; a release may not push value past it.
    if (this.#value + n > this.#bound) {
      throw argumentError(
        'range',
        `Expected \`n\` to be at most ${this.#bound - this.#value} (permits outstanding on ${this.#id.kind} ${this.#id.name}), got ${n}`,
      );
    }
  }

  #endHold(hold: Hold): void {
    hold.count = 0;
    hold.live = false;
    this.#tracked.delete(hold);
    probe?.holdReleased(hold);
  }

  #releaseHold(hold: Hold): void {
    if (this.#value + 1 > this.#bound) {
      // Every permit is already free, so this guard's permit went back through a plain release():
      // the hold is over (its guard now reads released), and releasing it again is an over-release.
      this.#endHold(hold);
      this.#checkBound(1);
    }
    this.#endHold(hold);
    this.#returnPermits(1);
  }

  /**
   * Hand permits straight to the oldest waiters (no barging) and add the rest to the free count.
   * Bounded by the waiters, not by `n`: `release(2 ** 40)` costs as much as `release(1)`.
   */
  #returnPermits(n: number): void {
    let left = n;
    for (
      let waiter = this.#waiters.first;
      waiter !== null && left > 0;
      waiter = this.#waiters.first
    ) {
      left -= 1;
      this.#waiters.grant(waiter, new HoldGuard(this.#grantHold(waiter.site), true));
    }
    this.#value += left;
  }
}

/**
 * A Semaphore that refuses to be released more often than it was acquired (Python's
 * `threading.BoundedSemaphore`): such a release throws RangeError and changes nothing.
 *
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(2);
 * slots.release(); // RangeError: nothing was acquired
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** @default value 1 */
  constructor(value = 1, options?: SemaphoreOptions) {
    validateOptions(options); // before the spread, which would turn a string into an object
    super(value, { ...options, [bounded]: true } as SemaphoreOptions);
  }
}

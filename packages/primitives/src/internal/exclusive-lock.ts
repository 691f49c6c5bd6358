/**
 * The shared implementation of Lock and RLock: one holder at a time, FIFO hand-off, and (for
 * RLock) re-entry by the task whose frame holds the current hold.
 */
import { LockStateError } from '../errors.ts';
import { grantedGuard, HoldGuard, type Guard } from '../guard.ts';
import { acquireTimeout, runHolding, watchWaiter } from './acquisition.ts';
import type { AcquireSite, LockNode } from '@interlock/core';
import { plainReentryError } from './bound-holds.ts';
import { lockNode, probe } from './probe.ts';
import { deliverLater, ReentryLevels } from './reentry-levels.ts';
import {
  enterRequested,
  frameHas,
  Hold,
  holdsOf,
  leaveHold,
  taskContext,
  type Frame,
  type HoldReleaser,
} from './task-context.ts';
import { validateFunction, validateName, validateOptions } from './validate.ts';
import { abortedBeforeStart, WaiterQueue, type WaitOptions } from './waiter-queue.ts';

/** Options of {@link Lock.acquire}, {@link Semaphore.acquire} and the like. */
export type AcquireOptions = WaitOptions;

/** Options of a lock's constructor. */
export interface LockOptions {
  /**
   * What reports and error messages call this lock.
   * @default `${kind}#${n}`, unique in the process
   */
  name?: string;
}

/** What Condition.wait saved of the lock: the base hold and the RLock levels above it. */
export class SavedHolds {
  readonly base: Hold;
  readonly levels: readonly Hold[];

  constructor(base: Hold, levels: readonly Hold[]) {
    this.base = base;
    this.levels = levels;
  }
}

/**
 * A re-entry that must wait for a sibling's level: its level, created (and, unless `withLock` binds
 * it, entered into the requester's frame) when requested, and the levels the requester's frame
 * must never be taken for the owner of (reentry-levels.ts `pendingIn`).
 */
class PendingReentry {
  readonly level: Hold;
  readonly disowned: readonly Hold[];

  constructor(level: Hold, disowned: readonly Hold[]) {
    this.level = level;
    this.disowned = disowned;
  }
}

/**
 * A queued acquire resolves with its guard; a Condition re-acquire (payload = the saved holds)
 * resolves with undefined.
 */
type Grant = HoldGuard | undefined;

/** Condition's access to a lock's internals (assigned in the class's static block). */
export let releaseSave!: (lock: ExclusiveLock) => SavedHolds;
export let acquireRestore!: (lock: ExclusiveLock, saved: SavedHolds) => Promise<void>;
export let ownedByCaller!: (lock: ExclusiveLock) => boolean;

export class ExclusiveLock {
  // The lock's identity, which is also its detector node; fixed at construction.
  readonly #id: LockNode;
  // Given to every hold: Guard.release comes back through it.
  readonly #releaser: HoldReleaser;
  // The base hold (the one the detector sees); undefined exactly when unlocked. Hand-off replaces
  // it without a gap. Its count is 1 until released, even while re-entry levels are live.
  #hold: Hold | undefined = undefined;
  // RLock only: the re-entry levels above the base (reentry-levels.ts). Empty while unlocked.
  readonly #levels = new ReentryLevels();
  // Queued acquires. Invariant: non-empty only while locked (release hands off directly).
  readonly #waiters: WaiterQueue<Grant>;

  constructor(kind: 'Lock' | 'RLock', reentrant: boolean, options: LockOptions | undefined) {
    validateOptions(options);
    validateName(options?.name);
    this.#id = lockNode({ kind, name: options?.name, reentrant, exclusive: true }, this);
    this.#releaser = (hold) => this.#releaseHold(hold);
    this.#waiters = new WaiterQueue<Grant>({ onTimeout: acquireTimeout(this.#id) });
  }

  /** What reports and error messages call this lock. */
  get name(): string {
    return this.#id.name;
  }

  /** True while some task holds the lock. */
  get locked(): boolean {
    return this.#hold !== undefined;
  }

  /**
   * Wait for the lock, first come first served. Resolves with a {@link Guard}; bind it with
   * `using` so it is released on every path and the hold is tracked for this task.
   * Rejects with a TimeoutError after `timeout` ms, with `signal.reason` on abort; a waiter that
   * gave up never takes the lock later.
   *
   * @example
   * ```ts
   * using guard = await lock.acquire({ timeout: 1000 });
   * ```
   */
  acquire(options?: AcquireOptions): Promise<Guard> {
    return this.#acquire(options, true);
  }

  /**
   * `enter`: a re-entry level is entered into the requester's frame at once (plain and `using`
   * requests); false for `withLock`, which runs its callback in a frame holding the level.
   */
  #acquire(options: AcquireOptions | undefined, enter: boolean): Promise<Guard> {
    const aborted = abortedBeforeStart(options);
    if (aborted !== undefined) return aborted;
    if (probe === undefined && !this.#id.reentrant) return this.#acquireUntracked(options);
    return this.#acquireTracked(options, enter);
  }

  /** The fastest path: a plain Lock with the detector off reads no frame at all. */
  #acquireUntracked(options: AcquireOptions | undefined): Promise<Guard> {
    if (this.#hold === undefined) return Promise.resolve(grantedGuard(this.#take(undefined)));
    return this.#enqueue(options, undefined, undefined);
  }

  /** `acquire` for an RLock, or with the detector on (`enter`: see `#acquire`). */
  #acquireTracked(options: AcquireOptions | undefined, enter: boolean): Promise<Guard> {
    const frame = taskContext.getStore();
    const hold = this.#hold;
    const verdict =
      hold === undefined || !this.#id.reentrant ? undefined : this.#levels.verdict(frame, hold);
    // An RLock held by this task through instrumentation's bind only (not claimed): re-entry needs
    // an owner, so this would wait for ever, as it does uninstrumented. Say so at once instead.
    if (verdict?.kind === 'plain-held' && probe !== undefined)
      return Promise.reject(plainReentryError(this.#id));
    let site: AcquireSite;
    try {
      // `timeout: 0` never waits: to the detector it is a try-acquire (no order edge into it).
      // A sibling's wait inside the same RLock is a re-entry too: no edge, no self-deadlock.
      site = probe?.beforeAcquire(
        holdsOf(frame),
        this.#id,
        verdict !== undefined && (verdict.kind === 'reenter' || verdict.kind === 'wait-sibling'),
        options?.timeout !== 0,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    if (verdict?.kind === 'reenter') {
      const level = this.#nest(this.#newLevel(), false);
      if (enter) enterRequested(level);
      return Promise.resolve(grantedGuard(level));
    }
    if (this.#hold === undefined) return Promise.resolve(grantedGuard(this.#take(site)));
    if (verdict?.kind === 'wait-sibling') return this.#enqueueReentry(options, frame, site, enter);
    return this.#enqueue(options, frame, site);
  }

  /**
   * Queue a re-entry behind a sibling's level. Its level exists from now on (not live until
   * granted) and is entered into the requester's frame now, like an immediate re-entry's: the
   * grant comes from another task's release, where it could not be entered into this one's.
   */
  #enqueueReentry(
    options: AcquireOptions | undefined,
    frame: Frame | undefined,
    site: AcquireSite,
    enter: boolean,
  ): Promise<Guard> {
    const level = this.#newLevel();
    level.live = false;
    const pending = new PendingReentry(level, this.#levels.pendingIn(frame, this.#queuedLevels()));
    const { promise, waiter } = this.#waiters.wait(options, frame, pending);
    waiter.site = site;
    watchWaiter(this.#waiters, waiter, this.#id);
    if (waiter.settled) {
      level.count = 0;
      return promise as Promise<Guard>;
    }
    // A waiter that ends without being let in (timeout, abort, the detector) leaves a dead level.
    const probeEnd = waiter.onEnd;
    waiter.onEnd = () => {
      probeEnd?.();
      if (!level.live) level.count = 0;
    };
    if (enter) enterRequested(level);
    return promise as Promise<Guard>;
  }

  /** The levels of queued re-entries (entered into their requesters' frames already). */
  *#queuedLevels(): Generator<Hold> {
    for (let waiter = this.#waiters.first; waiter !== null; waiter = waiter.next)
      if (waiter.payload instanceof PendingReentry && waiter.payload.level.owner !== undefined)
        yield waiter.payload.level;
  }

  #newLevel(): Hold {
    const level = new Hold(this.#id, this.#releaser);
    level.reentryLevel = true;
    return level;
  }

  #enqueue(
    options: AcquireOptions | undefined,
    frame: Frame | undefined,
    site: AcquireSite,
  ): Promise<Guard> {
    const { promise, waiter } = this.#waiters.wait(options, frame);
    waiter.site = site;
    watchWaiter(this.#waiters, waiter, this.#id);
    return promise as Promise<Guard>;
  }

  /** A new base hold (the lock was free). */
  #take(site: AcquireSite): Hold {
    const granted = new Hold(this.#id, this.#releaser);
    this.#hold = granted;
    probe?.holdAcquired(granted, site);
    return granted;
  }

  /**
   * `level` becomes the innermost re-entry level. `delivered`: the caller has it now
   * (tryAcquire); otherwise it blocks every re-entry until its promise reached the awaiting
   * continuation.
   */
  #nest(level: Hold, delivered: boolean): Hold {
    level.live = true;
    level.delivered = delivered;
    this.#levels.push(level);
    if (!delivered) deliverLater(level);
    return level;
  }

  /**
   * Take the lock only if that needs no waiting (Python's `acquire(blocking=False)`): never
   * while others are queued. The hold is anonymous — see docs/primitives.md — except an RLock
   * re-entry, whose level is this task's from here (reentry-levels.ts).
   *
   * @example
   * ```ts
   * const guard = lock.tryAcquire();
   * if (guard) try { … } finally { guard.release(); }
   * ```
   */
  tryAcquire(): Guard | undefined {
    const hold = this.#hold;
    if (hold === undefined) {
      if (this.#waiters.size > 0) return undefined;
      const site = probe?.beforeAcquire(
        holdsOf(probe === undefined ? undefined : taskContext.getStore()),
        this.#id,
        false,
        false,
      );
      return new HoldGuard(this.#take(site));
    }
    if (!this.#id.reentrant) return undefined;
    const frame = taskContext.getStore();
    if (this.#levels.verdict(frame, hold).kind !== 'reenter') return undefined;
    probe?.beforeAcquire(holdsOf(frame), this.#id, true, false);
    const level = this.#nest(this.#newLevel(), true);
    // Owned from here, like a plain re-entry (see reentry-levels.ts).
    enterRequested(level);
    return new HoldGuard(level);
  }

  /**
   * Release the lock (one level of an RLock). Throws LockStateError when it is not locked, and
   * for an RLock when the current hold belongs to another task's frame.
   */
  release(): void {
    const hold = this.#hold;
    if (hold === undefined)
      throw new LockStateError(
        `Cannot release ${this.#id.kind} ${this.#id.name}: it is not locked`,
      );
    if (!this.#id.reentrant) {
      this.#releaseLevel(hold);
      if (hold.count === 0) leaveHold(hold);
      return;
    }
    const level = this.#levels.ownerLevel(taskContext.getStore(), hold);
    if (level === undefined)
      throw new LockStateError(
        `Cannot release ${this.#id.kind} ${this.#id.name}: another task owns it`,
      );
    this.#releaseLevel(level);
    // A level bound by instrumentation leaves the caller's frame (only ever one that just ended).
    if (level.count === 0) leaveHold(level);
  }

  /**
   * Run `fn` holding the lock and release it however `fn` ends. `fn` and everything it awaits
   * run in a frame that holds the lock (an RLock can be re-entered inside).
   *
   * @example
   * ```ts
   * const total = await lock.withLock(async () => { balance += 1; return balance; });
   * ```
   */
  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    validateFunction(fn, 'fn');
    // Throws synchronously on bad options, before anything changes.
    return runHolding(this.#acquire(options, false), fn);
  }

  #releaseHold(hold: Hold): void {
    // A level of an RLock, or the current base hold; never a hold that already ended.
    if (hold.count === 0 || (hold !== this.#hold && !this.#id.reentrant)) {
      throw new LockStateError(
        `Cannot release ${this.#id.kind} ${this.#id.name}: this acquisition does not hold it now`,
      );
    }
    this.#releaseLevel(hold);
  }

  /**
   * Ends one level (the base or a re-entry). The lock is free once the base and every level
   * above it are released; a released level lets a waiting sibling re-enter.
   */
  #releaseLevel(hold: Hold): void {
    hold.count = 0;
    const base = this.#hold!;
    if (hold !== base) {
      hold.live = false;
      this.#levels.compact();
    }
    if (base.count === 0 && this.#levels.size === 0) {
      base.live = false;
      probe?.holdReleased(base);
      this.#handOff();
      return;
    }
    if (this.#id.reentrant) this.#letSiblingIn(base);
  }

  /** After a level was released: the oldest waiter that may now re-enter nests, if any. */
  #letSiblingIn(base: Hold): void {
    for (let waiter = this.#waiters.first; waiter !== null; waiter = waiter.next) {
      const pending = waiter.payload;
      if (!(pending instanceof PendingReentry)) continue;
      if (this.#levels.verdict(waiter.frame, base, pending.disowned).kind !== 'reenter') continue;
      this.#waiters.grant(waiter, grantedGuard(this.#nest(pending.level, false)));
      return;
    }
  }

  /** Give the free lock straight to the oldest waiter (no barging), or leave it unlocked. */
  #handOff(): void {
    const waiter = this.#waiters.first;
    if (waiter === null) {
      this.#hold = undefined;
      return;
    }
    if (waiter.payload instanceof SavedHolds) {
      this.#restore(waiter.payload);
      this.#waiters.grant(waiter, undefined);
      return;
    }
    // A re-entry still waiting when the whole lock came free takes the lock instead; the level
    // it would have nested is never used.
    if (waiter.payload instanceof PendingReentry) waiter.payload.level.count = 0;
    this.#waiters.grant(waiter, grantedGuard(this.#take(waiter.site)));
  }

  /** Condition.wait's re-acquire: the saved base and levels become the lock's again. */
  #restore(saved: SavedHolds): void {
    saved.base.live = true;
    this.#hold = saved.base;
    for (const level of saved.levels) level.live = true;
    this.#levels.restore(saved.levels);
    probe?.holdAcquired(saved.base);
  }

  static {
    ownedByCaller = (lock) => {
      const hold = lock.#hold;
      if (hold === undefined) return false;
      // A plain Lock has no owner (any task may release it); an RLock's innermost level must be
      // the caller's, or anonymous (CPython's fallback when it cannot tell the owner).
      if (!lock.#id.reentrant) return !hold.claimed || frameHas(taskContext.getStore(), hold);
      return lock.#levels.ownerLevel(taskContext.getStore(), hold, true) !== undefined;
    };
    releaseSave = (lock) => {
      const hold = lock.#hold;
      if (hold === undefined)
        throw new LockStateError(
          `Cannot release ${lock.#id.kind} ${lock.#id.name}: it is not locked`,
        );
      const saved = new SavedHolds(hold, lock.#levels.takeAll());
      hold.live = false;
      for (const level of saved.levels) level.live = false;
      probe?.holdReleased(hold);
      lock.#handOff();
      return saved;
    };
    acquireRestore = (lock, saved) => {
      if (lock.#hold === undefined) {
        lock.#restore(saved);
        return Promise.resolve();
      }
      const { promise, waiter } = lock.#waiters.wait(undefined, taskContext.getStore(), saved);
      watchWaiter(lock.#waiters, waiter, lock.#id);
      return promise.then(
        () => undefined,
        (error: unknown) => {
          // The detector broke a deadlock by failing this re-acquire: the holds are gone for
          // good, so their guards count as released and do not release someone else's hold.
          saved.base.count = 0;
          for (const level of saved.levels) level.count = 0;
          throw error;
        },
      );
    };
  }
}

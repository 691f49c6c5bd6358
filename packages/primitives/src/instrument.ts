/**
 * `instrument(lock, { name })`: lock-order checking for third-party locks (async-mutex's `Mutex`
 * and `Semaphore`, or anything with `acquire`/`release` or `runExclusive`) without rewriting the
 * code that uses them. The wrapper keeps the wrapped object's API and reports each acquisition to
 * the same detector seam as interlock's own primitives.
 */
import type { AcquireSite, LockNode, LockProbe } from '@interlock/core';
import { registerReleaser } from './internal/bound-holds.ts';
import { lockNode, probe } from './internal/probe.ts';
import {
  claimHold,
  frameWith,
  Hold,
  holdsOf,
  leaveHold,
  taskContext,
  type Frame,
  type HoldReleaser,
} from './internal/task-context.ts';
import { invalidArgument, validateName } from './internal/validate.ts';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /**
   * What reports and errors call the lock.
   * @default `${kind}#${n}`, unique in the process
   */
  readonly name?: string;
  /**
   * The kind reports show.
   * @default the wrapped object's class name (`'Mutex'`, `'Semaphore'`), else `'Lock'`
   */
  readonly kind?: string;
  /**
   * At most one holder at a time: re-acquiring it while holding it is reported as a
   * self-deadlock at once. Counting semaphores are not (a second permit may be free).
   * @default false when the object has `getValue()` or its kind names a semaphore, else true
   */
  readonly exclusive?: boolean;
  /**
   * The task that holds it may take it again without waiting (a re-entrant lock). A re-entry is
   * then neither an edge nor a wait; without this option the owner's second request is treated as
   * a wait on itself — broken with `DeadlockError` only if the wrapped lock really makes it wait
   * for longer than `deadlockGrace`.
   * @default false
   */
  readonly reentrant?: boolean;
}

/** What `instrument` needs the wrapped object to have: at least one of these methods. */
export interface InstrumentableLock {
  acquire?(...args: never[]): Promise<unknown>;
  runExclusive?(callback: (...args: never[]) => unknown, ...args: never[]): Promise<unknown>;
  release?(...args: never[]): void;
  isLocked?(): boolean;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** What an instrumented `acquire()` resolves to: the same value, its releaser also `Disposable`. */
export type DisposableRelease<R> = R extends (...args: never[]) => unknown
  ? R & Disposable
  : R extends readonly [infer V, infer F extends (...args: never[]) => unknown]
    ? [V, F & Disposable]
    : R;

/**
 * The type `instrument` returns: the wrapped object's own type, except that `acquire()` resolves
 * to a releaser that `using` accepts.
 */
export type Instrumented<T> = (T extends { acquire(...args: infer A): Promise<infer R> }
  ? { acquire(...args: A): Promise<DisposableRelease<R>> }
  : unknown) &
  T;

/** Objects handed out by `instrument`, so instrumenting one again returns it unchanged. */
const instrumented = new WeakSet<object>();
/** One wrapper per wrapped object: two would be two different locks to the detector. */
const wrappers = new WeakMap<object, object>();

/**
 * Wraps a lock from another library so that every acquisition through the returned object is
 * checked by the detector (lock order, self-deadlock, real deadlocks, `holdTimeout`). The returned
 * object has the wrapped one's API — same methods, same results; use it everywhere instead.
 *
 * - `runExclusive(cb)`: tracked — `cb` runs holding the lock, so locks taken inside are ordered
 *   after it, and a deadlock through it is broken with `DeadlockError`.
 * - `using release = await m.acquire()`: tracked (the releaser is also `Disposable`).
 * - `const release = await m.acquire(); try … finally { release() }`: the hold is anonymous, as
 *   with interlock's own plain style — no edges from it (docs/detector.md).
 *
 * A waiter the detector rejects to break a deadlock stays queued inside the wrapped library
 * (async-mutex cannot cancel one waiter); when it is granted later the wrapper releases it at once.
 * With the detector disabled each call costs one check and goes straight through.
 *
 * @example
 * ```ts
 * import { Mutex } from 'async-mutex';
 * import { detector, instrument } from '@interlock/primitives';
 * detector.enable();
 * const accounts = instrument(new Mutex(), { name: 'accounts' });
 * await accounts.runExclusive(async () => { … });
 * ```
 */
export function instrument<T extends object>(
  lock: T,
  options: InstrumentOptions = {},
): Instrumented<T> {
  if (typeof options !== 'object' || options === null) {
    invalidArgument('type', 'options', 'an object', options);
  }
  validateName(options.name);
  validateName(options.kind, 'kind');
  for (const flag of ['exclusive', 'reentrant'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      invalidArgument('type', flag, 'a boolean', options[flag]);
    }
  }
  const target = lock as InstrumentableLock;
  if (
    typeof target !== 'object' ||
    target === null ||
    (typeof target.acquire !== 'function' && typeof target.runExclusive !== 'function')
  ) {
    invalidArgument('type', 'lock', 'an object with an acquire() or runExclusive() method', lock);
  }
  // tsc needs the assertion (typescript-eslint's checker thinks it changes nothing).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  if (instrumented.has(target)) return lock as Instrumented<T>;
  const existing = wrappers.get(target);
  if (existing !== undefined) return existing as Instrumented<T>;
  const wrapper = new Proxy(target, new InstrumentedLock(target, options));
  instrumented.add(wrapper);
  wrappers.set(target, wrapper);
  return wrapper as Instrumented<T>;
}

function defaultKind(target: object): string {
  const name: unknown = (target as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'Lock';
}

/** The Proxy handler: overrides acquire/runExclusive/release, forwards everything else. */
class InstrumentedLock implements ProxyHandler<InstrumentableLock> {
  // The wrapped object; every call ends up on it, with `this` = it.
  readonly #target: InstrumentableLock;
  // The wrapped lock's identity (its detector node); `exclusive` and `reentrant` decided here,
  // once.
  readonly #id: LockNode;
  // Given to every hold: ends it through the wrapper.
  readonly #releaser: HoldReleaser;
  // Holds granted through the wrapper and not yet released, oldest first.
  readonly #open: Hold[] = [];
  // Our replacements, only for methods the target has.
  readonly #overrides = new Map<PropertyKey, AnyFunction>();
  // The target's other methods bound to it (so #private-using classes work behind the Proxy).
  readonly #bound = new WeakMap<AnyFunction, AnyFunction>();

  constructor(target: InstrumentableLock, options: InstrumentOptions) {
    this.#target = target;
    const kind = options.kind ?? defaultKind(target);
    const counting =
      typeof (target as { getValue?: unknown }).getValue === 'function' || /semaphore/i.test(kind);
    const exclusive = options.exclusive ?? !counting;
    this.#id = lockNode(
      { kind, name: options.name, reentrant: options.reentrant ?? false, exclusive },
      target,
    );
    this.#releaser = (hold) => this.#end(hold);
    if (typeof target.acquire === 'function')
      this.#overrides.set('acquire', (...args) => this.#acquire(args));
    if (typeof target.runExclusive === 'function')
      this.#overrides.set('runExclusive', (...args) => this.#runExclusive(args));
    if (typeof target.release === 'function')
      this.#overrides.set('release', (...args) => this.#release(args));
  }

  get(target: InstrumentableLock, key: PropertyKey): unknown {
    const override = this.#overrides.get(key);
    if (override !== undefined) return override;
    const value: unknown = Reflect.get(target, key, target);
    if (typeof value !== 'function' || key === 'constructor') return value;
    const method = value as AnyFunction;
    let bound = this.#bound.get(method);
    if (bound === undefined) this.#bound.set(method, (bound = method.bind(target)));
    return bound;
  }

  set(target: InstrumentableLock, key: PropertyKey, value: unknown): boolean {
    return Reflect.set(target, key, value, target);
  }

  /**
   * `acquire(...args)`: checked before the wrapped acquire is called; the result keeps its shape.
   */
  #acquire(args: unknown[]): Promise<unknown> {
    const target = this.#target;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to `target` below
    const acquire = target.acquire as AnyFunction;
    const current = probe;
    if (current === undefined) return acquire.apply(target, args) as Promise<unknown>;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    let acquisition: Acquisition;
    try {
      acquisition = new Acquisition(current, this.#id, this.#isLocked(), reject);
    } catch (verdict) {
      return Promise.reject(verdict);
    }
    const inner = acquire.apply(target, args) as Promise<unknown>;
    acquisition.watch();
    inner.then(
      (value) => {
        if (!acquisition.granted()) {
          releaseResult(value, () => (target.release as AnyFunction | undefined)?.call(target));
          return;
        }
        resolve(this.#wrapResult(value, this.#grant(acquisition)));
      },
      (error: unknown) => {
        if (acquisition.failed()) reject(error);
      },
    );
    return promise;
  }

  /** `runExclusive(cb, ...args)`: `cb` runs in a frame that holds this lock. */
  #runExclusive(args: unknown[]): Promise<unknown> {
    const target = this.#target;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to `target` below
    const runExclusive = target.runExclusive as AnyFunction;
    const current = probe;
    const [callback, ...rest] = args;
    if (current === undefined || typeof callback !== 'function')
      return runExclusive.apply(target, args) as Promise<unknown>;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    let acquisition: Acquisition;
    try {
      acquisition = new Acquisition(current, this.#id, this.#isLocked(), reject);
    } catch (verdict) {
      return Promise.reject(verdict);
    }
    const body = (...callbackArgs: unknown[]): unknown => {
      // The detector rejected this waiter to break a deadlock: give the lock straight back.
      if (!acquisition.granted()) return undefined;
      const hold = this.#grant(acquisition);
      hold.claimed = true;
      let result: unknown;
      try {
        result = taskContext.run(
          frameWith(acquisition.frame, hold),
          callback as AnyFunction,
          ...callbackArgs,
        );
      } catch (error) {
        this.#end(hold);
        throw error;
      }
      if (!isThenable(result)) {
        this.#end(hold);
        return result;
      }
      return Promise.resolve(result).finally(() => this.#end(hold));
    };
    const inner = runExclusive.call(target, body, ...rest) as Promise<unknown>;
    acquisition.watch();
    inner.then(resolve, (error: unknown) => {
      if (acquisition.failed()) reject(error);
    });
    return promise;
  }

  /**
   * `release(...args)`: ends the caller's own hold if its frame has one; otherwise, for an
   * exclusive lock, its one hold; for a counting one, the oldest anonymous hold (any anonymous
   * hold is as good as another to the detector). Then the wrapped release.
   */
  #release(args: unknown[]): void {
    const target = this.#target;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to `target` below
    const release = target.release as AnyFunction;
    const open = this.#open;
    if (open.length > 0) {
      const frame = taskContext.getStore();
      const own = frame?.holds.findLast((hold) => hold.lock === this.#id && hold.live);
      if (own !== undefined) {
        this.#end(own);
        leaveHold(own);
      } else if (this.#id.exclusive) for (const hold of [...open]) this.#end(hold);
      else {
        // A hold bound by instrumentation first (see Semaphore's #endAnonymous): a bound hold left
        // live after its permit came back would invent edges; ending one still used only loses
        // some.
        const anonymous =
          open.find((hold) => !hold.claimed && hold.boundAt !== undefined) ??
          open.find((hold) => !hold.claimed);
        if (anonymous !== undefined) this.#end(anonymous);
      }
    }
    release.apply(target, args);
  }

  #grant(acquisition: Acquisition): Hold {
    const hold = new Hold(this.#id, this.#releaser);
    this.#open.push(hold);
    probe?.holdAcquired(hold, acquisition.site);
    return hold;
  }

  /** Ends `hold` once (later calls do nothing). */
  #end(hold: Hold): void {
    if (hold.count === 0) return;
    hold.count = 0;
    hold.live = false;
    const index = this.#open.indexOf(hold);
    if (index !== -1) this.#open.splice(index, 1);
    probe?.holdReleased(hold);
  }

  #isLocked(): boolean {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called on the target below
    const isLocked = this.#target.isLocked;
    return typeof isLocked === 'function' && isLocked.call(this.#target) === true;
  }

  /**
   * A releaser function (async-mutex `Mutex`), or `[value, releaser]` (its `Semaphore`), comes back
   * as the same shape with a releaser that also ends the hold and is `Disposable` (`using`).
   * Anything else comes back unchanged; the hold then ends on `release()`.
   */
  #wrapResult(value: unknown, hold: Hold): unknown {
    if (typeof value === 'function') return this.#disposableReleaser(value as AnyFunction, hold);
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'function') {
      return [value[0], this.#disposableReleaser(value[1] as AnyFunction, hold)];
    }
    return value;
  }

  #disposableReleaser(inner: AnyFunction, hold: Hold): (() => void) & Disposable {
    const release = (): void => {
      this.#end(hold);
      // A hold bound by instrumentation leaves the caller's frame (only if it is there).
      leaveHold(hold);
      inner();
    };
    const dispose = (): void => {
      release();
      leaveHold(hold);
    };
    // A getter, like Guard's: `using` reads it in the acquiring task's own continuation, the one
    // moment the hold can enter that task's frame without lending it to others.
    // Source instrumentation's `bind(await m.acquire())` enters the hold through this.
    registerReleaser(release, hold);
    Object.defineProperty(release, Symbol.dispose, {
      get() {
        if (hold.count > 0) claimHold(hold);
        return dispose;
      },
    });
    return release as (() => void) & Disposable;
  }
}

/**
 * One acquisition through the wrapper: the detector's order check (the constructor throws its
 * verdict, before the wrapped lock is touched), its wait when the lock was busy, and the
 * detector's right to give up on that wait to break a deadlock.
 */
class Acquisition {
  /** The acquiring task's frame, at the time it asked. */
  readonly frame: Frame | undefined;
  /** What the probe's `beforeAcquire` returned; handed back with the grant. */
  readonly site: AcquireSite;
  // 'abandoned' once the detector rejected the waiter: a late grant must be handed straight back.
  #state: 'waiting' | 'granted' | 'abandoned' = 'waiting';
  // Ends the detector's record of the wait; undefined until `watch`, and when nothing waits.
  #endWait: (() => void) | undefined = undefined;
  readonly #probe: LockProbe;
  readonly #id: LockNode;
  readonly #mustWait: boolean;
  readonly #reject: (error: unknown) => void;

  /** @throws what the probe's order check throws (`LockOrderError`, `DeadlockError`). */
  constructor(
    current: LockProbe,
    id: LockNode,
    mustWait: boolean,
    reject: (error: unknown) => void,
  ) {
    const frame = taskContext.getStore();
    // A re-entrant lock taken again by a task that holds it: no edge, no wait (it is granted).
    const holdsIt =
      frame !== undefined && frame.holds.some((hold) => hold.lock === id && hold.live);
    const reentry = id.reentrant && holdsIt;
    this.frame = frame;
    this.site = current.beforeAcquire(holdsOf(frame), id, reentry, true);
    this.#probe = current;
    this.#id = id;
    // Without isLocked(), a task that holds the lock and asks again is still known to wait (on
    // itself, or on the task it inherited the hold from): the wait-for graph must see it.
    this.#mustWait = (mustWait || (holdsIt && id.exclusive)) && !reentry;
    this.#reject = reject;
  }

  /**
   * Call once the wrapped acquisition is under way: a busy lock's wait enters the wait-for graph.
   */
  watch(): void {
    if (!this.#mustWait || this.#state !== 'waiting') return;
    const current = this.#probe;
    const ticket = current.waitStart(
      holdsOf(this.frame),
      this.#id,
      (error) => {
        if (this.#state !== 'waiting') return;
        this.#state = 'abandoned';
        this.#reject(error);
      },
      this.site,
    );
    this.#endWait = () => current.waitEnd(ticket);
  }

  /** The wrapped lock granted it. `false` when the detector had given up on it (release it). */
  granted(): boolean {
    this.#endWait?.();
    if (this.#state === 'abandoned') return false;
    this.#state = 'granted';
    return true;
  }

  /** The wrapped acquisition (or run) failed. `false` when the caller was already rejected. */
  failed(): boolean {
    this.#endWait?.();
    return this.#state !== 'abandoned';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Gives back what a late grant returned: call its releaser, or the lock's own `release()`. */
function releaseResult(value: unknown, releaseLock: () => void): void {
  if (typeof value === 'function') (value as AnyFunction)();
  else if (Array.isArray(value) && typeof value[1] === 'function') (value[1] as AnyFunction)();
  else releaseLock();
}

/* eslint-disable @interlock/consistent-lock-order, @interlock/no-self-deadlock,
   @interlock/no-unmanaged-acquire -- These tests exercise the primitives' raw protocol on purpose
   (unmanaged acquires, single waits, deliberate self-deadlocks) and build lock-order cycles for the
   detector to find: it is what they test. */
/**
 * `instrument()` on real async-mutex locks: the wrapped API keeps its shape, acquisitions through
 * it are ordered, checked and broken like interlock's own, and it works next to our primitives.
 */
import { Mutex, Semaphore as MutexSemaphore, type MutexInterface } from 'async-mutex';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  DeadlockError,
  detector,
  instrument,
  Lock,
  LockOrderError,
} from '../src/index.ts';
import { settle, track } from './support/async.ts';
import { cycleNames, disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

describe('instrument: API shape', () => {
  it('a Mutex keeps its methods, results and prototype', async () => {
    enableFresh();
    const raw = new Mutex();
    const mutex = instrument(raw, { name: 'm' });
    expect(mutex).toBeInstanceOf(Mutex);
    expect(mutex.isLocked()).toBe(false);
    const release = await mutex.acquire();
    expect(typeof release).toBe('function');
    expect(mutex.isLocked()).toBe(true);
    expect(raw.isLocked()).toBe(true);
    release();
    expect(mutex.isLocked()).toBe(false);
    expect(await mutex.runExclusive(() => 42)).toBe(42);
    await mutex.acquire();
    mutex.release();
    expect(mutex.isLocked()).toBe(false);
    await mutex.waitForUnlock();
    expect(detector.stats().holds).toBe(0);
  });

  it('a Semaphore keeps [value, releaser] and its counting API', async () => {
    enableFresh();
    const semaphore = instrument(new MutexSemaphore(2), { name: 's' });
    const [value, release] = await semaphore.acquire();
    expect(value).toBe(2);
    expect(semaphore.getValue()).toBe(1);
    expect(await semaphore.runExclusive((permits) => permits)).toBe(1);
    release();
    expect(semaphore.getValue()).toBe(2);
    semaphore.setValue(3);
    expect(semaphore.getValue()).toBe(3);
    expect(detector.stats().holds).toBe(0);
  });

  it('cancel() still rejects waiters, and the wait ends for the detector', async () => {
    enableFresh();
    const mutex = instrument(new Mutex(), { name: 'm' });
    const release = await mutex.acquire();
    const waiter = track(mutex.acquire());
    await settle();
    expect(detector.stats().blockedWaiters).toBe(1);
    mutex.cancel();
    await settle();
    expect(waiter.state).toBe('rejected');
    expect(detector.stats().blockedWaiters).toBe(0);
    release();
  });

  it('instrumenting twice gives the same wrapper; bad arguments throw TypeError', () => {
    const raw = new Mutex();
    const once = instrument(raw, { name: 'm' });
    expect(instrument(raw, { name: 'other' })).toBe(once);
    expect(instrument(once)).toBe(once);
    expect(() => instrument({} as Mutex)).toThrow(
      /Expected `lock` to be an object with an acquire\(\) or runExclusive\(\) method, got an object/,
    );
    expect(() => instrument(new Mutex(), { name: 3 as never })).toThrow(TypeError);
    expect(() => instrument(new Mutex(), { exclusive: 'yes' as never })).toThrow(TypeError);
  });

  it('kind and exclusivity default from the wrapped class', async () => {
    enableFresh();
    const mutex = instrument(new Mutex(), { name: 'mx' });
    const semaphore = instrument(new MutexSemaphore(1), { name: 'sx' });
    await mutex.runExclusive(() => undefined);
    await semaphore.runExclusive(() => undefined);
    const kinds = Object.fromEntries(
      detector.snapshot().locks.map((lock) => [lock.name, lock.kind]),
    );
    expect(kinds).toMatchObject({ mx: 'Mutex', sx: 'Semaphore' });
  });

  it('disabled, calls go straight through (the releaser is async-mutex’s own)', async () => {
    detector.disable();
    const raw = new Mutex();
    const mutex = instrument(raw, { name: 'm' });
    const release = await mutex.acquire();
    expect(Symbol.dispose in release).toBe(false);
    release();
    expect(raw.isLocked()).toBe(false);
  });
});

/**
 * A minimal third-party lock: acquire() resolves to nothing, release() frees it; #private state.
 */
class TinyLock {
  #locked = false;
  #queue: (() => void)[] = [];
  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }
  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
  isLocked(): boolean {
    return this.#locked;
  }
}

describe('instrument: any acquire/release lock', () => {
  it('a class with #private fields works behind the wrapper; its holds end on release()', async () => {
    enableFresh();
    const tiny = instrument(new TinyLock(), { name: 'tiny' });
    expect(await tiny.acquire()).toBeUndefined();
    expect(tiny.isLocked()).toBe(true);
    expect(detector.stats().holds).toBe(1);
    tiny.release();
    expect(tiny.isLocked()).toBe(false);
    expect(detector.stats().holds).toBe(0);
    const kinds = detector
      .snapshot()
      .locks.filter((lock) => lock.name === 'tiny')
      .map((lock) => lock.kind);
    expect(kinds).toEqual(['TinyLock']);
  });

  it('its plain holds are anonymous: nested under a tracked lock they are ordered after it', async () => {
    enableFresh();
    const tiny = instrument(new TinyLock(), { name: 'tiny' });
    const lock = new Lock({ name: 'lock' });
    await lock.withLock(async () => {
      await tiny.acquire();
      tiny.release();
    });
    expect(edgeNames()).toEqual(['lock→tiny']);
  });

  it('an object with only runExclusive is enough', async () => {
    enableFresh();
    const inner = new Mutex();
    const onlyRun = instrument(
      { runExclusive: <T>(fn: () => T | Promise<T>) => inner.runExclusive(fn) },
      { name: 'only-run' },
    );
    const lock = new Lock({ name: 'lock' });
    await onlyRun.runExclusive(() => lock.withLock(() => undefined));
    expect(edgeNames()).toEqual(['only-run→lock']);
  });

  it('a re-entrant lock: with `reentrant: true` its owner re-enters it freely; without, a re-entry the library grants at once is no verdict either', async () => {
    /** Grants its owner again at once (ownership by task is the library's business, not ours). */
    class ReentrantLock {
      depth = 0;
      async runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
        this.depth += 1;
        try {
          return await fn();
        } finally {
          this.depth -= 1;
        }
      }
      isLocked(): boolean {
        return this.depth > 0;
      }
    }
    enableFresh({ onCycle: 'record' });
    const reentrant = instrument(new ReentrantLock(), { name: 're', reentrant: true });
    const lock = new Lock({ name: 'lock' });
    expect(
      await reentrant.runExclusive(() =>
        lock.withLock(() => reentrant.runExclusive(() => 'inner')),
      ),
    ).toBe('inner');
    expect(edgeNames()).toEqual(['re→lock']); // no lock → re from the re-entry
    expect(detector.deadlocks()).toEqual([]);
    expect(detector.stats()).toMatchObject({ holds: 0, blockedWaiters: 0 });

    // Undeclared: the detector does not refuse the owner's second request up front (it may hold
    // the lock only by inheritance); the library grants it at once, so nothing ever waits.
    const plain = instrument(new ReentrantLock(), { name: 'not-declared' });
    expect(await plain.runExclusive(() => plain.runExclusive(() => 'inner'))).toBe('inner');
    expect(detector.deadlocks()).toEqual([]);
    expect(() => instrument(new ReentrantLock(), { reentrant: 'yes' as never })).toThrow(
      'Expected `reentrant` to be a boolean, got "yes"',
    );
  });
});

describe('instrument: lock order', () => {
  it('runExclusive nested in runExclusive records the edge; the reverse is refused and takes nothing', async () => {
    enableFresh();
    const a = instrument(new Mutex(), { name: 'a' });
    const b = instrument(new Mutex(), { name: 'b' });
    await a.runExclusive(() => b.runExclusive(() => undefined));
    expect(edgeNames()).toEqual(['a→b']);
    const refused = await b
      .runExclusive(() => a.runExclusive(() => 'never'))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LockOrderError);
    expect(cycleNames((refused as LockOrderError).cycle)).toEqual(['a', 'b']);
    expect(a.isLocked() || b.isLocked()).toBe(false);
  });

  it('`using release = await mutex.acquire()` is tracked; the plain releaser style is anonymous', async () => {
    enableFresh();
    const a = instrument(new Mutex(), { name: 'a' });
    const b = instrument(new Mutex(), { name: 'b' });
    {
      using _a = await a.acquire();
      using _b = await b.acquire();
    }
    expect(a.isLocked() || b.isLocked()).toBe(false);
    expect(edgeNames()).toEqual(['a→b']);
    // Plain style, reverse order: no edge, so no cycle — a missed edge, never an invented one.
    const releaseB = await b.acquire();
    const releaseA = await a.acquire();
    releaseA();
    releaseB();
    expect(edgeNames()).toEqual(['a→b']);
  });

  it('mixes with interlock’s own primitives in one graph', async () => {
    enableFresh();
    const mutex = instrument(new Mutex(), { name: 'mutex' });
    const lock = new Lock({ name: 'lock' });
    await lock.withLock(() => mutex.runExclusive(() => undefined));
    await expect(mutex.runExclusive(() => lock.withLock(() => undefined))).rejects.toBeInstanceOf(
      LockOrderError,
    );
    expect(edgeNames()).toEqual(['lock→mutex']);
  });

  it('an async-mutex Semaphore held while taking a Mutex gives an edge', async () => {
    enableFresh();
    const pool = instrument(new MutexSemaphore(3), { name: 'pool' });
    const mutex = instrument(new Mutex(), { name: 'mutex' });
    await pool.runExclusive(() => mutex.runExclusive(() => undefined));
    expect(edgeNames()).toEqual(['pool→mutex']);
  });

  it('Promise.all siblings under runExclusive record exactly their own nesting', async () => {
    enableFresh();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => instrument(new Mutex(), { name }));
    const meet = new Barrier(2);
    const transfer = (first: MutexInterface, second: MutexInterface): Promise<void> =>
      first.runExclusive(async () => {
        await meet.wait();
        await second.runExclusive(() => undefined);
      });
    await Promise.all([transfer(a!, b!), transfer(c!, d!)]);
    expect(edgeNames()).toEqual(['a→b', 'c→d']);
  });
});

describe('instrument: deadlocks', () => {
  it('re-entering a held Mutex through runExclusive is a self-deadlock, rejected at once', async () => {
    enableFresh();
    const mutex = instrument(new Mutex(), { name: 'm' });
    await expect(
      mutex.runExclusive(() => mutex.runExclusive(() => undefined)),
    ).rejects.toBeInstanceOf(DeadlockError);
    expect(mutex.isLocked()).toBe(false);
  });

  it('AB-BA with runExclusive (onCycle: record): one waiter gets DeadlockError, the other finishes, nothing stays locked', async () => {
    enableFresh({ onCycle: 'record' });
    const a = instrument(new Mutex(), { name: 'a' });
    const b = instrument(new Mutex(), { name: 'b' });
    const bothHoldFirst = new Barrier(2);
    const transfer = (first: MutexInterface, second: MutexInterface): Promise<string> =>
      first.runExclusive(async () => {
        await bothHoldFirst.wait();
        return second.runExclusive(() => 'done');
      });
    const t1 = track(transfer(a, b));
    const t2 = track(transfer(b, a));
    await settle();
    await settle();
    expect([t1.state, t2.state].sort()).toEqual(['fulfilled', 'rejected']);
    expect(t1.state === 'rejected' ? t1.error : t2.error).toBeInstanceOf(DeadlockError);
    // The rejected waiter stayed queued in async-mutex; its late grant was handed straight back.
    expect(a.isLocked() || b.isLocked()).toBe(false);
    expect(detector.deadlocks()).toHaveLength(1);
    expect(detector.stats()).toMatchObject({ blockedWaiters: 0, holds: 0 });
  });

  it('AB-BA with `using release = await acquire()`: broken the same way, the late grant released', async () => {
    enableFresh({ onCycle: 'record' });
    const a = instrument(new Mutex(), { name: 'a' });
    const b = instrument(new Mutex(), { name: 'b' });
    const bothHoldFirst = new Barrier(2);
    const transfer = async (first: typeof a, second: typeof a): Promise<void> => {
      using _first = await first.acquire();
      await bothHoldFirst.wait();
      using _second = await second.acquire();
    };
    const results = [track(transfer(a, b)), track(transfer(b, a))];
    await settle();
    await settle();
    expect(results.map((result) => result.state).sort()).toEqual(['fulfilled', 'rejected']);
    expect(a.isLocked() || b.isLocked()).toBe(false);
  });
});

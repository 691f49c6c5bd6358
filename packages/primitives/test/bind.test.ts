/**
 * `bind` — what source instrumentation wraps around every awaited acquire — written out by hand:
 * the plain and releaser styles become tracked, siblings still never lend each other holds, and
 * nothing a program does changes (an RLock held plainly is still not re-entered).
 */
import { Mutex, Semaphore as MutexSemaphore } from 'async-mutex';
import { describe, expect, it } from 'vitest';
import { bind, nameNextLock, takeLockName } from '../src/bind.ts';
import {
  DeadlockError,
  detector,
  instrument,
  Lock,
  LockOrderError,
  RLock,
  Semaphore,
} from '../src/index.ts';
import { taskContext } from '../src/internal/task-context.ts';
import { settle, track } from './support/async.ts';
import { cycleNames, disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

describe('bind: plain style', () => {
  it('orders locks taken with await acquire() / release()', async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    bind(await a.acquire());
    bind(await b.acquire());
    b.release();
    a.release();
    expect(edgeNames()).toEqual(['a→b']);
    bind(await b.acquire());
    await expect(a.acquire()).rejects.toBeInstanceOf(LockOrderError);
    b.release();
    expect(detector.cycles().map(cycleNames)).toEqual([['a', 'b']]);
  });

  it('without bind the same code is anonymous: no edge', async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.acquire();
    await b.acquire();
    b.release();
    a.release();
    expect(edgeNames()).toEqual([]);
  });

  it('siblings never lend each other holds, even when bound in a callee the parent called synchronously', async () => {
    enableFresh({ onCycle: 'record' });
    const locks = ['a', 'b', 'c', 'd', 'e'].map((name) => new Lock({ name }));
    const [a, b, c, d, e] = locks as [Lock, Lock, Lock, Lock, Lock];
    async function nest(outer: Lock, inner: Lock): Promise<void> {
      bind(await outer.acquire());
      bind(await inner.acquire());
      inner.release();
      outer.release();
    }
    async function single(lock: Lock): Promise<void> {
      bind(await lock.acquire());
      lock.release();
    }
    await Promise.all([nest(a, b), nest(c, d), single(e)]);
    expect(edgeNames()).toEqual(['a→b', 'c→d']);
  });

  it('a real AB-BA deadlock in the plain style is broken with DeadlockError', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const bothHoldOne = Promise.withResolvers<void>();
    let arrived = 0;
    async function cross(first: Lock, second: Lock): Promise<string> {
      bind(await first.acquire());
      try {
        arrived += 1;
        if (arrived === 2) bothHoldOne.resolve();
        await bothHoldOne.promise;
        bind(await second.acquire());
        second.release();
        return 'done';
      } finally {
        first.release();
      }
    }
    const results = await Promise.allSettled([cross(a, b), cross(b, a)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(DeadlockError);
  });

  it('a Lock re-acquired by its plain holder is a DeadlockError at once', async () => {
    enableFresh();
    const lock = new Lock({ name: 'solo' });
    bind(await lock.acquire());
    const error: unknown = await lock.acquire().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DeadlockError);
    lock.release();
  });

  it('a loop of plain acquire/release keeps the frame at one hold', async () => {
    enableFresh();
    const lock = new Lock({ name: 'loop' });
    for (let turn = 0; turn < 50; turn++) {
      bind(await lock.acquire());
      expect(taskContext.getStore()?.holds.length).toBe(1);
      lock.release();
    }
    expect(detector.stats().holds).toBe(0);
  });
});

describe('bind: a permit given back by another task', () => {
  it('leaves the taker’s frame holding nothing live: no edge is invented, and its guard still gives a permit back', async () => {
    enableFresh({ onCycle: 'record' });
    const signal = new Semaphore(1, { name: 'signal' });
    const after = new Lock({ name: 'after' });
    const permit = bind(await signal.acquire(), '/app/a.ts:1:1');
    // Another task hands the permit back (the semaphore used as a signal).
    await Promise.resolve().then(() => taskContext.exit(() => signal.release()));
    bind(await after.acquire());
    after.release();
    expect(edgeNames()).toEqual([]);
    expect(signal.value).toBe(1);
    permit.release();
    expect(signal.value).toBe(2);
  });

  it('the same through an instrumented async-mutex Semaphore', async () => {
    enableFresh({ onCycle: 'record' });
    const signal = instrument(new MutexSemaphore(1), { name: 'signal' });
    const after = new Lock({ name: 'after' });
    bind(await signal.acquire(), '/app/a.ts:1:1');
    await Promise.resolve().then(() => taskContext.exit(() => signal.release()));
    bind(await after.acquire());
    after.release();
    expect(edgeNames()).toEqual([]);
  });
});

describe('bind: RLock held in the plain style', () => {
  it('re-acquiring it rejects at once with a DeadlockError that names the fix', async () => {
    enableFresh();
    const rlock = new RLock({ name: 'r' });
    bind(await rlock.acquire());
    const error: unknown = await rlock.acquire().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DeadlockError);
    expect((error as DeadlockError).message).toMatch(/plain `await lock\.acquire\(\)`/);
    expect((error as DeadlockError).message).toMatch(/using/);
    expect((error as DeadlockError).message).toMatch(/withLock/);
    expect((error as DeadlockError).cycle.locks.map((lock) => lock.name)).toEqual(['r']);
    rlock.release();
    expect(rlock.locked).toBe(false);
  });

  it('without the detector it waits, as it does without instrumentation (semantics unchanged)', async () => {
    const rlock = new RLock({ name: 'r' });
    bind(await rlock.acquire());
    const second = track(rlock.acquire());
    await settle();
    expect(second.state).toBe('pending');
    rlock.release();
    await settle();
    expect(second.state).toBe('fulfilled');
    second.value?.release();
  });

  it('using-bound holds are still re-entered (bind then using claims)', async () => {
    enableFresh();
    const rlock = new RLock({ name: 'r' });
    {
      using outer = bind(await rlock.acquire());
      using inner = bind(await rlock.acquire());
      expect(inner.released).toBe(false);
      expect(outer.released).toBe(false);
    }
    expect(rlock.locked).toBe(false);
  });

  it('a plain hold may still be released by another task, as without instrumentation', async () => {
    const rlock = new RLock({ name: 'r' });
    bind(await rlock.acquire());
    await Promise.resolve().then(() => {
      taskContext.exit(() => rlock.release());
    });
    expect(rlock.locked).toBe(false);
  });
});

describe('bind: async-mutex releasers through instrument()', () => {
  it('the releaser style records edges and closes cycles', async () => {
    enableFresh({ onCycle: 'throw' });
    const accounts = instrument(new Mutex(), { name: 'accounts' });
    const ledger = instrument(new Mutex(), { name: 'ledger' });
    const releaseAccounts = bind(await accounts.acquire());
    const releaseLedger = bind(await ledger.acquire());
    releaseLedger();
    releaseAccounts();
    expect(edgeNames()).toEqual(['accounts→ledger']);
    const again = bind(await ledger.acquire());
    await expect(accounts.acquire()).rejects.toBeInstanceOf(LockOrderError);
    again();
  });

  it('a Semaphore [value, releaser] tuple and Promise.all arrays are bound', async () => {
    enableFresh({ onCycle: 'record' });
    const pool = instrument(new MutexSemaphore(2), { name: 'pool' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const [, release] = bind(await pool.acquire());
    const guards = bind(await Promise.all([a.acquire(), b.acquire()]));
    for (const guard of guards) guard.release();
    release();
    expect(edgeNames()).toEqual(['pool→a', 'pool→b']);
  });
});

describe('nameNextLock / takeLockName: names for async-mutex locks', () => {
  /** What `@interlock/vitest`'s async-mutex re-export builds: it takes the recorded name. */
  class NamedMutex extends Mutex {
    constructor() {
      const name = takeLockName(new.target);
      super();
      return instrument(this, { kind: 'Mutex', name });
    }
  }
  class OtherMutex extends Mutex {}

  it('the next lock of exactly the recorded class takes the name, and only that one', async () => {
    enableFresh();
    expect(nameNextLock('accounts', NamedMutex, 7)).toBe(7);
    const accounts = new NamedMutex();
    const unnamed = new NamedMutex();
    await accounts.runExclusive(() => unnamed.runExclusive(() => undefined));
    expect(edgeNames()).toEqual([expect.stringMatching(/^accounts→Mutex#\d+$/)]);
    // A named lock's name is its cross-process key (a generated one is not).
    const report = detector.snapshot();
    const [edge] = report.edges;
    const keyOf = (id: string | undefined) =>
      report.locks.find((lock) => lock.id === id)?.key.split('@')[0];
    expect([keyOf(edge?.from), keyOf(edge?.to)]).toEqual(['accounts', 'Mutex']);
  });

  it('a name recorded for another class is dropped, never given to the next lock', async () => {
    enableFresh();
    nameNextLock('shadowed', OtherMutex);
    const first = new NamedMutex();
    nameNextLock('second', NamedMutex);
    const second = new NamedMutex();
    await first.runExclusive(() => second.runExclusive(() => undefined));
    expect(edgeNames()).toEqual([expect.stringMatching(/^Mutex#\d+→second$/)]);
    expect(takeLockName(NamedMutex)).toBeUndefined();
  });
});

describe('bind: values that are not holds', () => {
  it('returns anything else untouched and enters nothing', async () => {
    const values: unknown[] = [undefined, null, 1, 'x', {}, [1, [2]], () => 1, new Semaphore(1)];
    for (const value of values) expect(bind(value)).toBe(value);
    expect(taskContext.getStore()).toBeUndefined();
    await settle();
  });

  it('a released guard is not entered', async () => {
    const lock = new Lock();
    const guard = await lock.acquire();
    guard.release();
    bind(guard);
    expect(taskContext.getStore()).toBeUndefined();
  });
});

describe('detector.heldLocks', () => {
  it('lists live holds with the site bind was given, the same object per hold, and forgets released ones', async () => {
    enableFresh();
    const lock = new Lock({ name: 'ledger' });
    const semaphore = new Semaphore(2, { name: 'pool' });
    bind(await lock.acquire(), '/app/src/a:b.ts:12:9');
    const permit = await semaphore.acquire();
    const first = detector.heldLocks();
    expect(first.map((held) => held.name).sort()).toEqual(['ledger', 'pool']);
    expect(first.find((held) => held.name === 'ledger')?.site).toEqual({
      file: '/app/src/a:b.ts',
      line: 12,
      column: 9,
    });
    expect(detector.heldLocks().find((held) => held.name === 'ledger')).toBe(
      first.find((held) => held.name === 'ledger'),
    );
    lock.release();
    permit.release();
    expect(detector.heldLocks()).toEqual([]);
  });

  it('is empty when nothing is held', () => {
    expect(detector.heldLocks()).toEqual([]);
  });
});

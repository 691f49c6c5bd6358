/* eslint-disable @interlock/condition-wait-in-loop, @interlock/no-unmanaged-acquire -- Single waits
   and hand-released guards are what these tests check (a blocking call on the main thread must
   throw). */
// What the main thread (where these tests run) can and cannot do, handles, and argument errors.
import { describe, expect, it } from 'vitest';
import {
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  LockStateError,
  MainThreadBlockingError,
  RLock,
  Semaphore,
  TimeoutError,
} from '../../src/threads/index.ts';
import { SharedDomain } from '../../src/threads/shared-memory.ts';
import { makeHandle } from '../../src/threads/handle.ts';
import { argumentError } from '@interlock/core';

describe('the main thread', () => {
  it('a guard stays released when its lock is acquired again', () => {
    const lock = new Lock({ name: 'reused' });
    const first = lock.acquire();
    first.release();
    const second = lock.acquire();
    expect(first.released).toBe(true);
    first.release(); // stale: must not end the second acquisition
    first[Symbol.dispose]();
    expect(lock.locked).toBe(true);
    expect(second.released).toBe(false);
    // Released through the lock instead of the guard: the guard sees it, and stays a no-op.
    lock.release();
    expect(second.released).toBe(true);
    const third = lock.acquire();
    second.release();
    expect(lock.locked).toBe(true);
    third.release();
    expect(lock.locked).toBe(false);
    expect(() => {
      lock.release();
    }).toThrow(LockStateError);
  });

  it('a blocking acquire that would wait throws MainThreadBlockingError instead of freezing the process', () => {
    const lock = new Lock({ name: 'm' });
    using _held = lock.acquire(); // free: taking it does not block
    const error = (() => {
      try {
        lock.acquire();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MainThreadBlockingError);
    expect((error as MainThreadBlockingError).code).toBe('ERR_INTERLOCK_MAIN_THREAD_BLOCKING');
    expect((error as Error).message).toContain('m.acquire() would block the main thread');
    expect(() => new Event().wait()).toThrow(MainThreadBlockingError);
    // A zero timeout never blocks, so it is allowed.
    expect(() => lock.acquire({ timeout: 0 })).toThrow(TimeoutError);
    expect(new Event().wait({ timeout: 0 })).toBe(false);
    const cond = new Condition(new Lock());
    using _cond = cond.acquire();
    expect(() => cond.wait()).toThrow(MainThreadBlockingError);
    expect(cond.wait({ timeout: 0 })).toBe(false);
    expect(cond.lock.locked).toBe(true);
  });

  it('acquireAsync waits without blocking, FIFO among this thread’s waiters', async () => {
    const lock = new Lock();
    const first = lock.tryAcquire()!;
    const order: number[] = [];
    const waiters = [1, 2, 3].map(async (n) => {
      using _ = await lock.acquireAsync();
      order.push(n);
    });
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(lock.locked).toBe(false);
  });

  it('acquireAsync times out with TimeoutError and never takes the lock later', async () => {
    const lock = new Lock({ name: 't' });
    const held = lock.tryAcquire()!;
    const error = await lock.acquireAsync({ timeout: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).name).toBe('TimeoutError');
    held.release();
    expect(lock.locked).toBe(false);
  });

  it('an aborted acquireAsync rejects with the reason, and the wake-up its abandoned wait receives is passed on', async () => {
    const lock = new Lock();
    const held = lock.tryAcquire()!;
    const controller = new AbortController();
    const aborted = lock.acquireAsync({ signal: controller.signal });
    const next = lock.acquireAsync();
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    // The engine still holds the aborted waiter first in line: the release wakes it, and it
    // must hand the lock to `next` rather than swallow it.
    held.release();
    using guard = await next;
    expect(guard.released).toBe(false);
    expect(lock.locked).toBe(true);
  });

  it('an already-aborted signal rejects without waiting or taking', async () => {
    const lock = new Lock();
    await expect(lock.acquireAsync({ signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow(
      'no',
    );
    expect(lock.locked).toBe(false);
  });

  it('RLock is re-entrant for its thread; each level needs its release', async () => {
    const lock = new RLock();
    const outer = await lock.acquireAsync();
    const inner = lock.tryAcquire()!;
    inner.release();
    expect(lock.locked).toBe(true);
    outer.release();
    expect(lock.locked).toBe(false);
    expect(() => lock.release()).toThrow(LockStateError);
  });

  it('Lock.release() of an unlocked lock is a LockStateError', () => {
    expect(() => new Lock().release()).toThrow(LockStateError);
  });

  it('BoundedSemaphore refuses an over-release with RangeError and keeps its value', () => {
    const sem = new BoundedSemaphore(2);
    const guard = sem.tryAcquire()!;
    guard.release();
    expect(() => sem.release()).toThrow(RangeError);
    expect(sem.value).toBe(2);
    const none = new BoundedSemaphore(0);
    expect(() => none.release()).toThrow(RangeError);
    expect(none.value).toBe(0);
    expect(BoundedSemaphore.from(structuredClone(none.handle)).tryAcquire()).toBeUndefined();
  });

  it('Semaphore counts permits and hands them out in order', async () => {
    const sem = new Semaphore(0, { name: 's' });
    const got = [sem.acquireAsync(), sem.acquireAsync()];
    sem.release(2);
    const guards = await Promise.all(got);
    expect(sem.value).toBe(0);
    for (const guard of guards) guard.release();
    expect(sem.value).toBe(2);
  });

  it('Event.waitAsync resolves true when set, false on timeout', async () => {
    const event = new Event();
    expect(await event.waitAsync({ timeout: 5 })).toBe(false);
    const waiting = event.waitAsync();
    event.set();
    expect(await waiting).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });
});

describe('handles', () => {
  it('are structured-cloneable and rebuild the same primitive', () => {
    const lock = new Lock({ name: 'accounts' });
    const copy = Lock.from(structuredClone(lock.handle));
    expect(copy.name).toBe('accounts');
    using _ = copy.tryAcquire();
    expect(lock.locked).toBe(true);
  });

  it('a bad handle is a TypeError naming what was expected', () => {
    expect(() => Lock.from({})).toThrow(
      argumentError('type', 'Expected `handle` to be a Lock handle (`lock.handle`), got an object'),
    );
    expect(() => Lock.from(undefined)).toThrow(
      'Expected `handle` to be a Lock handle (`lock.handle`), got undefined',
    );
    expect(() => RLock.from(new Lock().handle)).toThrow(
      'Expected `handle` to be an RLock handle (`rlock.handle`), got a Lock handle',
    );
    expect(() => Semaphore.from(new Event().handle)).toThrow(TypeError);
    expect(() => Condition.from(new Lock().handle)).toThrow(TypeError);
    expect(() => Lock.from({ ...new Lock().handle, index: 1 })).toThrow(
      'got a damaged Lock handle',
    );
  });

  it('a handle from another detector domain is a TypeError', () => {
    const other = SharedDomain.create();
    const index = other.allocate(1, 8);
    expect(() => Lock.from(makeHandle('Lock', 'foreign', other, index))).toThrow(
      /from another detector/,
    );
  });

  it('arguments are checked with the usual messages', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(
      'Expected `value` to be a non-negative integer, got 1.5',
    );
    expect(() => new Lock({ name: 3 } as never)).toThrow(TypeError);
    expect(() => new Lock().tryAcquire()?.release()).not.toThrow();
    const lock = new Lock();
    return expect(lock.acquireAsync({ timeout: -1 })).rejects.toThrow(RangeError);
  });
});

/** Bad input (issue 2, item 5): exact messages, the right error class, and no state change. */
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  LockStateError,
  Queue,
  QueueEmptyError,
  QueueFullError,
  RLock,
  Semaphore,
  AcquireTimeoutError,
  InterlockError,
  QueueTimeoutError,
} from '../src/index.ts';
import { argumentError } from '@interlock/core';

describe('argument validation', () => {
  it('timeouts: negative and NaN are RangeErrors, non-numbers TypeErrors, with the exact message', () => {
    const lock = new Lock();
    expect(() => lock.acquire({ timeout: -1 })).toThrow(
      argumentError('range', 'Expected `timeout` to be a non-negative number, got -1'),
    );
    expect(() => lock.acquire({ timeout: Number.NaN })).toThrow(
      argumentError('range', 'Expected `timeout` to be a non-negative number, got NaN'),
    );
    expect(() => lock.acquire({ timeout: '5' as unknown as number })).toThrow(
      argumentError('type', 'Expected `timeout` to be a non-negative number, got "5"'),
    );
    expect(() => lock.acquire({ signal: {} as AbortSignal })).toThrow(
      argumentError('type', 'Expected `signal` to be an AbortSignal, got an object'),
    );
    expect(() => lock.acquire(null as unknown as undefined)).toThrow(
      argumentError('type', 'Expected `options` to be an object, got null'),
    );
    expect(lock.locked).toBe(false);
  });

  it('every waiting method validates its options before changing anything', async () => {
    const bad = { timeout: -5 };
    const sem = new Semaphore(0);
    const event = new Event();
    const barrier = new Barrier(2);
    const queue = new Queue<number>(1);
    const cond = new Condition();
    expect(() => sem.acquire(bad)).toThrow(RangeError);
    expect(() => event.wait(bad)).toThrow(RangeError);
    expect(() => barrier.wait(bad)).toThrow(RangeError);
    expect(barrier.nWaiting).toBe(0);
    expect(() => queue.put(1, bad)).toThrow(RangeError);
    expect(queue.qsize()).toBe(0);
    expect(() => queue.get(bad)).toThrow(RangeError);
    expect(() => queue.join(bad)).toThrow(RangeError);
    await cond.withLock(() => {
      expect(() => cond.wait(bad)).toThrow(RangeError);
      expect(() => cond.waitFor(() => true, bad)).toThrow(RangeError);
      expect(() => cond.waitFor('x' as unknown as () => boolean)).toThrow(
        argumentError('type', 'Expected `predicate` to be a function, got "x"'),
      );
      expect(cond.locked).toBe(true);
    });
    expect(() => new Lock().withLock(() => 1, bad)).toThrow(RangeError);
    expect(() => new Semaphore(1).withLock(() => 1, bad)).toThrow(RangeError);
    expect(() => new Lock().withLock(undefined as unknown as () => void)).toThrow(
      argumentError('type', 'Expected `fn` to be a function, got undefined'),
    );
  });

  it('constructors: semaphore value, barrier parties, queue maxsize, names, actions', () => {
    expect(() => new Semaphore(-1)).toThrow(
      argumentError('range', 'Expected `value` to be a non-negative integer, got -1'),
    );
    expect(() => new BoundedSemaphore(Number.NaN)).toThrow(
      argumentError('range', 'Expected `value` to be a non-negative integer, got NaN'),
    );
    expect(() => new Semaphore('2' as unknown as number)).toThrow(
      argumentError('type', 'Expected `value` to be a non-negative integer, got "2"'),
    );
    expect(() => new Barrier(0)).toThrow(
      argumentError('range', 'Expected `parties` to be a positive integer, got 0'),
    );
    expect(() => new Barrier(2.5)).toThrow(RangeError);
    expect(() => new Barrier(2, { timeout: -1 })).toThrow(
      argumentError('range', 'Expected `timeout` to be a non-negative number, got -1'),
    );
    expect(() => new Barrier(2, { action: 1 as unknown as () => void })).toThrow(
      argumentError('type', 'Expected `action` to be a function, got 1'),
    );
    expect(() => new Queue(-1)).toThrow(
      argumentError('range', 'Expected `maxsize` to be a non-negative integer, got -1'),
    );
    expect(() => new Lock({ name: 3 as unknown as string })).toThrow(
      argumentError('type', 'Expected `name` to be a string, got 3'),
    );
    expect(() => new RLock({ name: null as unknown as string })).toThrow(TypeError);
    expect(() => new Condition(new Semaphore() as unknown as Lock)).toThrow(
      argumentError('type', 'Expected `lock` to be a Lock or RLock, got an instance of Semaphore'),
    );
  });

  it('counts: release(n) and notify(n)', async () => {
    const sem = new Semaphore(1);
    expect(() => sem.release(0)).toThrow(
      argumentError('range', 'Expected `n` to be a positive integer, got 0'),
    );
    expect(() => sem.release(1.5)).toThrow(RangeError);
    expect(sem.value).toBe(1);
    const cond = new Condition();
    await cond.withLock(() => {
      expect(() => cond.notify(-1)).toThrow(
        argumentError('range', 'Expected `n` to be a non-negative integer, got -1'),
      );
    });
  });

  it('BoundedSemaphore over-release says how many permits are outstanding and changes nothing', async () => {
    const sem = new BoundedSemaphore(3);
    await sem.acquire();
    expect(() => sem.release(2)).toThrow(/at most 1 .*got 2/);
    expect(sem.value).toBe(2);
  });
});

describe('error classes', () => {
  it('each has a stable code and a name equal to the class name, and supports cause', () => {
    const cause = new Error('root');
    const cases = [
      [new LockStateError('x', { cause }), 'LockStateError', 'ERR_INTERLOCK_LOCK_STATE'],
      [
        new BrokenBarrierError('x', { cause }),
        'BrokenBarrierError',
        'ERR_INTERLOCK_BROKEN_BARRIER',
      ],
      [new QueueEmptyError('x', { cause }), 'QueueEmptyError', 'ERR_INTERLOCK_QUEUE_EMPTY'],
      [new QueueFullError('x', { cause }), 'QueueFullError', 'ERR_INTERLOCK_QUEUE_FULL'],
      [new AcquireTimeoutError('x', 5, { cause }), 'TimeoutError', 'ERR_INTERLOCK_ACQUIRE_TIMEOUT'],
      [new QueueTimeoutError('x', 5, { cause }), 'TimeoutError', 'ERR_INTERLOCK_QUEUE_TIMEOUT'],
    ] as const;
    for (const [error, name, code] of cases) {
      expect(error).toBeInstanceOf(InterlockError);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.cause).toBe(cause);
    }
  });

  it('errors are never shared between failures', async () => {
    const lock = new Lock();
    const a = (() => {
      try {
        lock.release();
      } catch (e) {
        return e;
      }
    })();
    const b = (() => {
      try {
        lock.release();
      } catch (e) {
        return e;
      }
    })();
    expect(a).toBeInstanceOf(LockStateError);
    expect(a).not.toBe(b);
    const barrier = new Barrier(2);
    barrier.abort();
    const [x, y] = await Promise.allSettled([barrier.wait(), barrier.wait()]);
    expect(x.status === 'rejected' && y.status === 'rejected' && x.reason !== y.reason).toBe(true);
  });
});

/* eslint-disable @interlock/no-self-deadlock, @interlock/no-unmanaged-acquire -- These tests
   exercise the primitives' raw protocol on purpose (unmanaged acquires, single waits, deliberate
   self-deadlocks): it is what they test. */
/**
 * Contract suite for Lock and RLock: CPython's BaseLockTests, LockTests and RLockTests
 * (Lib/test/lock_tests.py) in async form. Threads become tasks; "wait until the other thread got
 * there" becomes an explicit gate or `settle()`; timeouts run on fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Condition, Lock, LockStateError, RLock, TimeoutError } from '../../src/index.ts';
import { gate, settle, track, type ContractHooks } from '../support/async.ts';
import { argumentError } from '@interlock/core';

type LockClass = typeof Lock | typeof RLock;

function describeBaseLockTests(Kind: LockClass): void {
  describe(`${Kind.name}: BaseLockTests`, () => {
    it('BaseLockTests.test_constructor: a new lock is unlocked and named', () => {
      const lock = new Kind();
      expect(lock.locked).toBe(false);
      expect(lock.name).toMatch(new RegExp(`^${Kind.name}#\\d+$`));
      expect(new Kind({ name: 'accounts' }).name).toBe('accounts');
    });

    it('BaseLockTests.test_constructor_noargs: anything but an options object is a TypeError', () => {
      expect(() => new Kind('accounts' as never)).toThrow(
        argumentError('type', 'Expected `options` to be an object, got "accounts"'),
      );
      expect(() => new Kind(1 as never)).toThrow(
        argumentError('type', 'Expected `options` to be an object, got 1'),
      );
      expect(() => new Kind(null as never)).toThrow(TypeError);
      expect(new Kind(undefined).locked).toBe(false);
    });

    it('BaseLockTests.test_locked_repr: `locked` is the state a repr shows (no repr in JS)', async () => {
      const lock = new Kind();
      expect(lock.locked).toBe(false);
      using _guard = await lock.acquire();
      expect(lock.locked).toBe(true);
    });

    it('BaseLockTests.test_repr: two default names differ', () => {
      expect(new Kind().name).not.toBe(new Kind().name);
    });

    it('BaseLockTests.test_acquire_release: acquire locks, release unlocks', async () => {
      const lock = new Kind();
      await lock.acquire();
      expect(lock.locked).toBe(true);
      lock.release();
      expect(lock.locked).toBe(false);
    });

    it('BaseLockTests.test_try_acquire: tryAcquire on a free lock succeeds', () => {
      const lock = new Kind();
      const guard = lock.tryAcquire();
      expect(guard).toBeDefined();
      expect(lock.locked).toBe(true);
      lock.release();
      expect(lock.locked).toBe(false);
      expect(guard?.released).toBe(true);
    });

    it('BaseLockTests.test_try_acquire_contended: tryAcquire from another task fails while held', async () => {
      const lock = new Kind();
      await lock.acquire();
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      const result = await (async () => lock.tryAcquire())();
      expect(result).toBeUndefined();
      lock.release();
    });

    it('BaseLockTests.test_acquire_contended: waiters finish only after the holder releases', async () => {
      const lock = new Kind();
      await lock.acquire();
      const finished: number[] = [];
      const tasks = Array.from({ length: 5 }, async (_, i) => {
        const guard = await lock.acquire();
        guard.release();
        finished.push(i);
      });
      await settle();
      expect(finished).toEqual([]);
      lock.release();
      await Promise.all(tasks);
      expect(finished).toEqual([0, 1, 2, 3, 4]);
      expect(lock.locked).toBe(false);
    });

    it('BaseLockTests.test_with: `using` and withLock release on normal exit and on throw', async () => {
      const lock = new Kind();
      async function withUsing(error?: Error): Promise<void> {
        using _guard = await lock.acquire();
        expect(lock.locked).toBe(true);
        if (error) throw error;
      }
      await withUsing();
      expect(lock.locked).toBe(false);
      await expect(withUsing(new TypeError('boom'))).rejects.toThrow(TypeError);
      expect(lock.locked).toBe(false);
      await expect(
        lock.withLock(() => {
          throw new TypeError('boom');
        }),
      ).rejects.toThrow(TypeError);
      expect(lock.locked).toBe(false);
    });

    it('BaseLockTests.test_timeout: bad timeouts throw, Infinity and a free lock succeed, a held lock times out', async () => {
      vi.useFakeTimers();
      try {
        const lock = new Kind();
        expect(() => lock.acquire({ timeout: -100 })).toThrow(RangeError);
        expect(() => lock.acquire({ timeout: Number.NaN })).toThrow(RangeError);
        expect(lock.locked).toBe(false);
        (await lock.acquire({ timeout: Infinity })).release();
        (await lock.acquire({ timeout: 2 ** 40 })).release();
        await lock.acquire({ timeout: 5000 });
        const contender = track((async () => lock.acquire({ timeout: 500 }))());
        await vi.advanceTimersByTimeAsync(499);
        expect(contender.state).toBe('pending');
        await vi.advanceTimersByTimeAsync(1);
        expect(contender.state).toBe('rejected');
        expect(contender.error).toBeInstanceOf(TimeoutError);
        expect((contender.error as TimeoutError).name).toBe('TimeoutError');
        expect((contender.error as TimeoutError).code).toBe('ERR_INTERLOCK_ACQUIRE_TIMEOUT');
        lock.release();
        expect(lock.locked).toBe(false);
      } finally {
        vi.useRealTimers();
      }
    });

    it('BaseLockTests.test_acquire_destroy / test_thread_leak: an abandoned waiter leaves no timer behind', async () => {
      vi.useFakeTimers();
      try {
        const lock = new Kind();
        const guard = await lock.acquire();
        const waiting = lock.acquire({ timeout: 1000 });
        expect(vi.getTimerCount()).toBe(1);
        guard.release();
        (await waiting).release();
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });
  });
}

function describeLockTests(hooks: ContractHooks): void {
  describe('Lock: LockTests', () => {
    it('LockTests.test_reacquire: a holder acquiring again waits until someone releases', async () => {
      const lock = new Lock();
      const phase: string[] = [];
      if (hooks.detector !== undefined) {
        // Detector on: the holder's re-acquire is a self-deadlock, rejected before it waits.
        await (async () => {
          using _first = await lock.acquire();
          phase.push('first');
          hooks.detector?.expectSelfDeadlock(await lock.acquire().catch((error: unknown) => error));
        })();
        expect(phase).toEqual(['first']);
        expect(lock.locked).toBe(false);
        return;
      }
      const task = (async () => {
        using _first = await lock.acquire();
        phase.push('first');
        await lock.acquire();
        phase.push('second');
      })();
      await settle();
      expect(phase).toEqual(['first']);
      lock.release(); // another task may release a plain Lock
      await task;
      expect(phase).toEqual(['first', 'second']);
    });

    it('LockTests.test_different_thread: a Lock can be released by another task', async () => {
      const lock = new Lock();
      await lock.acquire();
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      await (async () => lock.release())();
      expect(lock.locked).toBe(false);
      (await lock.acquire()).release();
    });

    it('LockTests.test_state_after_timeout: after a timed-out acquire the lock is still consistent', async () => {
      vi.useFakeTimers();
      try {
        const lock = new Lock();
        await lock.acquire();
        const timedOut = lock.acquire({ timeout: 10 });
        const expectation = expect(timedOut).rejects.toBeInstanceOf(TimeoutError);
        await vi.advanceTimersByTimeAsync(10);
        await expectation;
        lock.release();
        expect(lock.locked).toBe(false);
        expect(lock.tryAcquire()).toBeDefined();
      } finally {
        vi.useRealTimers();
      }
    });

    it('Lock: release of an unlocked Lock throws LockStateError and changes nothing', () => {
      const lock = new Lock();
      expect(() => lock.release()).toThrow(LockStateError);
      expect(lock.locked).toBe(false);
    });
  });
}

function describeRLockTests(): void {
  describe('RLock: RLockTests', () => {
    it('RLockTests.test_reacquire: the owner nests acquisitions; the last release frees it', async () => {
      const lock = new RLock();
      await lock.withLock(async () => {
        using _a = await lock.acquire();
        {
          using _b = await lock.acquire();
        }
        using _c = await lock.acquire();
        expect(lock.locked).toBe(true);
      });
      expect(lock.locked).toBe(false);
    });

    it('RLockTests.test_locked / test_recursion_count: locked until the owner released every level it took', async () => {
      const lock = new RLock();
      expect(lock.locked).toBe(false);
      await lock.withLock(async () => {
        await lock.acquire();
        await lock.acquire();
        expect(lock.locked).toBe(true);
        lock.release();
        expect(lock.locked).toBe(true);
        lock.release();
        expect(lock.locked).toBe(true); // withLock's own level is still held
      });
      expect(lock.locked).toBe(false);
    });

    it('RLockTests.test_locked_with_2threads: an RLock held by one task is locked as seen from another', async () => {
      const lock = new RLock();
      const done = gate();
      const seenByHolder: boolean[] = [];
      const holder = lock.withLock(async () => {
        seenByHolder.push(lock.locked);
        await done.promise;
      });
      await settle();
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      const seenByOther = await (async () => lock.locked)();
      expect(seenByHolder).toEqual([true]);
      expect(seenByOther).toBe(true);
      done.open();
      await holder;
      expect(lock.locked).toBe(false);
    });

    it('RLockTests.test_release_unacquired: releasing more times than acquired throws LockStateError', async () => {
      const lock = new RLock();
      expect(() => lock.release()).toThrow(LockStateError);
      await lock.withLock(async () => {
        await lock.acquire();
        await lock.acquire();
        lock.release();
        await lock.acquire();
        lock.release();
        lock.release();
      });
      expect(lock.locked).toBe(false);
      expect(() => lock.release()).toThrow(LockStateError);
    });

    it('RLockTests.test_release_save_unacquired: Condition.wait on an unheld RLock throws LockStateError', async () => {
      const lock = new RLock();
      const cond = new Condition(lock);
      expect(() => cond.wait()).toThrow(LockStateError);
      await lock.withLock(async () => {
        using _inner = await lock.acquire();
      });
      expect(() => cond.wait()).toThrow(LockStateError);
      expect(lock.locked).toBe(false);
    });

    it('RLockTests.test_different_thread: a task that does not own it cannot release it', async () => {
      const lock = new RLock();
      const done = gate();
      const holder = lock.withLock(() => done.promise);
      await settle();
      expect(() => lock.release()).toThrow(LockStateError);
      expect(lock.locked).toBe(true);
      done.open();
      await holder;
      expect(lock.locked).toBe(false);
    });

    it('RLockTests.test__is_owned: only the owning task can re-enter (tryAcquire succeeds for it alone)', async () => {
      const lock = new RLock();
      const done = gate();
      const probeFromOther = gate<boolean>();
      const holder = lock.withLock(async () => {
        const again = lock.tryAcquire();
        expect(again).toBeDefined();
        again?.release();
        await done.promise;
      });
      await settle();
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      void (async () => probeFromOther.open(lock.tryAcquire() !== undefined))();
      expect(await probeFromOther.promise).toBe(false);
      done.open();
      await holder;
      expect(lock.locked).toBe(false);
    });
  });
}

/** Lock and RLock contract (CPython BaseLockTests, LockTests, RLockTests). */
export function describeLockContract(label: string, hooks: ContractHooks = {}): void {
  describe(`lock contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);
    describeBaseLockTests(Lock);
    describeBaseLockTests(RLock);
    describeLockTests(hooks);
    describeRLockTests();
  });
}

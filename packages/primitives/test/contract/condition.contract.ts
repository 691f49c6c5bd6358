/* eslint-disable @interlock/condition-wait-in-loop, @interlock/no-unmanaged-acquire -- These tests
   exercise the primitives' raw protocol on purpose (unmanaged acquires, single waits, deliberate
   self-deadlocks): it is what they test. */
/** Contract suite for Condition: CPython's ConditionTests in async form. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Condition, Lock, LockStateError, RLock } from '../../src/index.ts';
import { gate, settle, track, type ContractHooks } from '../support/async.ts';

export function describeConditionContract(label: string, hooks: ContractHooks = {}): void {
  describe(`condition contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    it('ConditionTests.test_acquire: the default lock is re-entrant; a given Lock is the one acquired', async () => {
      const cond = new Condition();
      expect(cond.lock).toBeInstanceOf(RLock);
      await cond.withLock(async () => {
        using _again = await cond.acquire();
        expect(cond.locked).toBe(true);
      });
      expect(cond.locked).toBe(false);

      const lock = new Lock();
      const withLock = new Condition(lock);
      await withLock.acquire();
      expect(lock.tryAcquire()).toBeUndefined();
      withLock.release();
      expect(lock.tryAcquire()).toBeDefined();
      expect(withLock.tryAcquire()).toBeUndefined();
      lock.release();
      await withLock.withLock(() => {
        expect(lock.tryAcquire()).toBeUndefined();
      });
    });

    it('ConditionTests.test_unacquired_wait: wait without the lock throws LockStateError', () => {
      const cond = new Condition();
      expect(() => cond.wait()).toThrow(LockStateError);
      expect(() => cond.waitFor(() => true)).toThrow(LockStateError);
    });

    it('ConditionTests.test_unacquired_notify: notify without the lock throws LockStateError', () => {
      const cond = new Condition();
      expect(() => cond.notify()).toThrow(LockStateError);
      expect(() => cond.notifyAll()).toThrow(LockStateError);
    });

    it('Condition: a task that does not hold a tracked lock cannot wait or notify while another holds it', async () => {
      const cond = new Condition();
      const done = gate();
      const holder = cond.withLock(() => done.promise);
      await settle();
      expect(() => cond.notify()).toThrow(LockStateError);
      expect(() => cond.wait()).toThrow(LockStateError);
      done.open();
      await holder;
    });

    async function checkNotify(cond: Condition): Promise<void> {
      let phase = 0;
      const first: [boolean, number][] = [];
      const second: [boolean, number][] = [];
      const tasks = Array.from({ length: 5 }, async () => {
        {
          using _guard = await cond.acquire();
          const result = await cond.wait();
          first.push([result, phase]);
        }
        {
          using _guard = await cond.acquire();
          const result = await cond.wait();
          second.push([result, phase]);
        }
      });
      await settle();
      expect(first).toEqual([]);
      await cond.withLock(() => {
        cond.notify(3);
        phase = 1; // the woken tasks need the lock back, so they must see this
      });
      await settle();
      expect(first).toEqual(new Array<unknown>(3).fill([true, 1]));
      expect(second).toEqual([]);
      await cond.withLock(() => {
        cond.notify(5); // the 2 still in their first wait, then 3 in their second
        phase = 2;
      });
      await settle();
      expect(first).toEqual([
        ...new Array<unknown>(3).fill([true, 1]),
        ...new Array<unknown>(2).fill([true, 2]),
      ]);
      expect(second).toEqual(new Array<unknown>(3).fill([true, 2]));
      await cond.withLock(() => {
        cond.notifyAll();
        phase = 3;
      });
      await Promise.all(tasks);
      expect(second).toEqual([
        ...new Array<unknown>(3).fill([true, 2]),
        ...new Array<unknown>(2).fill([true, 3]),
      ]);
      expect(cond.locked).toBe(false);
    }

    it('ConditionTests.test_notify: notify(n) wakes the n oldest waiters, notifyAll the rest, twice over', async () => {
      const cond = new Condition();
      await checkNotify(cond);
      await checkNotify(cond);
    });

    it('ConditionTests.test_notify (with a plain Lock and anonymous holds)', async () => {
      const cond = new Condition(new Lock());
      const woken: boolean[] = [];
      const tasks = Array.from({ length: 3 }, async () => {
        await cond.acquire();
        try {
          woken.push(await cond.wait());
        } finally {
          cond.release();
        }
      });
      await settle();
      await cond.acquire();
      cond.notifyAll();
      cond.release();
      await Promise.all(tasks);
      expect(woken).toEqual([true, true, true]);
      expect(cond.locked).toBe(false);
    });

    it('ConditionTests.test_timeout: un-notified waits resolve false after the timeout, holding the lock again', async () => {
      vi.useFakeTimers();
      try {
        const cond = new Condition();
        const results: boolean[] = [];
        const tasks = Array.from({ length: 5 }, () =>
          cond.withLock(async () => {
            const result = await cond.wait({ timeout: 500 });
            expect(cond.locked).toBe(true);
            results.push(result);
          }),
        );
        await vi.advanceTimersByTimeAsync(499);
        expect(results).toEqual([]);
        await vi.advanceTimersByTimeAsync(1);
        await Promise.all(tasks);
        expect(results).toEqual(new Array<unknown>(5).fill(false));
        expect(cond.locked).toBe(false);
      } finally {
        vi.useRealTimers();
      }
    });

    it('ConditionTests.test_waitfor: waitFor returns once the predicate holds', async () => {
      const cond = new Condition();
      let state = 0;
      const waiter = track(
        cond.withLock(async () => {
          const result = await cond.waitFor(() => state === 4);
          expect(state).toBe(4);
          return result;
        }),
      );
      for (let i = 0; i < 4; i += 1) {
        await settle();
        expect(waiter.state).toBe('pending');
        await cond.withLock(() => {
          state += 1;
          cond.notify();
        });
      }
      await settle();
      expect(waiter.value).toBe(true);
    });

    it('ConditionTests.test_waitfor_timeout: waitFor returns the falsy predicate value when the timeout runs out', async () => {
      vi.useFakeTimers();
      try {
        const cond = new Condition();
        let state = 0;
        const waiter = track(
          cond.withLock(() => cond.waitFor(() => state === 4, { timeout: 100 })),
        );
        for (let i = 0; i < 3; i += 1) {
          await vi.advanceTimersByTimeAsync(10);
          await cond.withLock(() => {
            state += 1;
            cond.notify();
          });
        }
        await vi.advanceTimersByTimeAsync(69);
        expect(waiter.state).toBe('pending');
        await vi.advanceTimersByTimeAsync(1);
        expect(waiter.state).toBe('fulfilled');
        expect(waiter.value).toBe(false);
        expect(cond.locked).toBe(false);
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('Condition.wait / waitFor with an already-aborted signal reject at once and never let go of the lock', async () => {
      const cond = new Condition(new Lock());
      const controller = new AbortController();
      const reason = new Error('cancelled');
      controller.abort(reason);
      let predicateCalls = 0;
      const contender = track(
        cond.withLock(async () => {
          await expect(cond.wait({ signal: controller.signal })).rejects.toBe(reason);
          await expect(
            cond.waitFor(
              () => {
                predicateCalls += 1;
                return false;
              },
              { signal: controller.signal },
            ),
          ).rejects.toBe(reason);
          return 'done';
        }),
      );
      // queued behind the holder: must not get the lock in between
      const other = track(cond.acquire());
      await settle();
      expect(contender.value).toBe('done');
      expect(predicateCalls).toBe(0);
      expect(other.state).toBe('fulfilled');
      other.value?.release();
      expect(cond.locked).toBe(false);
    });

    it('Condition.wait: a guard release refused while the wait has the lock released leaves the guard live', async () => {
      const cond = new Condition(new Lock());
      let guard: { release(): void; readonly released: boolean } | undefined;
      const waiting = (async () => {
        using held = await cond.acquire();
        guard = held;
        return await cond.wait();
      })();
      await settle();
      expect(cond.locked).toBe(false); // released by the wait
      expect(() => guard?.release()).toThrow(LockStateError);
      expect(guard?.released).toBe(false);
      await cond.withLock(() => cond.notify());
      expect(await waiting).toBe(true);
      expect(guard?.released).toBe(true); // `using` released it once the wait had the lock back
      expect(cond.locked).toBe(false);
    });

    it('Condition.wait restores an RLock to its full recursion depth', async () => {
      const cond = new Condition();
      const waiting = cond.withLock(async () => {
        using _level2 = await cond.acquire();
        using _level3 = await cond.acquire();
        await cond.wait();
        // three levels held again: two explicit releases leave it locked
        _level3.release();
        _level2.release();
        expect(cond.locked).toBe(true);
      });
      await settle();
      expect(cond.locked).toBe(false); // fully released while waiting
      await cond.withLock(() => cond.notify());
      await waiting;
      expect(cond.locked).toBe(false);
    });
  });
}

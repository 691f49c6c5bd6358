/* eslint-disable @interlock/condition-wait-in-loop, @interlock/no-unmanaged-acquire -- These tests
   exercise the primitives' raw protocol on purpose (unmanaged acquires, single waits, deliberate
   self-deadlocks): it is what they test. */
/**
 * Cancellation races, from asyncio's Lib/test/test_asyncio/test_locks.py. asyncio cancels a task;
 * we abort its signal or let its timeout run out. The invariant each test guards: a waiter that
 * gave up never holds the lock or a permit, and one that was granted keeps what it got.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Condition, Lock, RLock, Semaphore } from '../../src/index.ts';
import { settle, track, type ContractHooks } from '../support/async.ts';

const cancelled = (): Error => new Error('cancelled');

export function describeCancellationContract(label: string, hooks: ContractHooks = {}): void {
  describe(`cancellation contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    for (const Kind of [Lock, RLock]) {
      describe(Kind.name, () => {
        it('asyncio LockTests.test_acquire_cancel: an aborted waiter rejects with the reason and never gets the lock', async () => {
          const lock = new Kind();
          const holder = await lock.acquire();
          const controller = new AbortController();
          const waiter = track(lock.acquire({ signal: controller.signal }));
          const reason = cancelled();
          controller.abort(reason);
          await settle();
          expect(waiter.error).toBe(reason);
          holder.release();
          expect(lock.locked).toBe(false);
        });

        it('asyncio LockTests.test_cancel_race (abort first): the next waiter gets the lock, nothing stays locked', async () => {
          const lock = new Kind();
          const holder = await lock.acquire();
          const controller = new AbortController();
          const b = track(lock.acquire({ signal: controller.signal }));
          const c = track(lock.acquire());
          controller.abort(cancelled());
          holder.release(); // same synchronous run as the abort
          await settle();
          expect(b.state).toBe('rejected');
          expect(c.state).toBe('fulfilled');
          c.value?.release();
          expect(lock.locked).toBe(false);
        });

        it('asyncio LockTests.test_cancel_race (release first): the granted waiter keeps the lock despite the late abort', async () => {
          const lock = new Kind();
          const holder = await lock.acquire();
          const controller = new AbortController();
          const b = track(lock.acquire({ signal: controller.signal }));
          const c = track(lock.acquire());
          holder.release(); // hands the lock to b ...
          controller.abort(cancelled()); // ... before b's continuation runs
          await settle();
          expect(b.state).toBe('fulfilled');
          expect(c.state).toBe('pending');
          b.value?.release();
          await settle();
          expect(c.state).toBe('fulfilled');
          c.value?.release();
          expect(lock.locked).toBe(false);
        });

        it('asyncio LockTests.test_cancel_release_race: abort of the first waiter and a release in one tick grant exactly one lock', async () => {
          const lock = new Kind();
          const holder = await lock.acquire();
          const controller = new AbortController();
          let taken = 0;
          const lockit = async (signal?: AbortSignal) => {
            await lock.acquire(signal ? { signal } : undefined);
            taken += 1;
          };
          const t1 = track(lockit(controller.signal));
          const t2 = track(lockit());
          const t3 = track(lockit());
          controller.abort(cancelled());
          holder.release();
          await settle();
          expect(t1.state).toBe('rejected');
          expect(taken).toBe(1);
          expect(t2.state).toBe('fulfilled');
          expect(t3.state).toBe('pending');
        });

        it('asyncio LockTests.test_finished_waiter_cancelled: a waiter aborted after its grant holds the lock until it releases', async () => {
          const lock = new Kind();
          const holder = await lock.acquire();
          const controller = new AbortController();
          const ta = track(lock.acquire({ signal: controller.signal }));
          const tb = track(lock.acquire());
          holder.release();
          controller.abort(cancelled());
          await settle();
          expect(ta.state).toBe('fulfilled');
          expect(tb.state).toBe('pending');
          ta.value?.release();
          await settle();
          expect(tb.state).toBe('fulfilled');
        });

        it('timeout racing release: whichever runs first wins, and no permit is lost either way', async () => {
          vi.useFakeTimers();
          try {
            const lock = new Kind();
            const holder = await lock.acquire();
            // The waiter's timer is created before the releasing timer, so it fires first.
            const timedOut = track(lock.acquire({ timeout: 100 }));
            const next = track(lock.acquire());
            setTimeout(() => holder.release(), 100);
            await vi.advanceTimersByTimeAsync(100);
            expect(timedOut.state).toBe('rejected');
            expect(next.state).toBe('fulfilled');
            next.value?.release();
            expect(lock.locked).toBe(false);

            const holder2 = await lock.acquire();
            setTimeout(() => holder2.release(), 100); // now the release fires first
            const granted = track(lock.acquire({ timeout: 100 }));
            await vi.advanceTimersByTimeAsync(100);
            expect(granted.state).toBe('fulfilled');
            granted.value?.release();
            expect(lock.locked).toBe(false);
            expect(vi.getTimerCount()).toBe(0);
          } finally {
            vi.useRealTimers();
          }
        });
      });
    }

    describe('Semaphore', () => {
      it('asyncio SemaphoreTests.test_acquire_cancel: an aborted waiter takes no permit', async () => {
        const sem = new Semaphore(0);
        const controller = new AbortController();
        const waiter = track(sem.acquire({ signal: controller.signal }));
        controller.abort(cancelled());
        await settle();
        expect(waiter.state).toBe('rejected');
        sem.release();
        expect(sem.value).toBe(1);
      });

      it('asyncio SemaphoreTests.test_acquire_cancel_before_awoken / after_awoken: abort racing release(n) never loses a permit', async () => {
        const sem = new Semaphore(0);
        const c1 = new AbortController();
        const c2 = new AbortController();
        const t1 = track(sem.acquire({ signal: c1.signal }));
        const t2 = track(sem.acquire());
        const t3 = track(sem.acquire({ signal: c2.signal }));
        const t4 = track(sem.acquire());
        c1.abort(cancelled()); // before it could be woken
        sem.release(2); // wakes t2 and t3
        c2.abort(cancelled()); // t3 was already granted: ignored
        await settle();
        expect([t1.state, t2.state, t3.state, t4.state]).toEqual([
          'rejected',
          'fulfilled',
          'fulfilled',
          'pending',
        ]);
        t2.value?.release();
        t3.value?.release();
        await settle();
        expect(t4.state).toBe('fulfilled');
        t4.value?.release();
        expect(sem.value).toBe(2);
      });
    });

    describe('Condition', () => {
      it('asyncio ConditionTests.test_wait_cancel: an aborted wait rejects only after the lock is held again, and is not notified later', async () => {
        const cond = new Condition();
        const controller = new AbortController();
        const reason = cancelled();
        let lockedWhenRejected: boolean | undefined;
        const waiting = cond.withLock(async () => {
          try {
            await cond.wait({ signal: controller.signal });
          } catch (error) {
            lockedWhenRejected = cond.locked;
            throw error;
          }
        });
        await settle();
        controller.abort(reason);
        await expect(waiting).rejects.toBe(reason);
        expect(lockedWhenRejected).toBe(true);
        expect(cond.locked).toBe(false);
      });

      it('asyncio ConditionTests.test_wait_cancel_contested: an aborted wait waits for the lock before rejecting', async () => {
        const cond = new Condition();
        const controller = new AbortController();
        const waiting = track(cond.withLock(() => cond.wait({ signal: controller.signal })));
        await settle();
        const holder = await cond.acquire();
        controller.abort(cancelled());
        await settle();
        expect(waiting.state).toBe('pending'); // it needs the lock back first
        holder.release();
        await settle();
        expect(waiting.state).toBe('rejected');
        expect(cond.locked).toBe(false);
      });

      it('asyncio ConditionTests.test_cancelled_error_wakeup: waitFor aborted while waiting rejects with that very reason, holding the lock', async () => {
        const cond = new Condition();
        const controller = new AbortController();
        const reason = cancelled();
        let heldWhenRejected: boolean | undefined;
        const waiting = cond.withLock(async () => {
          try {
            return await cond.waitFor(() => false, { signal: controller.signal });
          } catch (error) {
            heldWhenRejected = cond.locked;
            throw error;
          }
        });
        await settle();
        controller.abort(reason);
        await expect(waiting).rejects.toBe(reason);
        expect(heldWhenRejected).toBe(true);
        expect(cond.locked).toBe(false);
      });

      for (const when of ['waiting to be woken', 'taking the lock back'] as const) {
        it(`asyncio ConditionTests.test_cancelled_wakeup${when === 'taking the lock back' ? '_relock' : ''}: a consumer notified and aborted while ${when} loses no wakeup`, async () => {
          const cond = new Condition();
          let items = 0;
          let closed = false;
          const consumer = async (signal?: AbortSignal): Promise<number> =>
            cond.withLock(async () => {
              let consumed = 0;
              for (;;) {
                await cond.waitFor(() => items > 0 || closed, signal ? { signal } : undefined);
                if (items === 0) return consumed;
                items -= 1;
                consumed += 1;
              }
            });
          const controller = new AbortController();
          const first = track(consumer(controller.signal));
          const second = track(consumer());
          await settle();
          await cond.withLock(async () => {
            items += 1;
            cond.notify(1); // wakes `first`, the oldest waiter
            if (when === 'taking the lock back') await settle(); // `first` now queues for the lock
            controller.abort(cancelled());
          });
          await settle();
          // the item was consumed: the notification was not lost to the abort
          expect(items).toBe(0);
          expect(first.state).toBe('rejected'); // its next wait saw the abort
          await cond.withLock(() => {
            closed = true;
            cond.notifyAll();
          });
          await settle();
          expect(second.value).toBe(0);
          expect(cond.locked).toBe(false);
        });
      }

      it('asyncio ConditionTests.test_wait_cancel_after_notify: a wait notified before its abort counts as notified', async () => {
        const cond = new Condition();
        const controller = new AbortController();
        const first = track(cond.withLock(() => cond.wait({ signal: controller.signal })));
        const second = track(cond.withLock(() => cond.wait()));
        await settle();
        await cond.withLock(() => {
          cond.notify();
          controller.abort(cancelled());
        });
        await settle();
        expect(first.state).toBe('fulfilled');
        expect(first.value).toBe(true);
        expect(second.state).toBe('pending'); // the notification was not passed on twice
        await cond.withLock(() => cond.notify());
        await settle();
        expect(second.value).toBe(true);
        expect(cond.locked).toBe(false);
      });
    });
  });
}

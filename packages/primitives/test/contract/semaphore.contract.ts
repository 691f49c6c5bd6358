/* eslint-disable @interlock/no-unmanaged-acquire -- These tests exercise the primitives' raw
   protocol on purpose (unmanaged acquires, single waits, deliberate self-deadlocks): it is what
   they test. */
/**
 * Contract suite for Semaphore and BoundedSemaphore: CPython's BaseSemaphoreTests,
 * SemaphoreTests and BoundedSemaphoreTests in async form.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedSemaphore, Semaphore, TimeoutError } from '../../src/index.ts';
import { settle, track, type ContractHooks } from '../support/async.ts';
import { argumentError } from '@interlock/core';

/**
 * CPython's contended-semaphore scenario on a Semaphore(7): one permit taken, ten tasks that each
 * take two; permits come back in phases through `giveBack`, and exactly that many waiters move on.
 */
async function contendedPhases(
  sem: Semaphore,
  giveBack: (sem: Semaphore, n: number) => void,
): Promise<void> {
  await sem.acquire();
  let phase = 0;
  const first: number[] = [];
  const second: number[] = [];
  const tasks = Array.from({ length: 10 }, async () => {
    await sem.acquire();
    first.push(phase);
    await sem.acquire();
    second.push(phase);
  });
  await settle();
  expect([...first, ...second]).toEqual([0, 0, 0, 0, 0, 0]);
  phase = 1;
  giveBack(sem, 7);
  await settle();
  expect([...first, ...second].sort()).toEqual([
    ...new Array<unknown>(6).fill(0),
    ...new Array<unknown>(7).fill(1),
  ]);
  phase = 2;
  giveBack(sem, 6);
  await settle();
  expect([...first, ...second].sort()).toEqual([
    ...new Array<unknown>(6).fill(0),
    ...new Array<unknown>(7).fill(1),
    ...new Array<unknown>(6).fill(2),
  ]);
  expect(sem.tryAcquire()).toBeUndefined();
  expect(sem.value).toBe(0);
  giveBack(sem, 1);
  await Promise.all(tasks);
  expect(sem.value).toBe(0);
}

function describeBaseSemaphoreTests(Kind: typeof Semaphore): void {
  describe(`${Kind.name}: BaseSemaphoreTests`, () => {
    it('BaseSemaphoreTests.test_constructor: a negative or fractional value is a RangeError', () => {
      expect(() => new Kind(-1)).toThrow(
        argumentError('range', 'Expected `value` to be a non-negative integer, got -1'),
      );
      expect(() => new Kind(-Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
      expect(() => new Kind(1.5)).toThrow(RangeError);
      expect(new Kind(0).value).toBe(0);
    });

    it('BaseSemaphoreTests.test_acquire: acquire takes permits and release returns them', async () => {
      const one = new Kind(1);
      (await one.acquire()).release();
      expect(one.value).toBe(1);
      const two = new Kind(2);
      const a = await two.acquire();
      const b = await two.acquire();
      expect(two.value).toBe(0);
      a.release();
      b.release();
      expect(two.value).toBe(2);
    });

    it('BaseSemaphoreTests.test_acquire_destroy: an unreleased guard keeps its permit (no finaliser gives it back)', async () => {
      const sem = new Kind();
      await sem.acquire();
      expect(sem.value).toBe(0);
    });

    it('BaseSemaphoreTests.test_acquire_contended: waiters proceed exactly as permits are released', async () => {
      await contendedPhases(new Kind(7), (sem, n) => {
        for (let i = 0; i < n; i += 1) sem.release();
      });
    });

    it('BaseSemaphoreTests.test_multirelease: release(n) lets exactly n waiters through at once', async () => {
      await contendedPhases(new Kind(7), (sem, n) => sem.release(n));
    });

    it('BaseSemaphoreTests.test_constructor_noargs: options must be an object', () => {
      expect(() => new Kind(1, 'pool' as never)).toThrow(
        argumentError('type', 'Expected `options` to be an object, got "pool"'),
      );
      expect(new Kind(1, { name: 'pool' }).name).toBe('pool');
    });

    it('BaseSemaphoreTests.test_try_acquire: tryAcquire succeeds while permits remain', () => {
      const sem = new Kind(2);
      expect(sem.tryAcquire()).toBeDefined();
      const second = sem.tryAcquire();
      expect(second).toBeDefined();
      expect(sem.tryAcquire()).toBeUndefined();
      second?.release();
      expect(sem.tryAcquire()).toBeDefined();
    });

    it('BaseSemaphoreTests.test_try_acquire_contended: of ten tryAcquire calls from five tasks, three succeed', async () => {
      const sem = new Kind(4);
      await sem.acquire();
      const results = await Promise.all(
        // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
        Array.from({ length: 5 }, async () => [
          sem.tryAcquire() !== undefined,
          sem.tryAcquire() !== undefined,
        ]),
      );
      expect(results.flat().sort()).toEqual([
        ...new Array<unknown>(7).fill(false),
        ...new Array<unknown>(3).fill(true),
      ]);
    });

    it('BaseSemaphoreTests.test_acquire_timeout: an acquire with no permit left times out', async () => {
      vi.useFakeTimers();
      try {
        const sem = new Kind(2);
        await sem.acquire({ timeout: 5 });
        await sem.acquire({ timeout: 5 });
        const third = track(sem.acquire({ timeout: 5 }));
        await vi.advanceTimersByTimeAsync(5);
        expect(third.error).toBeInstanceOf(TimeoutError);
        sem.release();
        await sem.acquire({ timeout: 5 });
        const late = track(sem.acquire({ timeout: 500 }));
        await vi.advanceTimersByTimeAsync(499);
        expect(late.state).toBe('pending');
        await vi.advanceTimersByTimeAsync(1);
        expect(late.error).toBeInstanceOf(TimeoutError);
        expect(sem.value).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('BaseSemaphoreTests.test_default_value: the default value is 1', async () => {
      const sem = new Kind();
      await sem.acquire();
      let finished = false;
      const task = (async () => {
        (await sem.acquire()).release();
        finished = true;
      })();
      await settle();
      expect(finished).toBe(false);
      sem.release();
      await task;
      expect(finished).toBe(true);
    });

    it('BaseSemaphoreTests.test_with: nested `using` and withLock release on normal exit and on throw', async () => {
      const sem = new Kind(2);
      async function nested(error?: Error): Promise<void> {
        using _outer = await sem.acquire();
        const spare = sem.tryAcquire();
        expect(spare).toBeDefined();
        spare?.release();
        await sem.withLock(() => {
          expect(sem.tryAcquire()).toBeUndefined();
          if (error) throw error;
        });
      }
      await nested();
      expect(sem.value).toBe(2);
      await expect(nested(new TypeError('boom'))).rejects.toThrow(TypeError);
      expect(sem.value).toBe(2);
    });
  });
}

/** Semaphore and BoundedSemaphore contract (CPython BaseSemaphoreTests and its two subclasses). */
export function describeSemaphoreContract(label: string, hooks: ContractHooks = {}): void {
  describe(`semaphore contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);
    describeBaseSemaphoreTests(Semaphore);
    describeBaseSemaphoreTests(BoundedSemaphore);

    it('SemaphoreTests.test_release_unacquired: an unbounded release raises the value', async () => {
      const sem = new Semaphore(1);
      sem.release();
      expect(sem.value).toBe(2);
      await sem.acquire();
      await sem.acquire();
      sem.release(2);
      expect(sem.value).toBe(2);
    });

    it('BoundedSemaphoreTests.test_release_unacquired: release past the initial value is a RangeError and changes nothing', async () => {
      const sem = new BoundedSemaphore();
      expect(() => sem.release()).toThrow(RangeError);
      expect(sem.value).toBe(1);
      const guard = await sem.acquire();
      expect(() => sem.release(2)).toThrow(RangeError);
      expect(sem.value).toBe(0);
      guard.release();
      expect(() => sem.release()).toThrow(RangeError);
      expect(sem.value).toBe(1);
    });

    it('SemaphoreTests.test_repr: `value` is what a repr shows, and grows past the initial value', async () => {
      const sem = new Semaphore(3);
      expect(sem.value).toBe(3);
      await sem.acquire();
      expect(sem.value).toBe(2);
      sem.release();
      sem.release();
      expect(sem.value).toBe(4);
    });

    it('Semaphore.release(n) costs what the waiters cost, not n: a huge n wakes the waiters and adds the rest', async () => {
      const sem = new Semaphore(0);
      const woken = [track(sem.acquire()), track(sem.acquire())];
      sem.release(2 ** 40); // one permit at a time, this loop would run for hours
      await settle();
      expect(woken.map((w) => w.state)).toEqual(['fulfilled', 'fulfilled']);
      expect(sem.value).toBe(2 ** 40 - 2);
    });

    it('BoundedSemaphore: a guard whose permit a plain release() already returned refuses once, then is released', async () => {
      const sem = new BoundedSemaphore(1);
      const stale = await sem.acquire();
      sem.release(); // gives the permit back without the guard
      expect(() => stale.release()).toThrow(RangeError);
      expect(stale.released).toBe(true);
      expect(sem.value).toBe(1);
      const current = await sem.acquire();
      stale.release(); // must not hand back the permit `current` now holds
      expect(sem.value).toBe(0);
      current.release();
      expect(sem.value).toBe(1);
    });

    it('Semaphore.release(n) wakes n waiters in arrival order', async () => {
      const sem = new Semaphore(0);
      const order: number[] = [];
      const tasks = [0, 1, 2].map(async (i) => {
        await sem.acquire();
        order.push(i);
      });
      sem.release(2);
      await settle();
      expect(order).toEqual([0, 1]);
      sem.release();
      await Promise.all(tasks);
      expect(order).toEqual([0, 1, 2]);
      expect(sem.value).toBe(0);
    });
  });
}

/** Contract suite for Barrier: CPython's BarrierTests in async form (N = 5 parties). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Barrier, BrokenBarrierError, LockStateError } from '../../src/index.ts';
import { gate, settle, track, type ContractHooks } from '../support/async.ts';
import { argumentError } from '@interlock/core';

const N = 5;

/** Run `f` in N concurrent tasks (Python's run_threads: N − 1 threads plus the caller). */
async function runTasks(f: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: N }, () => f()));
}

export function describeBarrierContract(label: string, hooks: ContractHooks = {}): void {
  describe(`barrier contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    async function multipass(barrier: Barrier, passes: number): Promise<void> {
      const before: true[] = [];
      const after: true[] = [];
      await runTasks(async () => {
        for (let i = 0; i < passes; i += 1) {
          before.push(true);
          expect(after.length).toBe(i * N);
          await barrier.wait();
          after.push(true);
          expect(before.length).toBe((i + 1) * N);
          await barrier.wait();
        }
      });
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    }

    it('BarrierTests.test_barrier: tasks pass the barrier in lockstep', async () => {
      await multipass(new Barrier(N), 1);
    });

    it('BarrierTests.test_barrier_10: ten consecutive passes', async () => {
      await multipass(new Barrier(N), 10);
    });

    it('BarrierTests.test_wait_return: each task gets a distinct arrival index 0..N-1', async () => {
      const barrier = new Barrier(N);
      const indices: number[] = [];
      await runTasks(async () => {
        indices.push(await barrier.wait());
      });
      expect(indices.sort()).toEqual([0, 1, 2, 3, 4]);
    });

    it('BarrierTests.test_action: the action runs once per pass, before anyone is released', async () => {
      const ran: true[] = [];
      const barrier = new Barrier(N, { action: () => ran.push(true) });
      await runTasks(async () => {
        await barrier.wait();
        expect(ran.length).toBe(1);
      });
    });

    it('BarrierTests.test_abort: abort() breaks the barrier for everyone waiting and arriving', async () => {
      const barrier = new Barrier(N);
      const passed: true[] = [];
      const broken: true[] = [];
      await runTasks(async () => {
        try {
          const i = await barrier.wait();
          if (i === Math.floor(N / 2)) throw new Error('this task gives up');
          await barrier.wait();
          passed.push(true);
        } catch (error) {
          if (error instanceof BrokenBarrierError) broken.push(true);
          else barrier.abort();
        }
      });
      expect(passed.length).toBe(0);
      expect(broken.length).toBe(N - 1);
      expect(barrier.broken).toBe(true);
      await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    });

    it('BarrierTests.test_reset: reset() frees the waiting tasks with BrokenBarrierError and the barrier works again', async () => {
      const barrier = new Barrier(N);
      const passed: true[] = [];
      const broken: true[] = [];
      const again: true[] = [];
      await runTasks(async () => {
        const i = await barrier.wait();
        if (i === Math.floor(N / 2)) {
          await settle(); // every other task is now in its second wait
          expect(barrier.nWaiting).toBe(N - 1);
          barrier.reset();
        } else {
          try {
            await barrier.wait();
            passed.push(true);
          } catch (error) {
            expect(error).toBeInstanceOf(BrokenBarrierError);
            broken.push(true);
          }
        }
        await barrier.wait();
        again.push(true);
      });
      expect(passed.length).toBe(0);
      expect(broken.length).toBe(N - 1);
      expect(again.length).toBe(N);
    });

    it('BarrierTests.test_abort_and_reset: a broken barrier can be reset and used again', async () => {
      const barrier = new Barrier(N);
      const sync = new Barrier(N);
      const passed: true[] = [];
      const broken: true[] = [];
      const again: true[] = [];
      await runTasks(async () => {
        try {
          const i = await barrier.wait();
          if (i === Math.floor(N / 2)) throw new Error('this task gives up');
          await barrier.wait();
          passed.push(true);
        } catch (error) {
          if (error instanceof BrokenBarrierError) broken.push(true);
          else barrier.abort();
        }
        if ((await sync.wait()) === Math.floor(N / 2)) barrier.reset();
        await sync.wait();
        await barrier.wait();
        again.push(true);
      });
      expect(passed.length).toBe(0);
      expect(broken.length).toBe(N - 1);
      expect(again.length).toBe(N);
      expect(barrier.broken).toBe(false);
    });

    it('BarrierTests.test_timeout: a wait that times out breaks the barrier for everyone', async () => {
      vi.useFakeTimers();
      try {
        const barrier = new Barrier(N, { timeout: 2000 });
        const late = gate();
        const outcomes = Array.from({ length: N }, () =>
          track(
            (async () => {
              const i = await barrier.wait();
              if (i === Math.floor(N / 2)) await late.promise;
              await barrier.wait({ timeout: 500 });
            })(),
          ),
        );
        await vi.advanceTimersByTimeAsync(500);
        late.open();
        await settle();
        for (const outcome of outcomes) expect(outcome.error).toBeInstanceOf(BrokenBarrierError);
        expect(barrier.broken).toBe(true);
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it("BarrierTests.test_default_timeout: the constructor's timeout applies to every wait", async () => {
      vi.useFakeTimers();
      try {
        const barrier = new Barrier(N, { timeout: 300 });
        const late = gate();
        const outcomes = Array.from({ length: N }, () =>
          track(
            (async () => {
              const i = await barrier.wait();
              if (i === Math.floor(N / 2)) await late.promise;
              await barrier.wait();
            })(),
          ),
        );
        await vi.advanceTimersByTimeAsync(299);
        expect(barrier.broken).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        late.open();
        await settle();
        for (const outcome of outcomes) expect(outcome.error).toBeInstanceOf(BrokenBarrierError);
      } finally {
        vi.useRealTimers();
      }
    });

    it('BarrierTests.test_single_thread: a one-party barrier never blocks', async () => {
      const barrier = new Barrier(1);
      expect(await barrier.wait()).toBe(0);
      expect(await barrier.wait()).toBe(0);
    });

    it('Barrier: an aborted signal rejects that waiter with its reason and breaks the barrier for the others', async () => {
      const barrier = new Barrier(3);
      const controller = new AbortController();
      const other = track(barrier.wait());
      const aborted = track(barrier.wait({ signal: controller.signal }));
      const reason = new Error('cancelled');
      controller.abort(reason);
      await settle();
      expect(aborted.error).toBe(reason);
      expect(other.error).toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
    });

    it('BarrierTests.test_constructor: parties below 1 and non-object options are rejected', () => {
      expect(() => new Barrier(0)).toThrow(
        argumentError('range', 'Expected `parties` to be a positive integer, got 0'),
      );
      expect(() => new Barrier(-1)).toThrow(RangeError);
      expect(() => new Barrier(2, 5 as never)).toThrow(
        argumentError('type', 'Expected `options` to be an object, got 5'),
      );
    });

    it('BarrierTests.test_repr: parties, nWaiting and broken are the state a repr shows', async () => {
      const barrier = new Barrier(3);
      expect([barrier.parties, barrier.nWaiting, barrier.broken]).toEqual([3, 0, false]);
      const waiting = [barrier.wait(), barrier.wait()];
      expect(barrier.nWaiting).toBe(2);
      await barrier.wait();
      await Promise.all(waiting);
      expect(barrier.nWaiting).toBe(0);
      barrier.abort();
      expect(barrier.broken).toBe(true);
    });

    it('Barrier: an action that aborts the barrier fails the whole pass, the last arriver included', async () => {
      const barrier: Barrier = new Barrier(2, { action: (): void => barrier.abort() });
      const first = track(barrier.wait());
      await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
      await settle();
      expect(first.error).toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
    });

    it('Barrier: wait() from the action throws LockStateError (it would arrive again before its pass is over)', async () => {
      let fromAction: unknown;
      const barrier = new Barrier(2, {
        name: 'phases',
        action: () => {
          try {
            void barrier.wait();
          } catch (error) {
            fromAction = error;
          }
        },
      });
      const results = await Promise.all([barrier.wait(), barrier.wait()]);
      expect(results.sort()).toEqual([0, 1]);
      expect(fromAction).toBeInstanceOf(LockStateError);
      expect((fromAction as Error).message).toBe(
        'Barrier phases: wait() cannot be called from its own action',
      );
      expect([barrier.nWaiting, barrier.broken]).toEqual([0, false]);
    });

    it('Barrier: an action that throws breaks the barrier; the last arriver gets the error', async () => {
      const failure = new Error('action failed');
      const barrier = new Barrier(2, {
        action: () => {
          throw failure;
        },
      });
      const first = track(barrier.wait());
      await expect(barrier.wait()).rejects.toBe(failure);
      await settle();
      expect(first.error).toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
    });
  });
}

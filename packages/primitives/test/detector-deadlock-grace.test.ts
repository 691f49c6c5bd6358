/**
 * Issue 8, item 8: no verdict of the detector breaks a correct program. Work started inside a
 * critical section and not awaited inherits the holder's holds, so a fire-and-forget child that
 * asks for its parent's lock looks exactly like a task waiting for itself — yet it only has to
 * wait until the parent releases. An awaited child doing the same *is* a deadlock. Run time cannot
 * tell them apart, so a wait-for cycle is broken only if it persists for `deadlockGrace` ms
 * (default 500): both sides of each case are tested here with the default, under fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlockError, detector, Lock, Semaphore } from '../src/index.ts';
import { settle, track } from './support/async.ts';
import { disableAfterEach } from './support/detector.ts';

disableAfterEach();

beforeEach(() => {
  vi.useFakeTimers();
  detector.disable();
  detector.reset();
  detector.enable({ onWarning: () => undefined }); // defaults: onCycle 'throw', deadlockGrace 500
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a task asking for a lock it holds only by inheritance', () => {
  it('fire-and-forget child: waits for its parent and gets the lock, no DeadlockError', async () => {
    const lock = new Lock({ name: 'accounts' });
    let child: ReturnType<typeof track<void>> | undefined;
    await lock.withLock(async () => {
      child = track(
        (async () => {
          using _guard = await lock.acquire(); // inherited the parent's hold; not awaited by it
        })(),
      );
      await settle();
      await vi.advanceTimersByTimeAsync(300); // the parent works on, within the grace period
      expect(child.state).toBe('pending');
    });
    await settle();
    expect(child?.state).toBe('fulfilled');
    expect(detector.deadlocks()).toEqual([]);
    expect(lock.locked).toBe(false);
  });

  it('awaited child: the same request is a real deadlock, broken once the grace period has passed', async () => {
    const lock = new Lock({ name: 'accounts' });
    let outcome: unknown;
    const parent = track(
      lock.withLock(async () => {
        await (async () => {
          outcome = await lock.acquire().catch((error: unknown) => error);
        })();
      }),
    );
    await settle();
    await vi.advanceTimersByTimeAsync(499);
    expect(outcome).toBeUndefined(); // still waiting: not certain yet
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(outcome).toBeInstanceOf(DeadlockError);
    expect((outcome as DeadlockError).cycle.locks.map((entry) => entry.name)).toEqual(['accounts']);
    expect(parent.state).toBe('fulfilled');
    expect(lock.locked).toBe(false);
  });

  it('the holder itself re-acquiring its Lock is broken the same way', async () => {
    const lock = new Lock({ name: 'self' });
    const outcome = await lock.withLock(async () => {
      const again = track(lock.acquire());
      await settle();
      await vi.advanceTimersByTimeAsync(500);
      await settle();
      return again;
    });
    expect(outcome.error).toBeInstanceOf(DeadlockError);
    expect(detector.deadlocks()).toHaveLength(1);
  });
});

describe('a wait-for cycle through an inherited hold', () => {
  // The lock-order side of these nestings is not what is tested here: record it, do not throw.
  beforeEach(() => detector.enable({ onWarning: () => undefined, onCycle: 'record' }));

  it('fire-and-forget child that holds b and waits for a (its parent’s): resolved when the parent releases', async () => {
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const order: string[] = [];
    let child: Promise<void> | undefined;
    await a.withLock(async () => {
      child = (async () => {
        using _b = await b.acquire();
        using _a = await a.acquire(); // waits for the parent, which is not waiting for it
        order.push('child has a and b');
      })();
      await settle();
      await vi.advanceTimersByTimeAsync(200);
      order.push('parent leaves a');
    });
    await child;
    expect(order).toEqual(['parent leaves a', 'child has a and b']);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('a real AB-BA between two tasks is still broken, after the grace period, and only once', async () => {
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const results: unknown[] = [];
    const bothHold = Promise.withResolvers<void>();
    let holding = 0;
    const hold = (): Promise<void> => {
      holding += 1;
      if (holding === 2) bothHold.resolve();
      return bothHold.promise;
    };
    const one = (async () => {
      using _a = await a.acquire();
      await hold();
      results.push(
        await b.acquire().then(
          (guard) => (guard.release(), 'one done'),
          (error: unknown) => error,
        ),
      );
    })();
    const two = (async () => {
      using _b = await b.acquire();
      await hold();
      results.push(
        await a.acquire().then(
          (guard) => (guard.release(), 'two done'),
          (error: unknown) => error,
        ),
      );
    })();
    await settle();
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all([one, two]);
    expect(results.filter((result) => result instanceof DeadlockError)).toHaveLength(1);
    expect(results.filter((result) => typeof result === 'string')).toHaveLength(1);
    expect(detector.deadlocks()).toHaveLength(1);
  });

  it('a Semaphore(1) taken twice by one task is broken after the grace period', async () => {
    const pool = new Semaphore(1, { name: 'pool' });
    const outcome = await pool.withLock(async () => {
      const again = track(pool.acquire());
      await settle();
      await vi.advanceTimersByTimeAsync(500);
      await settle();
      return again;
    });
    expect(outcome.error).toBeInstanceOf(DeadlockError);
    expect(pool.value).toBe(1);
  });

  it('deadlockGrace: 0 breaks at once; a bad value is refused with the house message', async () => {
    detector.enable({ onWarning: () => undefined, deadlockGrace: 0 });
    const lock = new Lock({ name: 'now' });
    const outcome = await lock.withLock(async () =>
      lock.acquire().catch((error: unknown) => error),
    );
    expect(outcome).toBeInstanceOf(DeadlockError);
    expect(() => detector.enable({ deadlockGrace: -1 })).toThrow(
      'Expected `deadlockGrace` to be a number of milliseconds from 0 to 2147483647, got -1',
    );
    expect(() => detector.enable({ deadlockGrace: '5' as never })).toThrow(TypeError);
  });
});

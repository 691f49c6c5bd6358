/**
 * Issue 8, items 2 and 8 (deadlock side): no deadlock verdict breaks a correct program, and a
 * certain one is immediate. Work started inside a critical section inherits the holder's holds,
 * so a task asking for a lock it holds only by inheritance looks like a task waiting for itself.
 * The detector tells the cases apart by who made the request (V8's async stack trace, captured
 * with the wait): the holder itself or work it awaits → certain, broken at once; a function the
 * holder called and may still await (the request runs in the callee's first synchronous segment)
 * → broken only if still stuck after `deadlockGrace`; nobody awaiting → doubtful, never broken,
 * reported once after `deadlockGrace`. Both sides of each case, under fake timers.
 */
import { EventEmitterAsyncResource } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DeadlockError,
  detector,
  Lock,
  Semaphore,
  type DetectorEnableOptions,
} from '../src/index.ts';
import { settle, track } from './support/async.ts';
import { disableAfterEach } from './support/detector.ts';

disableAfterEach();

let warnings: unknown[] = [];

function enable(options: DetectorEnableOptions = {}): void {
  detector.disable();
  detector.reset();
  warnings = [];
  // Defaults: onCycle 'throw', deadlockGrace 500. The lock-order side of these nestings is
  // detector-inherited-order.test.ts's; a self-wait orders nothing.
  detector.enable({ onWarning: (warning) => void warnings.push(warning), ...options });
}

beforeEach(() => {
  vi.useFakeTimers();
  enable();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A child that asks for `lock` after its first await; resolves with the guard or the error. */
async function askLater(lock: Lock): Promise<unknown> {
  await Promise.resolve();
  return lock.acquire().catch((error: unknown) => error);
}

/** Doubtful deadlocks reported through onWarning. */
function doubtfulReports(): DeadlockError[] {
  return warnings.filter(
    (warning): warning is DeadlockError =>
      warning instanceof DeadlockError && warning.cycle.doubtful === true,
  );
}

describe('a task asking for a lock it holds only by inheritance, not awaited: never broken', () => {
  it('fire-and-forget child: waits however long the parent holds, then gets the lock; reported once as doubtful', async () => {
    const lock = new Lock({ name: 'accounts' });
    let child: ReturnType<typeof track<void>> | undefined;
    await lock.withLock(async () => {
      child = track(
        (async () => {
          await Promise.resolve(); // the child's own work first; nobody awaits it
          using _guard = await lock.acquire();
        })(),
      );
      await settle();
      await vi.advanceTimersByTimeAsync(10_000); // the parent holds far longer than the grace
      expect(child.state).toBe('pending');
    });
    await settle();
    expect(child?.state).toBe('fulfilled');
    expect(lock.locked).toBe(false);
    expect(detector.deadlocks()).toHaveLength(1);
    expect(detector.deadlocks()[0]!.doubtful).toBe(true);
    expect(doubtfulReports()).toHaveLength(1);
    expect(doubtfulReports()[0]!.cycle.locks.map((entry) => entry.name)).toEqual(['accounts']);
  });

  it('a parent that releases within the grace period leaves no report at all', async () => {
    const lock = new Lock({ name: 'accounts' });
    let child: Promise<void> | undefined;
    await lock.withLock(async () => {
      child = (async () => {
        await Promise.resolve();
        using _guard = await lock.acquire();
      })();
      await settle();
      await vi.advanceTimersByTimeAsync(499);
    });
    await child;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(detector.deadlocks()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("a stream 'data' handler attached inside the critical section waits for the lock", async () => {
    const lock = new Lock({ name: 'ledger' });
    const stream = new PassThrough({ objectMode: true });
    const handled: string[] = [];
    const done = Promise.withResolvers<void>();
    await lock.withLock(async () => {
      stream.on('data', (row: string) => {
        void (async () => {
          using _guard = await lock.acquire();
          handled.push(row);
          done.resolve();
        })();
      });
      stream.write('row 1');
      await settle();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(handled).toEqual([]);
    });
    await done.promise;
    expect(handled).toEqual(['row 1']);
    expect(detector.deadlocks().every((deadlock) => deadlock.doubtful === true)).toBe(true);
  });

  it('an EventEmitterAsyncResource created inside the critical section: its handler waits for the lock', async () => {
    const lock = new Lock({ name: 'ledger' });
    const handled: string[] = [];
    const done = Promise.withResolvers<void>();
    let emitter: EventEmitterAsyncResource | undefined;
    await lock.withLock(async () => {
      emitter = new EventEmitterAsyncResource({ name: 'jobs' });
      emitter.on('job', (job: string) => {
        void (async () => {
          using _guard = await lock.acquire();
          handled.push(job);
          done.resolve();
        })();
      });
      // Emitted from a timer: the handler runs in the resource's context (the creator's frame).
      setTimeout(() => emitter!.emit('job', 'job 1'), 10);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(handled).toEqual([]);
    });
    await done.promise;
    expect(handled).toEqual(['job 1']);
    expect(detector.deadlocks().every((deadlock) => deadlock.doubtful === true)).toBe(true);
  });
});

describe('certain deadlocks are broken at once (no grace period)', () => {
  it('the holder itself re-taking its Lock (using)', async () => {
    const lock = new Lock({ name: 'self' });
    using _held = await lock.acquire();
    const again = track(lock.acquire());
    await settle(); // no timer advanced
    expect(again.error).toBeInstanceOf(DeadlockError);
    expect(detector.deadlocks()).toHaveLength(1);
    expect(detector.deadlocks()[0]!.doubtful).toBeUndefined();
  });

  it('the holder itself re-taking its Lock (withLock)', async () => {
    const lock = new Lock({ name: 'self' });
    const outcome = await lock.withLock(async () => {
      const again = track(lock.acquire());
      await settle();
      return again;
    });
    expect(outcome.error).toBeInstanceOf(DeadlockError);
  });

  it('an awaited child asking for its parent’s lock (await child())', async () => {
    const lock = new Lock({ name: 'accounts' });
    const child = (): Promise<unknown> => askLater(lock);
    // `return await`: an async function that returns the promise unawaited is not in V8's async
    // stack trace, so its awaiting would not be seen (a doubtful deadlock: reported, not broken).
    const outcome = await lock.withLock(async () => await child());
    expect(outcome).toBeInstanceOf(DeadlockError);
    expect((outcome as DeadlockError).cycle.locks.map((entry) => entry.name)).toEqual(['accounts']);
    expect(lock.locked).toBe(false);
  });

  it('awaited children asking for their parent’s lock (Promise.all)', async () => {
    const lock = new Lock({ name: 'accounts' });
    using _held = await lock.acquire();
    const outcomes = await Promise.all([askLater(lock), askLater(lock)]);
    expect(outcomes.every((outcome) => outcome instanceof DeadlockError)).toBe(true);
  });

  it('a real AB-BA between two unrelated tasks: exactly one waiter broken, the other finishes', async () => {
    enable({ onCycle: 'record' });
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
    const transfer = async (first: Lock, second: Lock, name: string): Promise<void> => {
      using _first = await first.acquire();
      await hold();
      results.push(
        await second.acquire().then(
          (guard) => (guard.release(), `${name} done`),
          (error: unknown) => error,
        ),
      );
    };
    await Promise.all([transfer(a, b, 'one'), transfer(b, a, 'two')]); // no timer advanced
    expect(results.filter((result) => result instanceof DeadlockError)).toHaveLength(1);
    expect(results.filter((result) => typeof result === 'string')).toHaveLength(1);
    expect(detector.deadlocks()).toHaveLength(1);
  });

  it('a Semaphore(1) taken twice by one task', async () => {
    const pool = new Semaphore(1, { name: 'pool' });
    const outcome = await pool.withLock(async () => {
      const again = track(pool.acquire());
      await settle();
      return again;
    });
    expect(outcome.error).toBeInstanceOf(DeadlockError);
    expect(pool.value).toBe(1);
  });

  it('with stacks: false there is no evidence: every deadlock counts as certain (documented)', async () => {
    enable({ stacks: false });
    const lock = new Lock({ name: 'accounts' });
    let child: ReturnType<typeof track<unknown>> | undefined;
    await lock.withLock(async () => {
      child = track(
        (async () => {
          await Promise.resolve();
          return lock.acquire();
        })(),
      );
      await settle();
    });
    expect(child?.error).toBeInstanceOf(DeadlockError);
  });
});

describe('a request in the first synchronous segment of a call the holder made: after the grace', () => {
  it('awaited (await child() asking first thing): broken once deadlockGrace has passed', async () => {
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
    expect(outcome).toBeUndefined(); // `void child()` would look the same so far
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(outcome).toBeInstanceOf(DeadlockError);
    expect(parent.state).toBe('fulfilled');
    expect(lock.locked).toBe(false);
  });

  it('not awaited, and the parent releases within the grace period: no verdict', async () => {
    const lock = new Lock({ name: 'accounts' });
    let child: ReturnType<typeof track<void>> | undefined;
    await lock.withLock(async () => {
      child = track(
        (async () => {
          using _guard = await lock.acquire(); // first thing: looks like `await child()`
        })(),
      );
      await settle();
      await vi.advanceTimersByTimeAsync(300);
    });
    await settle();
    expect(child?.state).toBe('fulfilled');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('deadlockGrace validation keeps the house message', () => {
    expect(() => detector.enable({ deadlockGrace: -1 })).toThrow(
      'Expected `deadlockGrace` to be a number of milliseconds from 0 to 2147483647, got -1',
    );
    expect(() => detector.enable({ deadlockGrace: '5' as never })).toThrow(TypeError);
  });
});

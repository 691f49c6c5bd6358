/**
 * RLock ownership per task (issue 2, item 4) and what each acquisition style records in the
 * task's frame. Node 24's AsyncLocalStorage (AsyncContextFrame) is the reference.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detached, Lock, LockStateError, RLock, Semaphore } from '../../src/index.ts';
import { probe } from '../../src/internal/probe.ts';
import { currentFrame } from '../../src/internal/task-context.ts';
import { gate, settle, track, type ContractHooks } from '../support/async.ts';

export function describeTaskTrackingContract(label: string, hooks: ContractHooks = {}): void {
  describe(`task tracking contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    it('Promise.all siblings: f holds an RLock via `using`, g waits (no re-entry lent to a sibling)', async () => {
      const rlock = new RLock();
      const release = gate();
      let gWaited: string | undefined;
      const f = async () => {
        using _guard = await rlock.acquire();
        await release.promise;
      };
      const g = async () => {
        await settle(); // f holds it by now
        const acquiring = rlock.acquire();
        const attempt = track(acquiring);
        await settle();
        gWaited = attempt.state;
        release.open();
        (await acquiring).release(); // granted once f released
      };
      await Promise.all([f(), g()]);
      expect(gWaited).toBe('pending');
      expect(rlock.locked).toBe(false);
    });

    it('Promise.all siblings: f holds an RLock via withLock, g can neither re-enter nor release it', async () => {
      const rlock = new RLock();
      const release = gate();
      const seen: unknown[] = [];
      await Promise.all([
        rlock.withLock(() => release.promise),
        (async () => {
          await settle();
          seen.push(rlock.tryAcquire());
          try {
            rlock.release();
          } catch (error) {
            seen.push(error);
          }
          release.open();
        })(),
      ]);
      expect(seen[0]).toBeUndefined();
      expect(seen[1]).toBeInstanceOf(LockStateError);
      expect(rlock.locked).toBe(false);
    });

    it('nesting in the owner counts: every level must be released', async () => {
      const rlock = new RLock();
      let levels = 0;
      const nest = async (depth: number): Promise<void> => {
        using _guard = await rlock.acquire();
        levels += 1;
        if (depth > 1) await nest(depth - 1);
        expect(rlock.locked).toBe(true);
      };
      await nest(5);
      expect(levels).toBe(5);
      expect(rlock.locked).toBe(false);
    });

    it('a task that holds via `using` has the hold in its frame, and not after the block', async () => {
      const rlock = new RLock();
      expect(currentFrame()).toBeUndefined();
      await (async () => {
        {
          using _guard = await rlock.acquire();
          expect(currentFrame()?.holds.length).toBe(1);
          await settle();
          expect(currentFrame()?.holds.length).toBe(1); // survives awaits
        }
        expect(currentFrame()).toBeUndefined();
      })();
      expect(currentFrame()).toBeUndefined(); // never leaked to the caller
    });

    it('children forked inside a critical section inherit the holder: they may re-enter its RLock', async () => {
      const rlock = new RLock();
      const entered: number[] = [];
      await rlock.withLock(async () => {
        await Promise.all(
          [1, 2].map(async (i) => {
            using _guard = await rlock.acquire();
            entered.push(i);
          }),
        );
      });
      expect(entered).toEqual([1, 2]);
      expect(rlock.locked).toBe(false);
    });

    it('detached(fn) starts work outside the frame: it waits for the RLock like any other task', async () => {
      const rlock = new RLock();
      let background: ReturnType<typeof track<void>> | undefined;
      await rlock.withLock(async () => {
        background = track(
          detached(async () => {
            expect(currentFrame()?.holds ?? []).toEqual([]);
            (await rlock.acquire()).release();
          }),
        );
        await settle();
        expect(background.state).toBe('pending');
      });
      await settle();
      expect(background?.state).toBe('fulfilled');
    });

    it('a bare `await acquire()` hold is anonymous: no re-entry, and any task may release it', async () => {
      const rlock = new RLock();
      await rlock.acquire();
      expect(currentFrame()).toBeUndefined();
      expect(rlock.tryAcquire()).toBeUndefined(); // not recognised as the owner
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      await (async () => rlock.release())(); // owner unknown: allowed
      expect(rlock.locked).toBe(false);
    });

    it('tryAcquire in the first synchronous segment does not leak the hold into the caller', async () => {
      const rlock = new RLock();
      const release = gate();
      const holder = async () => {
        using guard = rlock.tryAcquire();
        expect(guard).toBeDefined();
        await release.promise;
      };
      const running = holder(); // its `using` ran in our synchronous run
      expect(rlock.locked).toBe(true);
      expect(currentFrame()).toBeUndefined();
      expect(rlock.tryAcquire()).toBeUndefined(); // we are not the owner
      release.open();
      await running;
      expect(rlock.locked).toBe(false);
    });

    it('a plain Lock re-acquired by its holder waits (self-deadlock, as in Python); a child forked inside may not take it either', async () => {
      const lock = new Lock();
      if (hooks.detector !== undefined) {
        // Detector on: rejected at once instead of waiting (the holder — or a child acting for it —
        // re-asks).
        await lock.withLock(async () => {
          hooks.detector?.expectSelfDeadlock(await lock.acquire().catch((error: unknown) => error));
          await Promise.all([
            (async () =>
              hooks.detector?.expectSelfDeadlock(
                await lock.acquire().catch((error: unknown) => error),
              ))(),
          ]);
          expect(lock.locked).toBe(true);
        });
        expect(lock.locked).toBe(false);
        return;
      }
      await lock.withLock(async () => {
        const inner = track(lock.acquire());
        await settle();
        expect(inner.state).toBe('pending');
        lock.release(); // lets inner through; withLock's own release then becomes a no-op
        await settle();
        expect(inner.state).toBe('fulfilled');
        inner.value?.release();
      });
      expect(lock.locked).toBe(false);
    });

    it('Lock and Semaphore holds enter the frame only while a probe (the detector) reads frames', async () => {
      const expected = probe === undefined ? undefined : ['Semaphore'];
      const sem = new Semaphore(2);
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
      await sem.withLock(async () => {
        expect(currentFrame()?.holds.map((h) => h.lock.kind)).toEqual(expected);
      });
      const lock = new Lock();
      {
        using _guard = await lock.acquire();
        expect(currentFrame()?.holds.map((h) => h.lock.kind)).toEqual(
          probe === undefined ? undefined : ['Lock'],
        );
      }
      // The ended hold may stay in the frame, dead (guard.ts `disposeInPlace`); nothing live does.
      expect(currentFrame()?.holds.filter((hold) => hold.count > 0) ?? []).toEqual([]);
    });

    it('RLock holds always enter the frame: ownership reads it', async () => {
      const rlock = new RLock();
      await rlock.withLock(() => {
        expect(currentFrame()?.holds.map((h) => h.lock.kind)).toEqual(['RLock']);
      });
      expect(currentFrame()).toBeUndefined();
    });
  });
}

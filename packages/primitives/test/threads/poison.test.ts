import { describe, expect, it } from 'vitest';
import { Event, Lock, LockPoisonedError, RLock } from '../../src/threads/index.ts';
import { startWorker, workerTestTimeout } from './support/workers.ts';

describe('a thread that exits holding a lock', { timeout: workerTestTimeout }, () => {
  for (const how of ['return', 'throw', 'exit'] as const) {
    it(`poisons it (${how}): waiters and later acquirers get LockPoisonedError naming the thread; clearPoison() makes it usable`, async () => {
      const lock = new Lock({ name: 'ledger' });
      const held = new Event();
      const waiter = startWorker('hold-and-exit', {
        role: 'waiter',
        how,
        lock: lock.handle,
        held: held.handle,
      });
      const holder = startWorker('hold-and-exit', {
        role: 'holder',
        how,
        lock: lock.handle,
        held: held.handle,
      });
      const holderThread = holder.worker.threadId;
      await holder.exited.catch(() => 0);
      await waiter.exited;
      expect(waiter.messages).toEqual([
        { poisoned: true, code: 'ERR_INTERLOCK_LOCK_POISONED', thread: holderThread },
      ]);
      expect(lock.poisoned).toBe(true);
      const refused = await lock.acquireAsync().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(LockPoisonedError);
      expect((refused as LockPoisonedError).message).toContain(
        `thread ${holderThread} exited while holding it`,
      );
      expect(lock.clearPoison()).toBe(true);
      using guard = lock.tryAcquire();
      expect(guard).toBeDefined();
    });
  }

  it('an RLock is poisoned the same way', async () => {
    const lock = new RLock({ name: 'r' });
    const held = new Event();
    const holder = startWorker('hold-and-exit', {
      role: 'holder',
      how: 'return',
      lock: lock.handle,
      held: held.handle,
    });
    await holder.exited;
    expect(() => lock.tryAcquire()).toThrow(LockPoisonedError);
  });
});

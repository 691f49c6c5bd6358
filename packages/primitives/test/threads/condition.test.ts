import { describe, expect, it } from 'vitest';
import { Condition, Lock, LockStateError, RLock } from '../../src/threads/index.ts';
import { joinAll, startWorker, workerTestTimeout } from './support/workers.ts';

describe('Condition across threads', { timeout: workerTestTimeout }, () => {
  it('producer/consumer through a bounded ring loses and duplicates nothing', async () => {
    const producers = 3;
    const consumers = 3;
    const each = 400;
    const capacity = 4;
    const lock = new Lock({ name: 'ring' });
    const notFull = new Condition(lock, { name: 'notFull' });
    const notEmpty = new Condition(lock, { name: 'notEmpty' });
    const ring = new Int32Array(new SharedArrayBuffer(4 * (3 + capacity)));
    const common = {
      total: producers * each,
      notFull: notFull.handle,
      notEmpty: notEmpty.handle,
      ring: ring.buffer,
      capacity,
    };
    const workers = [
      ...Array.from({ length: producers }, (_, p) =>
        startWorker('bounded-buffer', {
          ...common,
          role: 'producer',
          first: p * each,
          count: each,
        }),
      ),
      ...Array.from({ length: consumers }, () =>
        startWorker('bounded-buffer', { ...common, role: 'consumer', first: 0, count: 0 }),
      ),
    ];
    const messages = await joinAll(workers);
    const taken = messages.flat(2) as number[];
    expect(taken).toHaveLength(producers * each);
    expect(new Set(taken).size).toBe(producers * each);
    expect(Math.min(...taken)).toBe(0);
    expect(Math.max(...taken)).toBe(producers * each - 1);
  });

  it('notify(n) wakes exactly n waiters; the rest time out', async () => {
    const cond = new Condition(new Lock());
    let started = 0;
    const allWaiting = Promise.withResolvers<void>();
    const results = [0, 1, 2].map(async () => {
      using _ = await cond.acquireAsync();
      // waitAsync gives the lock up synchronously, before its first await.
      const woken = cond.waitAsync({ timeout: 300 });
      if (++started === 3) allWaiting.resolve();
      return await woken;
    });
    await allWaiting.promise;
    {
      using _ = await cond.acquireAsync();
      cond.notify(2);
    }
    expect((await Promise.all(results)).sort()).toEqual([false, true, true]);
  });

  it('wait and notify without the lock are LockStateErrors', () => {
    const cond = new Condition(new RLock());
    expect(() => cond.notify()).toThrow(LockStateError);
    expect(() => cond.wait({ timeout: 0 })).toThrow(LockStateError);
  });

  it('a Condition rebuilt from its handle shares its lock', () => {
    const cond = new Condition(new Lock({ name: 'l' }), { name: 'c' });
    const again = Condition.from(structuredClone(cond.handle));
    using _ = again.tryAcquire();
    expect(cond.lock.locked).toBe(true);
    expect(again.lock.name).toBe('l');
  });
});

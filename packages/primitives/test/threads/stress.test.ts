import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lock, RLock, Semaphore } from '../../src/threads/index.ts';
import { joinAll, startWorkers } from './support/workers.ts';

describe('randomized stress across threads', () => {
  it('under random acquires, timeouts and try-acquires by 2–4 workers and the main thread: mutual exclusion holds, no permit is lost or leaked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 4 }),
        async (seed, workers) => {
          const permits = 2;
          const lock = new Lock({ name: 'stress-lock' });
          const rlock = new RLock({ name: 'stress-rlock' });
          const semaphore = new Semaphore(permits, { name: 'stress-sem' });
          const occupancy = new Int32Array(new SharedArrayBuffer(12));
          const started = startWorkers('stress', workers, (index) => ({
            seed: seed + index * 7919,
            operations: 800,
            lock: lock.handle,
            rlock: rlock.handle,
            semaphore: semaphore.handle,
            permits,
            occupancy: occupancy.buffer,
          }));
          // The main thread joins in with the async forms while the workers run.
          let mainViolations = 0;
          for (let round = 0; round < 40; round++) {
            {
              using _ = await lock.acquireAsync();
              if (Atomics.add(occupancy, 0, 1) + 1 > 1) mainViolations++;
              Atomics.sub(occupancy, 0, 1);
            }
            {
              using _ = await semaphore.acquireAsync();
              if (Atomics.add(occupancy, 2, 1) + 1 > permits) mainViolations++;
              Atomics.sub(occupancy, 2, 1);
            }
          }
          const results = (await joinAll(started)).map(
            (messages) => messages[0] as { violations: number },
          );
          expect(results.map((result) => result.violations)).toEqual(results.map(() => 0));
          expect(mainViolations).toBe(0);
          expect(lock.locked).toBe(false);
          expect(rlock.locked).toBe(false);
          expect(semaphore.value).toBe(permits);
        },
      ),
      { numRuns: 3 },
    );
  }, 120_000);
});

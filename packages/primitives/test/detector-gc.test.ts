/* eslint-disable @interlock/consistent-lock-order -- These tests build lock-order cycles for the
   detector to find. */
/**
 * Bounded memory: the detector keeps nothing per acquisition, and a lock that is garbage-collected
 * leaves the live graph (FinalizationRegistry → core's forgetLock) while the cycles already
 * reported through it stay in the report. GC is forced with `gc()`, exposed at run time through
 * V8 flags (the same trick as bench/harness.ts), and awaited by polling a bounded number of turns.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detector, Lock, Semaphore } from '../src/index.ts';
import { cycleNames, disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Collects until `done()` or `turns` GC + macrotask rounds have passed (finalizers run between
 * turns).
 */
async function collectUntil(done: () => boolean, turns = 50): Promise<boolean> {
  for (let turn = 0; turn < turns && !done(); turn++) {
    gc();
    await realImmediate();
  }
  return done();
}

/** Nests a short-lived lock with `keep` both ways (a cycle, recorded), then lets it go. */
async function cycleThroughTemporaryLock(keep: Lock): Promise<void> {
  const temporary = new Lock({ name: 'temporary' });
  await temporary.withLock(() => keep.withLock(() => undefined));
  await keep.withLock(() => temporary.withLock(() => undefined));
}

describe('bounded memory', () => {
  it('10⁵ acquisitions over a fixed set of locks leave the graph’s size unchanged', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    const before = detector.stats();
    for (let i = 0; i < 100_000; i++) {
      using _a = await a.acquire();
      using _b = await b.acquire();
    }
    expect(detector.stats()).toEqual(before);
    expect(detector.snapshot().edges).toEqual([expect.objectContaining({ count: 100_001 })]);
  });

  it('a garbage-collected lock leaves the live graph; the cycle reported through it stays', async () => {
    enableFresh({ onCycle: 'record' });
    const keep = new Lock({ name: 'keep' });
    await cycleThroughTemporaryLock(keep);
    expect(detector.cycles().map(cycleNames)).toEqual([['temporary', 'keep']]);
    expect(edgeNames()).toEqual(['keep→temporary', 'temporary→keep']);

    // Its edges go exactly when its node is forgotten (other tests' dead locks may go too).
    expect(await collectUntil(() => edgeNames().length === 0)).toBe(true);
    expect(detector.stats()).toMatchObject({ edges: 0, refusedEdges: 0 });
    const report = detector.snapshot();
    expect(report.cycles.map(cycleNames)).toEqual([['temporary', 'keep']]);
    // The forgotten lock is still named in the report, because a finding names it. (Locks of
    // earlier tests that GC has not reached yet may be listed too: they are still live.)
    expect(report.locks.map((lock) => lock.name)).toEqual(
      expect.arrayContaining(['keep', 'temporary']),
    );
    // `keep` is still checked normally.
    await keep.withLock(() => undefined);
  });

  it('the heap does not grow with acquisitions: 10⁵ rounds of every style retain (next to) nothing', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const s = new Semaphore(2, { name: 's' });
    const rounds = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        {
          using _a = await a.acquire();
          using _b = await b.acquire();
        }
        await a.withLock(() => s.withLock(() => undefined));
        await s.acquire(); // plain style: anonymous hold, ended by release()
        s.release();
      }
    };
    await rounds(10_000); // warm up: edges, sites, JIT
    const heapAfterGc = async (): Promise<number> => {
      gc();
      await realImmediate();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = await heapAfterGc();
    await rounds(100_000);
    const grown = (await heapAfterGc()) - before;
    // 4·10⁵ acquisitions: keeping even 8 bytes per acquisition would be over 3 MB.
    expect(grown).toBeLessThan(512 * 1024);
    expect(detector.stats()).toMatchObject({
      edges: 2,
      refusedEdges: 0,
      blockedWaiters: 0,
      holds: 0,
    });
    // 4·10⁵ acquisitions plus forced GCs: seconds on a loaded 2-core machine (not a timing
    // assertion)
  }, 30_000);
});

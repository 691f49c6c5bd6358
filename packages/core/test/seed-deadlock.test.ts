/**
 * The seed's "Common pitfalls: deadlock" example: thread_1 takes lock_a then lock_b, thread_2
 * takes lock_b then lock_a, both pausing while holding the first lock. Here the pause is a pair of
 * events, so both first locks are held before either second lock is requested — the interleaving
 * that hangs in Python.
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detector.ts';
import { DeadlockError, LockOrderError } from '../src/errors.ts';
import { formatReport } from '../src/format-text.ts';
import { event, MiniLock, type MiniHold } from './mini-lock.ts';

function scenario(detector: Detector, order: 'inverted' | 'ordered') {
  const lockA = new MiniLock(detector, 'lock_a');
  const lockB = new MiniLock(detector, 'lock_b');
  const aHeld = event();
  const bHeld = event();
  const log: string[] = [];
  const thread1 = () =>
    lockA.withLock([], async (held) => {
      aHeld.set();
      await bHeld.wait;
      await lockB.withLock(held, () => void log.push('thread 1 processing'));
    });
  // Inverted: the seed's thread_2 (b, pause, a). Ordered: the seed's fix (a, pause, b); it
  // announces itself first, since it cannot take `lock_a` before thread 1 is done with it.
  const thread2 =
    order === 'inverted'
      ? () =>
          lockB.withLock([], async (held: readonly MiniHold[]) => {
            bHeld.set();
            await aHeld.wait;
            await lockA.withLock(held, () => void log.push('thread 2 processing'));
          })
      : () => {
          bHeld.set();
          return lockA.withLock([], async (held: readonly MiniHold[]) => {
            await lockB.withLock(held, () => void log.push('thread 2 processing'));
          });
        };
  return { run: () => Promise.allSettled([thread1(), thread2()]), log, lockA, lockB };
}

describe('the seed deadlock', () => {
  it("onCycle 'record': the real deadlock is broken, one thread rejects with DeadlockError, the other finishes", async () => {
    const detector = new Detector({ onCycle: 'record' });
    const { run, log } = scenario(detector, 'inverted');
    const [one, two] = await run();
    expect(one.status).toBe('fulfilled');
    expect(two.status).toBe('rejected');
    expect((two as PromiseRejectedResult).reason).toBeInstanceOf(DeadlockError);
    expect(log).toEqual(['thread 1 processing']);
    expect(detector.cycles()).toHaveLength(1);
    expect(detector.deadlocks()).toHaveLength(1);
    expect(detector.stats()).toMatchObject({ blockedWaiters: 0, holds: 0 });
  });

  it("onCycle 'throw': the closing acquire rejects with LockOrderError before blocking", async () => {
    const detector = new Detector();
    const { run, log } = scenario(detector, 'inverted');
    const [one, two] = await run();
    expect(one.status).toBe('fulfilled');
    expect((two as PromiseRejectedResult).reason).toBeInstanceOf(LockOrderError);
    expect(log).toEqual(['thread 1 processing']);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('the ordered fix is clean', async () => {
    const detector = new Detector();
    const { run, log } = scenario(detector, 'ordered');
    const results = await run();
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(log.sort()).toEqual(['thread 1 processing', 'thread 2 processing']);
    expect(detector.cycles()).toEqual([]);
    expect(detector.snapshot().edges).toHaveLength(1);
  });

  it('reports the cycle with both sites of every edge in the user’s code', async () => {
    const detector = new Detector({
      onCycle: 'record',
      frameFilters: ['/packages/core/src/', 'node:internal', '/mini-lock.ts'],
    });
    await scenario(detector, 'inverted').run();
    const report = detector.snapshot();
    const text = formatReport({ ...report, generatedAt: undefined }, 'text', {
      cwd: process.cwd(),
    });
    const stable = text
      .replaceAll(/L\d+/g, 'L#')
      .replaceAll(/\S*seed-deadlock\.test\.ts/g, 'seed-deadlock.test.ts');
    expect(stable).toMatchSnapshot();
    for (const edge of report.cycles[0]!.edges) {
      expect(edge.holder?.file).toMatch(/seed-deadlock\.test\.ts$/);
      expect(edge.acquirer?.file).toMatch(/seed-deadlock\.test\.ts$/);
    }
  });
});

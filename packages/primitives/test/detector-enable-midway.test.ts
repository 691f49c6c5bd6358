/* eslint-disable @interlock/consistent-lock-order, @interlock/no-unmanaged-acquire -- These tests
   build lock-order cycles and take plain-style holds on purpose, for the detector to see or not
   see: it is what they test. */
/**
 * Issue 8, item 9: with the detector off, `Lock` and `Semaphore` holds enter no task frame (only
 * RLock ownership and the detector read frames), so the fastest style pays no context switch.
 * What such a hold becomes when the detector is enabled while it is held: anonymous — it orders
 * nothing after it and is in no wait-for edge, so it can hide a finding but never invent one — and
 * it is released normally. An RLock hold, which is in the frame for ownership, is seen.
 */
import { describe, expect, it } from 'vitest';
import { detector, Lock, RLock, Semaphore } from '../src/index.ts';
import { currentFrame } from '../src/internal/task-context.ts';
import { settle, track } from './support/async.ts';
import { disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

describe('holds taken before enable()', () => {
  it('a Lock held with `using` while the detector was off orders nothing after enable()', async () => {
    detector.disable();
    const outer = new Lock({ name: 'outer' });
    const inner = new Lock({ name: 'inner' });
    {
      using _outer = await outer.acquire();
      expect(currentFrame()).toBeUndefined(); // no frame entry with the detector off
      enableFresh({ onCycle: 'record' });
      {
        using _inner = await inner.acquire();
      }
    }
    expect(edgeNames()).toEqual([]);
    // The reverse nesting, now fully seen, is no cycle: the earlier one was never recorded.
    await inner.withLock(() => outer.withLock(() => undefined));
    expect(edgeNames()).toEqual(['inner→outer']);
    expect(detector.cycles()).toEqual([]);
    expect(detector.stats().holds).toBe(0);
    expect(outer.locked || inner.locked).toBe(false);
  });

  it('a Semaphore permit taken with withLock while off is given back normally after enable()', async () => {
    detector.disable();
    const pool = new Semaphore(1, { name: 'pool' });
    await pool.withLock(async () => {
      enableFresh();
      await settle();
    });
    expect(pool.value).toBe(1);
    expect(detector.stats().holds).toBe(0);
  });

  it('a Lock held since before enable() is not a self-deadlock verdict: its holder’s re-acquire just waits', async () => {
    detector.disable();
    const lock = new Lock({ name: 'early' });
    const held = await lock.acquire();
    enableFresh();
    const again = track(lock.acquire({ timeout: 50 }));
    await settle();
    expect(again.state).toBe('pending');
    held.release();
    await settle();
    expect(again.state).toBe('fulfilled');
    again.value?.release();
    expect(detector.deadlocks()).toEqual([]);
  });

  it('an RLock hold is in the frame even while off, so enable() sees it: edges from it are recorded', async () => {
    detector.disable();
    const rlock = new RLock({ name: 'r' });
    const inner = new Lock({ name: 'inner' });
    await rlock.withLock(async () => {
      expect(currentFrame()?.holds.map((hold) => hold.lock.name)).toEqual(['r']);
      enableFresh({ onCycle: 'record' });
      await inner.withLock(() => undefined);
    });
    expect(edgeNames()).toEqual(['r→inner']);
  });
});

/**
 * Issue 3, item 9, after issue 8: with the detector on, an acquisition enters as few
 * AsyncContextFrames as it can. A `Lock` or `Semaphore` guard ends its hold in place (the dead
 * hold stays in the frame until the task's next claim drops it), and `withLock` enters its frame
 * once, in its own continuation. These tests pin what must not change with that: no reader sees
 * an ended hold, frames do not grow, and a `withLock` frame reaches `fn` and nothing else.
 */
import {
  Detector,
  type DeadlockError,
  type Hold as DetectorHold,
  type LockNode,
  type LockProbe,
  type Site,
} from '@interlock/core';
import { afterEach, describe, expect, it } from 'vitest';
import { detector, Lock, LockOrderError, Semaphore } from '../src/index.ts';
import { setProbe } from '../src/internal/probe.ts';
import { currentFrame, Hold } from '../src/internal/task-context.ts';
import { gate } from './support/async.ts';
import { disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

/** The names of the locks a frame holds, live ones only. */
function liveNames(): string[] {
  return (currentFrame()?.holds ?? [])
    .filter((hold) => hold.count > 0)
    .map((hold) => hold.lock.name);
}

/**
 * A real engine behind a probe that records, per `beforeAcquire`, the lock asked for and the
 * names of the holds it was given.
 */
function recordingProbe(): { probe: LockProbe; asked: string[] } {
  const engine = new Detector({ onCycle: 'record', deadlockGrace: 0 });
  const asked: string[] = [];
  const probe: LockProbe = {
    creationSite: (): Site | undefined => engine.creationSite(),
    beforeAcquire(held: readonly DetectorHold[], lock: LockNode, reentry, blocking) {
      asked.push(`${lock.name}[${held.map((hold) => hold.lock.name).join(',')}]`);
      return engine.beforeAcquire(held, lock, reentry, blocking);
    },
    waitStart: (held, lock, reject: (error: DeadlockError) => void, site) =>
      engine.waitStart(held, lock, reject, site),
    waitEnd: (ticket) => engine.waitEnd(ticket),
    holdAcquired: (hold, site) => engine.holdAcquired(hold, site),
    holdReleased: (hold) => engine.holdReleased(hold),
  };
  return { probe, asked };
}

describe('frame switches with the detector on', () => {
  afterEach(() => setProbe(undefined));

  it('an ended Lock or Semaphore hold stays in its frame, dead, and no probe call is given it', async () => {
    const { probe, asked } = recordingProbe();
    setProbe(probe);
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const s = new Semaphore(1, { name: 's' });
    {
      using _a = await a.acquire();
      expect(liveNames()).toEqual(['a']);
    }
    // What the guard left: the ended hold, in place (guard.ts `disposeInPlace`).
    expect(currentFrame()?.holds.map((hold) => [hold.lock.name, hold.count])).toEqual([['a', 0]]);
    {
      using _b = await b.acquire();
    }
    // A task started now inherits the frame with the ended hold in it.
    await (async () => {
      using _s = await s.acquire();
    })();
    await s.withLock(() => undefined);
    expect(asked).toEqual(['a[]', 'b[]', 's[]', 's[]']);
  });

  it('a loop of using blocks does not grow its task’s frame', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    for (let round = 0; round < 100; round++) {
      using _a = await a.acquire();
      using _b = await b.acquire();
      // Live holds only, nothing left below them from the rounds before.
      expect(currentFrame()?.holds.map((hold) => hold.lock.name)).toEqual(['a', 'b']);
    }
    expect(currentFrame()?.holds.length ?? 0).toBeLessThanOrEqual(2);
    expect(liveNames()).toEqual([]);
  });

  it('withLock runs fn in a frame of the live holds and its own, nothing that ended', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Semaphore(1, { name: 'b' });
    {
      using _a = await a.acquire();
    }
    const inside = await b.withLock(() => currentFrame()?.holds.map((hold) => hold.lock.name));
    expect(inside).toEqual(['b']);
  });

  it('withLock’s frame reaches fn and what fn starts, never its caller, even while fn runs', async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const c = new Lock({ name: 'c' });
    const d = new Lock({ name: 'd' });
    const entered = gate();
    const finish = gate();
    const running = a.withLock(async () => {
      entered.open();
      await finish.promise;
      // fn itself after an await, and work it starts: ordered after `a`.
      await c.withLock(() => undefined);
      await Promise.all([
        (async () => {
          using _d = await d.acquire();
        })(),
      ]);
    });
    await entered.promise;
    // The caller went on while fn holds `a`: it is a sibling of fn and holds nothing.
    expect(liveNames()).toEqual([]);
    {
      using _b = await b.acquire();
    }
    finish.open();
    await running;
    {
      using _b = await b.acquire();
    }
    expect(edgeNames()).toEqual(['a→c', 'a→d']);
    expect(liveNames()).toEqual([]);
  });

  it('a known nested pair is counted every time, and the reverse order is still refused', async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    for (let round = 0; round < 50; round++) {
      using _a = await a.acquire();
      using _b = await b.acquire();
    }
    expect(detector.snapshot().edges).toEqual([expect.objectContaining({ count: 50 })]);
    using _b = await b.acquire();
    await expect(a.acquire()).rejects.toBeInstanceOf(LockOrderError);
    expect(a.locked).toBe(false);
  });

  it('a hold record is the primitives’ Hold (what the frame and the probe share)', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    using _a = await a.acquire();
    expect(currentFrame()?.holds[0]).toBeInstanceOf(Hold);
  });
});

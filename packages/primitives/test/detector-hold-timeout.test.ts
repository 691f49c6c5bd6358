/* eslint-disable @interlock/no-unmanaged-acquire -- These tests exercise the primitives' raw
   protocol on purpose (unmanaged acquires, single waits): it is what they test. */
/**
 * `holdTimeout`: a lock held, or waited on, longer than the limit is reported with the site where
 * the holder took it (or the waiter asked) — this file's line, never interlock's own frames. Runs
 * on fake timers: the watchdogs are ordinary (unref'd) timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  detector,
  Lock,
  LongHoldWarning,
  LongWaitWarning,
  Semaphore,
  type DetectorWarning,
} from '../src/index.ts';
import { settle } from './support/async.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

/** The line of the caller of this function in this file, for asserting sites. */
function lineHere(): number {
  const line = new Error('here').stack?.split('\n')[2]?.match(/:(\d+):\d+\)?$/)?.[1];
  return Number(line);
}

let warnings: DetectorWarning[];
beforeEach(() => {
  vi.useFakeTimers();
  warnings = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('holdTimeout', () => {
  it('a long hold is reported once with the holder’s file:line:col; a short one is not', async () => {
    enableFresh({ holdTimeout: 100, onWarning: (warning) => warnings.push(warning) });
    const lock = new Lock({ name: 'slow' });
    {
      using _quick = await lock.acquire();
      vi.advanceTimersByTime(99);
    }
    vi.advanceTimersByTime(1000);
    expect(warnings).toEqual([]);

    const line = lineHere() + 1;
    const guard = await lock.acquire();
    vi.advanceTimersByTime(100);
    guard.release();
    expect(warnings).toHaveLength(1);
    const warning = warnings[0] as LongHoldWarning;
    expect(warning).toBeInstanceOf(LongHoldWarning);
    expect(warning.code).toBe('ERR_INTERLOCK_LONG_HOLD');
    expect(warning.message).toMatch(
      new RegExp(
        `"slow" held longer than 100 ms; taken at .*detector-hold-timeout\\.test\\.ts:${line}:\\d+`,
      ),
    );
    const [entry] = detector.snapshot().longHolds ?? [];
    expect(entry).toMatchObject({ limit: 100, count: 1, site: { line } });
    expect(entry?.site?.file).toMatch(/detector-hold-timeout\.test\.ts$/);
  });

  it('a lock granted by hand-off carries its own acquirer’s site, not the releaser’s', async () => {
    enableFresh({ holdTimeout: 100, onWarning: (warning) => warnings.push(warning) });
    const lock = new Lock({ name: 'handed' });
    const first = await lock.acquire();
    const line = lineHere() + 1;
    const second = lock.acquire();
    await settle();
    first.release(); // hands the lock to `second` before 100 ms passed
    const guard = await second;
    warnings.length = 0; // the wait itself was short; only the hold matters here
    vi.advanceTimersByTime(100);
    guard.release();
    expect(warnings.map((warning) => warning.name)).toEqual(['LongHoldWarning']);
    expect(detector.snapshot().longHolds?.[0]?.site?.line).toBe(line);
  });

  it('a long wait is reported with the waiter’s site', async () => {
    enableFresh({ holdTimeout: 50, onWarning: (warning) => warnings.push(warning) });
    const semaphore = new Semaphore(1, { name: 'pool' });
    const held = await semaphore.acquire();
    const line = lineHere() + 1;
    const waiting = semaphore.acquire();
    await settle();
    vi.advanceTimersByTime(50);
    const waits = warnings.filter((warning) => warning instanceof LongWaitWarning);
    expect(waits).toHaveLength(1);
    expect(waits[0]?.message).toMatch(
      new RegExp(`Waited longer than 50 ms for lock "pool"; requested at .*:${line}:\\d+`),
    );
    held.release();
    (await waiting).release();
  });

  it('off by default: no timer is ever created', async () => {
    enableFresh();
    const lock = new Lock();
    const guard = await lock.acquire();
    expect(vi.getTimerCount()).toBe(0);
    guard.release();
  });

  it('warnings go to process.emitWarning unless onWarning is given', async () => {
    detector.disable();
    detector.reset();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      detector.enable({ holdTimeout: 10 });
      const guard = await new Lock({ name: 'emitted' }).acquire();
      vi.advanceTimersByTime(10);
      guard.release();
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]?.[0]).toBeInstanceOf(LongHoldWarning);
    } finally {
      emit.mockRestore();
    }
  });
});

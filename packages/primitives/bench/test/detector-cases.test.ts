import { describe, expect, it } from 'vitest';
import { detectorCases } from '../cases/detector.ts';
import type { AcquirableLike, DetectorLike, GuardLike, OurPrimitives } from '../cases/load.ts';
import { runCase } from '../harness.ts';

/** A lock that only records, for each acquire, whether the detector was on at that moment. */
function fakePrimitives(log: string[]) {
  const state = { enabled: false };
  const detector: DetectorLike = {
    enable: () => {
      state.enabled = true;
      log.push('enable');
    },
    disable: () => {
      state.enabled = false;
      log.push('disable');
    },
    reset: () => void log.push('reset'),
    get enabled() {
      return state.enabled;
    },
  };
  class FakeLock implements AcquirableLike {
    readonly name: string;
    constructor(options?: { name?: string }) {
      this.name = options?.name ?? 'anonymous';
      log.push(`new ${this.name} (detector ${state.enabled ? 'on' : 'off'})`);
    }
    acquire(): Promise<GuardLike> {
      log.push(`acquire ${this.name} (detector ${state.enabled ? 'on' : 'off'})`);
      const guard = { release() {}, [Symbol.dispose]() {} };
      return Promise.resolve(guard);
    }
    release(): void {}
    async withLock<T>(fn: () => T | PromiseLike<T>): Promise<T> {
      log.push(`withLock ${this.name} (detector ${state.enabled ? 'on' : 'off'})`);
      return fn();
    }
  }
  class FakeSemaphore extends FakeLock {
    constructor(_value?: number, options?: { name?: string }) {
      super(options);
    }
  }
  const primitives: OurPrimitives = { Lock: FakeLock, Semaphore: FakeSemaphore, detector };
  return primitives;
}

const tiny = { rounds: 3, warmupRounds: 1, sampleMs: 0.000001, gc: 'none' } as const;

describe('detector cases', () => {
  it('are skipped with a reason while the primitives export no detector', () => {
    const { detector: _omitted, ...withoutDetector } = fakePrimitives([]);
    const cases = detectorCases({ ok: true, value: withoutDetector });
    expect(cases.map((c) => c.skip)).toEqual(
      cases.map(() => '@interlock/primitives does not export `detector` yet'),
    );
    expect(
      detectorCases({ ok: false, reason: 'not built' }).every((c) => c.skip === 'not built'),
    ).toBe(true);
  });

  it('run the "on" side with the detector enabled and the "off" side with it disabled', async () => {
    const log: string[] = [];
    const primitives = fakePrimitives(log);
    const cases = detectorCases({ ok: true, value: primitives });
    expect(cases.map((c) => [c.name, c.target])).toEqual([
      ['detector uncontended: using', 1.5],
      ['detector uncontended: withLock', 1.5],
      ['detector nested pair: known edge', 2],
    ]);
    for (const benchCase of cases) {
      log.length = 0;
      const result = await runCase(benchCase, tiny);
      expect(result.verdict, result.reason).not.toBe('error');
      const onSide = log.filter((line) => line.includes('bench-on-'));
      const offSide = log.filter((line) => line.includes('bench-off-'));
      expect(onSide.length).toBeGreaterThan(0);
      expect(offSide.length).toBeGreaterThan(0);
      expect(onSide.every((line) => line.endsWith('(detector on)'))).toBe(true);
      expect(offSide.every((line) => line.endsWith('(detector off)'))).toBe(true);
      expect(primitives.detector?.enabled).toBe(false); // left as found, for the cases after it
      expect(log.filter((line) => line === 'enable').length).toBe(
        log.filter((line) => line === 'disable').length,
      );
      expect(log.filter((line) => line === 'reset')).toHaveLength(1);
    }
  });

  it('takes b while holding a in the nested-pair case', async () => {
    const log: string[] = [];
    const nested = detectorCases({ ok: true, value: fakePrimitives(log) })[2];
    await runCase(nested!, tiny);
    const acquires = log.filter((line) => line.startsWith('acquire bench-on-'));
    expect(acquires.slice(0, 4)).toEqual([
      'acquire bench-on-a (detector on)',
      'acquire bench-on-b (detector on)',
      'acquire bench-on-a (detector on)',
      'acquire bench-on-b (detector on)',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { threadCases } from '../cases/threads.ts';
import { runCase, type BenchCase } from '../harness.ts';
import { ownerMutexLock, ownerMutexUnlock } from '../threads/atomics-sync-mutex.ts';
import { futexLock, futexUnlock } from '../threads/futex-mutex.ts';

const tiny = { rounds: 3, warmupRounds: 1, sampleMs: 0.5, gc: 'none' } as const;

describe('the harness', () => {
  it('hands before() the op count of the sample it prepares, and runs it untimed', async () => {
    const calls: string[] = [];
    const side = (label: string) => ({
      label,
      before: (ops: number) => void calls.push(`${label} before ${ops}`),
      run: (ops: number) => void calls.push(`${label} run ${ops}`),
    });
    const benchCase: BenchCase = {
      name: 'recording',
      measures: 'nothing',
      ours: side('ours'),
      baseline: side('baseline'),
    };
    const result = await runCase(benchCase, tiny);
    expect(result.verdict, result.reason).toBe('info');
    expect(calls.length).toBeGreaterThan(0);
    for (let i = 0; i < calls.length; i += 2) {
      const [label, , ops] = calls[i]!.split(' ');
      expect(calls[i + 1]).toBe(`${label} run ${ops}`);
    }
  });
});

describe('the contended thread cases', () => {
  it('run every implementation on real workers behind the start gate', async () => {
    const contended = threadCases().filter((c) => c.name.includes(' contended'));
    expect(contended.map((c) => c.name)).toEqual([
      'threads lock contended: 2 workers',
      'threads lock contended vs futex: 2 workers',
      'threads waiting algorithm contended: 2 workers',
      'threads lock contended: 4 workers',
      'threads lock contended vs futex: 4 workers',
      'threads waiting algorithm contended: 4 workers',
    ]);
    for (const benchCase of contended.slice(0, 3)) {
      const result = await runCase(benchCase, tiny);
      expect(result.verdict, result.reason).not.toBe('error');
    }
  }, 60_000);
});

describe('the baselines', () => {
  it('the atomics-sync mutex refuses misuse as the package does', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    expect(ownerMutexLock(words, 3)).toBe(false);
    expect(() => ownerMutexLock(words, 3)).toThrow('already owns');
    expect(() => ownerMutexUnlock(words, 4)).toThrow('does not own');
    expect(() => ownerMutexLock(words, 0)).toThrow(RangeError);
    ownerMutexUnlock(words, 3);
    expect(Array.from(words)).toEqual([0, 0]);
    expect(() => ownerMutexUnlock(words, 3)).toThrow('does not own');
  });

  it('the futex mutex goes 0 → 1 → 0 uncontended and says it did not wait', () => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    expect(futexLock(word)).toBe(false);
    expect(word[0]).toBe(1);
    futexUnlock(word);
    expect(word[0]).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { threadCases } from '../cases/threads.ts';
import { runCase, type BenchCase } from '../harness.ts';

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
    const contended = threadCases().filter((c) => /\bcontended:/.test(c.name));
    expect(contended.map((c) => c.name)).toEqual([
      'threads lock contended: 2 workers',
      'threads waiting algorithm contended: 2 workers',
      'threads lock contended: 4 workers',
      'threads waiting algorithm contended: 4 workers',
    ]);
    for (const benchCase of contended.slice(0, 2)) {
      const result = await runCase(benchCase, tiny);
      expect(result.verdict, result.reason).not.toBe('error');
    }
  }, 60_000);
});

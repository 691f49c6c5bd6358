import { describe, expect, it } from 'vitest';
import { runCase, verdictOf, type CaseResult } from '../harness.ts';
import { buildReport, formatNotes, formatTable } from '../report.ts';

const spreadOf = (value: number) => ({
  min: value,
  q1: value,
  median: value,
  q3: value,
  max: value,
});

const measured = (name: string, ours: number, baseline: number, target?: number): CaseResult => ({
  name,
  measures: name,
  target,
  verdict: verdictOf(ours / baseline, target),
  ours: { label: 'ours', nsPerOp: ours, spread: spreadOf(ours) },
  baseline: { label: 'theirs', nsPerOp: baseline, spread: spreadOf(baseline) },
  ratio: ours / baseline,
  ratioSpread: spreadOf(ours / baseline),
  opsPerSample: { ours: 1000, baseline: 1000 },
  rounds: 1,
});

describe('verdictOf', () => {
  it('passes at or under the target, misses above it, and is informational without one', () => {
    expect(verdictOf(1, 1)).toBe('pass');
    expect(verdictOf(1.01, 1)).toBe('miss');
    expect(verdictOf(7, undefined)).toBe('info');
  });
});

describe('runCase', () => {
  it('skips a case that carries a reason, without running it', async () => {
    let runs = 0;
    const counting = { label: 'x', run: () => void runs++ };
    const result = await runCase({
      name: 's',
      measures: 's',
      ours: counting,
      baseline: counting,
      skip: 'not built',
    });
    expect(result).toMatchObject({ verdict: 'skipped', reason: 'not built' });
    expect(runs).toBe(0);
  });

  it('reports a subject that throws as an error instead of throwing', async () => {
    const broken = { label: 'broken', run: () => Promise.reject(new TypeError('boom')) };
    const fine = { label: 'fine', run() {} };
    const result = await runCase(
      { name: 'e', measures: 'e', ours: broken, baseline: fine },
      { rounds: 1, warmupRounds: 0, sampleMs: 0.01, gc: 'none' },
    );
    expect(result).toMatchObject({ verdict: 'error', reason: 'TypeError: boom' });
  });

  it('runs before/after around every sample of that subject only', async () => {
    const calls: string[] = [];
    const ours = {
      label: 'o',
      before: () => void calls.push('before'),
      run: () => void calls.push('ours'),
      after: () => void calls.push('after'),
    };
    const baseline = { label: 'b', run: () => void calls.push('base') };
    await runCase(
      { name: 'h', measures: 'h', ours, baseline },
      { rounds: 2, warmupRounds: 0, sampleMs: 0.000001, gc: 'none' },
    );
    const oursSamples = calls.filter((call) => call === 'ours').length;
    expect(oursSamples).toBeGreaterThan(0);
    expect(calls.filter((call) => call === 'before')).toHaveLength(oursSamples);
    expect(calls.filter((call) => call === 'after')).toHaveLength(oursSamples);
    for (let index = 0; index < calls.length; index++) {
      if (calls[index] === 'ours')
        expect([calls[index - 1], calls[index + 1]]).toEqual(['before', 'after']);
    }
  });
});

describe('formatTable and formatNotes', () => {
  const results = [
    measured('fast', 80, 100, 1),
    measured('slow', 150, 100, 1),
    measured('info', 300, 100),
    { name: 'todo', measures: 'todo', verdict: 'skipped', reason: 'Lock not built' } as CaseResult,
  ];

  it('prints one aligned Markdown row per case with ratio, target and result', () => {
    const lines = formatTable(results).split('\n');
    expect(lines).toHaveLength(2 + results.length);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[2]).toMatch(
      /^\| fast +\| +80\.0 \| +100 \| +0\.80 \| 0\.80–0\.80 +\| +≤ 1\.00 \| pass +\|$/,
    );
    expect(lines[3]).toMatch(/\| +1\.50 \|.*\| MISS +\|$/);
    expect(lines[4]).toMatch(/\| +— \| info +\|$/);
    expect(lines[5]).toMatch(/^\| todo +\| +— \|.*\| skipped \|$/);
  });

  it('names every missed target and every skip reason', () => {
    const notes = formatNotes(results);
    expect(notes).toContain('TARGETS MISSED (1): slow at 1.50× (target ≤ 1.00×)');
    expect(notes).toContain('SKIPPED: Lock not built');
    expect(notes).not.toContain('fast at');
  });

  it('lists the missed cases in the JSON report', () => {
    const environment = {
      node: 'v24',
      v8: '13',
      platform: 'linux',
      cpu: 'cpu',
      nproc: 2,
      source: 'abc1234',
      gcAvailable: true,
      date: 'now',
    };
    const report = buildReport(
      results,
      { rounds: 1, warmupRounds: 0, sampleMs: 1, gc: 'minor' },
      environment,
    );
    expect(report.missed).toEqual(['slow']);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCli, selectCases } from '../cli.ts';
import { defaultHarnessOptions, type BenchCase } from '../harness.ts';
import { splitAmong } from '../cases/load.ts';

const subject = { label: 'noop', run() {} };
const named = (name: string): BenchCase => ({
  name,
  measures: name,
  ours: subject,
  baseline: subject,
});

describe('parseCli', () => {
  it('defaults to the table, every case and the default harness options', () => {
    expect(parseCli([])).toEqual({
      json: false,
      list: false,
      help: false,
      filters: [],
      harness: defaultHarnessOptions,
    });
  });

  it('reads --json, repeated --filter and the numeric options', () => {
    const cli = parseCli([
      '--json',
      '--filter',
      'lock',
      '--filter=semaphore',
      '--rounds',
      '5',
      '--warmup',
      '0',
      '--sample-ms',
      '12.5',
      '--gc',
      'full',
    ]);
    expect(cli.json).toBe(true);
    expect(cli.filters).toEqual(['lock', 'semaphore']);
    expect(cli.harness).toEqual({ rounds: 5, warmupRounds: 0, sampleMs: 12.5, gc: 'full' });
  });

  it('ignores the `--` that `pnpm bench -- --json` passes through', () => {
    expect(parseCli(['--', '--json']).json).toBe(true);
  });

  it('rejects values that would make a meaningless run', () => {
    expect(() => parseCli(['--rounds', '0'])).toThrow(
      'Expected `--rounds` to be a positive integer, got 0',
    );
    expect(() => parseCli(['--rounds', '2.5'])).toThrow(TypeError);
    expect(() => parseCli(['--warmup=-1'])).toThrow(
      'Expected `--warmup` to be a non-negative integer, got -1',
    );
    expect(() => parseCli(['--sample-ms', 'soon'])).toThrow(
      'Expected `--sample-ms` to be a positive number, got soon',
    );
    expect(() => parseCli(['--gc', 'sometimes'])).toThrow(
      'Expected `--gc` to be one of none, minor, full, got sometimes',
    );
    expect(() => parseCli(['--bogus'])).toThrow();
  });
});

describe('selectCases', () => {
  const cases = [
    named('lock uncontended: using'),
    named('lock contended: using'),
    named('semaphore contended: using'),
  ];

  it('keeps every case without filters', () => {
    expect(selectCases(cases, [])).toEqual(cases);
  });

  it('keeps the cases whose name contains any filter', () => {
    expect(selectCases(cases, ['contended: using']).map((c) => c.name)).toEqual(
      cases.map((c) => c.name),
    );
    expect(selectCases(cases, ['lock ', 'semaphore c']).map((c) => c.name)).toEqual(
      cases.map((c) => c.name),
    );
    expect(selectCases(cases, ['uncontended']).map((c) => c.name)).toEqual([
      'lock uncontended: using',
    ]);
  });
});

describe('splitAmong', () => {
  it('splits operations among tasks evenly, the counts summing to the total', () => {
    expect(splitAmong(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitAmong(3, 8)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    expect(splitAmong(16, 8)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
  });
});

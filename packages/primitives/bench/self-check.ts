/* eslint-disable @interlock/no-unmanaged-acquire -- The benchmarks time the raw acquire/release
   protocol itself, against async-mutex. */
/**
 * Checks the harness itself, on async-mutex alone (no interlock code involved):
 *
 * - A/A: the same operation on both sides must come out at a ratio of ≈ 1.00. A bias here
 *   (from run order, GC, calibration) would shift every real ratio by the same amount.
 * - 2×: "ours" does two acquire/release pairs per op, the baseline one; the ratio must be ≈ 2.
 *   This shows a ratio is read the right way round and scales with the work.
 *
 *   pnpm exec node packages/primitives/bench/self-check.ts [--rounds n] [--sample-ms ms]
 *
 * Timing-based, so it prints a verdict instead of failing a test suite; exit status is 0.
 */
import { Mutex } from 'async-mutex';
import { parseCli } from './cli.ts';
import { gcAvailable, runCases, type BenchCase, type Subject } from './harness.ts';
import { describeEnvironment, formatEnvironment, formatTable } from './report.ts';
import { resolved, splitAmong } from './cases/load.ts';

function acquireRelease(label: string, pairsPerOp: number): Subject {
  const mutex = new Mutex();
  return {
    label,
    async run(ops) {
      for (let i = 0; i < ops; i++) {
        for (let pair = 0; pair < pairsPerOp; pair++) {
          const release = await mutex.acquire();
          release();
        }
      }
    },
  };
}

function contended(label: string): Subject {
  const mutex = new Mutex();
  return {
    label,
    async run(ops) {
      await Promise.all(
        splitAmong(ops, 8).map(async (count) => {
          for (let i = 0; i < count; i++) {
            const release = await mutex.acquire();
            await resolved;
            release();
          }
        }),
      );
    },
  };
}

interface Check {
  readonly benchCase: BenchCase;
  readonly expected: number;
  /** Accepted relative deviation from `expected`. */
  readonly tolerance: number;
}

const checks: Check[] = [
  {
    benchCase: {
      name: 'A/A uncontended',
      measures: 'identical acquire/release on two mutexes',
      ours: acquireRelease('mutex A', 1),
      baseline: acquireRelease('mutex B', 1),
    },
    expected: 1,
    tolerance: 0.05,
  },
  {
    benchCase: {
      name: 'A/A contended',
      measures: 'identical 8-task hand-off on two mutexes',
      ours: contended('mutex A'),
      baseline: contended('mutex B'),
    },
    expected: 1,
    tolerance: 0.05,
  },
  {
    benchCase: {
      name: '2× work',
      measures: 'two acquire/release pairs per op vs one',
      ours: acquireRelease('two pairs', 2),
      baseline: acquireRelease('one pair', 1),
    },
    expected: 2,
    tolerance: 0.1,
  },
];

const { harness } = parseCli(process.argv.slice(2));
const options = { ...harness, progress: (line: string) => process.stderr.write(`${line}\n`) };
const environment = describeEnvironment(gcAvailable);
const results = await runCases(
  checks.map((check) => check.benchCase),
  options,
);
process.stdout.write(
  `Harness self-check\n${formatEnvironment(environment, options)}\n\n${formatTable(results)}\n\n`,
);
let healthy = true;
for (const [index, check] of checks.entries()) {
  const result = results[index];
  const ratio = result?.ratio;
  const ok = ratio !== undefined && Math.abs(ratio / check.expected - 1) <= check.tolerance;
  healthy &&= ok;
  const shown =
    ratio === undefined ? `no ratio (${result?.reason ?? 'unknown'})` : ratio.toFixed(3);
  process.stdout.write(
    `${ok ? 'ok  ' : 'OFF '} ${check.benchCase.name}: ${shown}, expected ${check.expected} ± ${(check.tolerance * 100).toFixed(0)}%\n`,
  );
}
process.stdout.write(
  healthy
    ? '\nHarness looks unbiased on this machine.\n'
    : '\nHarness is biased or the machine too noisy: ' +
        'rerun with more --rounds before trusting ratios.\n',
);

/**
 * What do our rules cost? Lints a corpus type-aware with every rule of the plugin plus
 * typescript-eslint's `no-floating-promises`, and compares the time of all our rules together
 * against that one rule, in the same run. Corpora and their targets:
 *
 * - `rxjs` (rxjs's `src/`, no locks) and `locks` (the workspace's lock code): ratio < 1;
 * - `synthetic`: a 2,000-file program where 3 files use locks (bench/synthetic-corpus.ts): the
 *   whole-program lock-order graph must cost in proportion to the lock code, so ratio < 0.1;
 * - `--scaling`: synthetic programs of 1×, 2× and 4× the size (500, 1,000, 2,000 files, 3, 6 and
 *   12 of them using locks): our cost must grow linearly; the growth factors are printed.
 *
 *   pnpm exec node packages/eslint-plugin/bench/lint-timing.ts [--corpus=rxjs|locks|synthetic]
 *   [--scaling] [--runs=N] [--check]
 *
 * Times come from ESLint's `stats` (the numbers `TIMING=all` prints): rule creation plus every
 * listener call. The type checker is lazy, so whichever rule asks about a declaration first pays
 * for checking it; each run therefore happens in both orders (ours first, theirs first), each in a
 * fresh process with a fresh program, and the worse ratio is the one we report. `--check` exits 1
 * when that ratio misses the target.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../src/index.ts';
import { lockCodeCorpus, rxjsCorpus, type Corpus } from '../test/support/corpus.ts';
import { syntheticCorpus } from './synthetic-corpus.ts';
import {
  createTypeAwareESLint,
  harnessProblems,
  lintFilesOneByOne,
  PLUGIN_NAMESPACE,
} from '../test/support/lint-harness.ts';
import { totalTimes } from '../test/support/rule-times.ts';

const BASELINE_RULE = '@typescript-eslint/no-floating-promises';
const ORDERS = ['ours-first', 'baseline-first'] as const;
type Order = (typeof ORDERS)[number];
const MEASUREMENT_PREFIX = '{"corpus":';
const CORPORA: Record<string, () => Corpus> = {
  rxjs: rxjsCorpus,
  locks: lockCodeCorpus,
  synthetic: () => syntheticCorpus(2000, 3),
  'scale-1x': () => syntheticCorpus(500, 3),
  'scale-2x': () => syntheticCorpus(1000, 6),
  'scale-4x': () => syntheticCorpus(2000, 12),
};
// The ratio each corpus must stay under; the default corpora are the first three.
const TARGETS: Record<string, number> = { rxjs: 1, locks: 1, synthetic: 0.1 };
const DEFAULT_CORPORA = ['rxjs', 'locks', 'synthetic'];
const SCALING = ['scale-1x', 'scale-2x', 'scale-4x'] as const;

/** What one measuring process reports back, as JSON on its stdout. */
type Measurement = {
  corpus: string;
  order: Order;
  files: number;
  parseMs: number;
  ruleMs: Record<string, number>;
  findings: Record<string, number>;
};

function ourRuleIds(): string[] {
  return Object.keys(plugin.rules).map((name) => `${PLUGIN_NAMESPACE}/${name}`);
}

/** Rules in the order ESLint should create (and so call) them: config key order. */
function rulesInOrder(order: Order): Linter.RulesRecord {
  const ours = ourRuleIds();
  const ids = order === 'ours-first' ? [...ours, BASELINE_RULE] : [BASELINE_RULE, ...ours];
  return Object.fromEntries(ids.map((id) => [id, 'warn' as const]));
}

async function measure(corpusKey: string, order: Order): Promise<Measurement> {
  const corpus = corpusByKey(corpusKey);
  const project = await corpus.writeTsconfig();
  try {
    const eslint = createTypeAwareESLint({
      cwd: corpus.cwd,
      tsconfigPath: project.path,
      stats: true,
      configs: [
        {
          files: ['**/*.ts'],
          plugins: {
            [PLUGIN_NAMESPACE]: plugin,
            '@typescript-eslint': tseslint.plugin,
          },
          rules: rulesInOrder(order),
        },
      ],
    });
    const { results, crashes } = await lintFilesOneByOne(eslint, corpus.files);
    const problems = [
      ...crashes.map((crash) => `${crash.file}: ${crash.error}`),
      ...harnessProblems(results),
    ];
    if (problems.length > 0)
      throw new Error(`the corpus did not lint cleanly:\n${problems.join('\n')}`);
    const { rules, parse } = totalTimes(results);
    const findings: Record<string, number> = {};
    for (const message of results.flatMap((result) => result.messages)) {
      if (message.ruleId !== null) findings[message.ruleId] = (findings[message.ruleId] ?? 0) + 1;
    }
    return {
      corpus: corpus.name,
      order,
      files: results.length,
      parseMs: parse,
      ruleMs: Object.fromEntries(rules),
      findings,
    };
  } finally {
    await project.remove();
  }
}

/** Runs one measurement in a child process, so each starts with a cold program and checker. */
function measureInFreshProcess(corpusKey: string, order: Order): Measurement {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), `--measure=${corpusKey}:${order}`],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (child.status !== 0)
    throw new Error(`measuring ${corpusKey} ${order} failed with exit code ${child.status}`);
  // With TIMING=all set, ESLint prints its own table as the child exits: pass it on.
  const lines = child.stdout.trim().split('\n');
  const json = lines.find((line) => line.startsWith(MEASUREMENT_PREFIX));
  if (json === undefined) throw new Error(`measuring ${corpusKey} ${order} printed no result`);
  const rest = lines.filter((line) => line !== json).join('\n');
  if (rest.trim() !== '') console.log(`[${corpusKey} ${order}, ESLint's own output]\n${rest}\n`);
  return JSON.parse(json) as Measurement;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Prints one corpus's table; returns the worse ratio of the two orders and our time in it. */
function report(
  runs: Measurement[],
  target: number | undefined,
): { worst: number; oursMs: number; baselineMs: number } {
  const ours = ourRuleIds();
  const ourTotal = (run: Measurement) => ours.reduce((sum, id) => sum + (run.ruleMs[id] ?? 0), 0);
  const first = runs[0]!;
  const perOrder = runs.length / ORDERS.length;
  console.log(
    `corpus: ${first.corpus}, ${first.files} files, type-aware; ${perOrder} run(s) per order, medians shown\n`,
  );

  const ratios: number[] = [];
  const totals: { oursMs: number; baselineMs: number }[] = [];
  for (const order of ORDERS) {
    const ofOrder = runs.filter((run) => run.order === order);
    const rows: [string, number, number][] = [...ours, BASELINE_RULE].map((id) => [
      id,
      median(ofOrder.map((run) => run.ruleMs[id] ?? 0)),
      ofOrder[0]?.findings[id] ?? 0,
    ]);
    const oursMs = median(ofOrder.map(ourTotal));
    const baselineMs = median(ofOrder.map((run) => run.ruleMs[BASELINE_RULE] ?? 0));
    const ratio = oursMs / baselineMs;
    ratios.push(ratio);
    totals.push({ oursMs, baselineMs });

    console.log(
      `order: ${order}  (parse + program: ${ms(median(ofOrder.map((run) => run.parseMs)))})`,
    );
    const width = Math.max(...rows.map(([id]) => id.length), 'all @interlock rules'.length);
    console.log(`  ${'rule'.padEnd(width)}  ${'time'.padStart(11)}  findings`);
    for (const [id, time, found] of rows)
      console.log(`  ${id.padEnd(width)}  ${ms(time).padStart(11)}  ${found}`);
    console.log(`  ${'all @interlock rules'.padEnd(width)}  ${ms(oursMs).padStart(11)}`);
    console.log(`  ratio (all ours / ${BASELINE_RULE}): ${ratio.toFixed(3)}`);
    // Each run's own ratio, so the spread behind the medians is visible.
    const perRun = ofOrder.map(
      (run) =>
        `${ourTotal(run).toFixed(0)} / ${(run.ruleMs[BASELINE_RULE] ?? 0).toFixed(0)} ms = ${(ourTotal(run) / (run.ruleMs[BASELINE_RULE] ?? 0)).toFixed(3)}`,
    );
    console.log(`  each run: ${perRun.join('; ')}\n`);
  }
  const worst = Math.max(...ratios);
  const verdict =
    target === undefined
      ? 'no target'
      : worst < target
        ? `target < ${target}: met`
        : `target < ${target}: MISSED`;
  console.log(`worst ratio over both orders: ${worst.toFixed(3)} (${verdict})\n`);
  const worstOrder = totals[ratios.indexOf(worst)]!;
  return { worst, ...worstOrder };
}

function corpusByKey(key: string): Corpus {
  const make = CORPORA[key];
  if (make === undefined)
    throw new Error(
      `Expected \`--corpus\` to be one of ${Object.keys(CORPORA).join(', ')}, got ${key}`,
    );
  return make();
}

async function main(argv: string[]): Promise<void> {
  const valueOf = (flag: string) =>
    argv.find((arg) => arg.startsWith(`--${flag}=`))?.slice(flag.length + 3);
  const measureArg = valueOf('measure');
  if (measureArg !== undefined) {
    const [corpusKey = '', order = ''] = measureArg.split(':');
    if (!(ORDERS as readonly string[]).includes(order)) throw new Error(`unknown order ${order}`);
    console.log(JSON.stringify(await measure(corpusKey, order as Order)));
    return;
  }
  const runsArg = valueOf('runs');
  const runCount = runsArg === undefined ? 1 : Number(runsArg);
  if (!Number.isInteger(runCount) || runCount < 1)
    throw new Error(`Expected \`--runs\` to be a positive integer, got ${runsArg}`);
  const measureCorpus = (corpusKey: string): Measurement[] => {
    const runs: Measurement[] = [];
    for (let index = 0; index < runCount; index += 1) {
      for (const order of ORDERS) runs.push(measureInFreshProcess(corpusKey, order));
    }
    return runs;
  };
  let missed = false;
  if (argv.includes('--scaling')) {
    // 1×, 2×, 4× the program (and its lock code): our time should grow as the program does.
    const sizes = SCALING.map((key) => ({ key, ...report(measureCorpus(key), undefined) }));
    const base = sizes[0]!;
    console.log('scaling (worse order of each size):');
    for (const size of sizes) {
      const growth = size.oursMs / base.oursMs;
      const baselineGrowth = size.baselineMs / base.baselineMs;
      console.log(
        `  ${size.key}: ours ${ms(size.oursMs)} (×${growth.toFixed(2)}), ${BASELINE_RULE} ${ms(size.baselineMs)} (×${baselineGrowth.toFixed(2)})`,
      );
    }
    // Linear: 4× the program costs at most ~4× (with room for noise), not 16×.
    const fourTimes = sizes[2]!.oursMs / base.oursMs;
    missed ||= fourTimes > 6;
    console.log(
      `growth at 4×: ×${fourTimes.toFixed(2)} (linear is ×4; target ≤ ×6: ${fourTimes > 6 ? 'MISSED' : 'met'})\n`,
    );
  } else {
    const corpusArg = valueOf('corpus');
    const corpusKeys = corpusArg === undefined ? DEFAULT_CORPORA : [corpusArg];
    corpusKeys.forEach(corpusByKey); // fail on a bad name before spending minutes measuring
    for (const corpusKey of corpusKeys) {
      const target = TARGETS[corpusKey];
      const { worst } = report(measureCorpus(corpusKey), target);
      if (target !== undefined && !(worst < target)) missed = true;
    }
  }
  if (argv.includes('--check') && missed) process.exitCode = 1;
}

await main(process.argv.slice(2));

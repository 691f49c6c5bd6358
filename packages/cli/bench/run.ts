/**
 * How long `interlock report` and `interlock merge` take on large reports.
 *
 *   pnpm --filter @interlock/cli bench                              # the table
 *   pnpm exec node packages/cli/bench/run.ts --rounds 3 [--cases merge] [--json]
 *
 * Each case runs the CLI in-process (`run()`: read the file, validate it, render, write the output
 * file atomically — everything but Node's start-up), best of `--rounds` runs. The report files
 * are written as interlock writes them, version 2 (docs/reports.md); `--input-version 1` renders
 * from version 1 files instead. The baseline, measured in the same run on the same files, is the
 * floor for any tool that reads a report: `JSON.parse` of the file plus `JSON.stringify` of the
 * result, on one thread. Targets (issue 10): a 10,000-lock, 50,000-edge report to text and to
 * HTML under 1 s each; merging 20 such reports under 2 s. Merges of version 2 shards run on one
 * thread (`--jobs 1`) and on two (`--jobs 2`: the main thread and one worker); the merge of the
 * same shards as version 1 files (`--jobs 1`, against the version 1 baseline) runs in the same
 * process, so the two formats are compared under the same load. Each row also gives the
 * process's CPU time for its best round (all threads), which on a shared machine says more than
 * the wall time.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, type LockGraphReport } from '@interlock/core';
import { run } from '../src/cli.ts';
import { syntheticReport } from './generate.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    // Comma-separated: text, html, sarif, dot, merge. All by default.
    cases: { type: 'string', default: 'text,html,sarif,dot,merge' },
    // The version of the report files the text/html/sarif/dot cases read: 2 (default) or 1.
    'input-version': { type: 'string', default: '2' },
  },
});
const inputVersion = values['input-version'] === '1' ? 1 : 2;
const cases = new Set(values.cases.split(','));
const rounds = Math.max(1, Number(values.rounds));
const dir = mkdtempSync(path.join(tmpdir(), 'interlock-cli-bench-'));
const silent = { write: () => true };

async function cli(argv: string[]): Promise<void> {
  const status = await run(argv, {
    stdout: silent,
    stderr: { write: (text: string) => process.stderr.write(text) },
    env: {},
    cwd: dir,
  });
  if (status === 2) throw new Error(`interlock ${argv.join(' ')} failed`);
}

/**
 * The fastest of `rounds` runs: its wall time and the CPU time the process spent in it, and the
 * wall time of every round (the spread).
 */
async function best(
  task: () => unknown,
): Promise<{ ms: number; cpuMs: number; roundsMs: number[] }> {
  let fastest = { ms: Infinity, cpuMs: Infinity };
  const roundsMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await task();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    roundsMs.push(ms);
    if (ms < fastest.ms) fastest = { ms, cpuMs: (used.user + used.system) / 1000 };
  }
  return { ...fastest, roundsMs };
}

/** `812 ms (rounds 812, 990, 1204)`, for the progress lines. */
function spread(name: string, result: { ms: number; roundsMs: number[] }): string {
  const all = result.roundsMs.map((ms) => ms.toFixed(0)).join(', ');
  return `${name}: ${result.ms.toFixed(0)} ms (rounds ${all})\n`;
}

interface Row {
  case: string;
  locks: number;
  edges: number;
  mib: number;
  ms: number;
  cpuMs: number;
  roundsMs: number[];
  baselineMs: number;
  baselineRoundsMs: number[];
  baselineCpuMs: number;
  target?: number;
}

const rows: Row[] = [];
const sizes = [1_000, 2_000, 5_000, 10_000];
const TARGETS: Record<string, number> = {
  text: 1000,
  html: 1000,
  'merge 20 (v2), --jobs 1': 2000,
  'merge 20 (v2), --jobs 2': 2000,
  'merge 20 (v1), --jobs 1': 2000,
};

await cli([
  'report',
  writeReport('warmup.json', syntheticReport({ locks: 200 })),
  '-f',
  'html',
  '-o',
  'warmup.html',
]);

/** Writes `report` as a file of `version` (what `detector.format(report, 'json')` writes). */
function writeReport(name: string, report: LockGraphReport, version: 1 | 2 = 2): string {
  const file = path.join(dir, name);
  writeFileSync(file, formatReport(report, 'json', { version }));
  return file;
}

for (const locks of sizes) {
  const file = writeReport(`report-${locks}.json`, syntheticReport({ locks }), inputVersion);
  const mib = statSync(file).size / 1024 / 1024;
  const baseline = await best(() => JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))));
  for (const format of ['text', 'html', 'sarif', 'dot'].filter((name) => cases.has(name))) {
    const { ms, cpuMs, roundsMs } = await best(() =>
      cli(['report', file, '-f', format, '-o', `out-${locks}.${format}`]),
    );
    process.stderr.write(spread(`${format} ${locks}`, { ms, roundsMs }));
    rows.push({
      case: format,
      locks,
      edges: locks * 5 + 10,
      mib,
      ms,
      cpuMs,
      roundsMs,
      baselineMs: baseline.ms,
      baselineRoundsMs: baseline.roundsMs,
      baselineCpuMs: baseline.cpuMs,
      ...(locks === 10_000 && TARGETS[format] !== undefined ? { target: TARGETS[format] } : {}),
    });
  }
  if (cases.has('merge') && (locks === 10_000 || locks === 1_000)) {
    // Each shard in both versions; no report stays in memory (a large heap would slow the
    // merges' garbage collection, not theirs alone).
    const files = { 1: [] as string[], 2: [] as string[] };
    for (let shard = 0; shard < 20; shard++) {
      const report = syntheticReport({ locks, seed: shard + 1 });
      for (const version of [1, 2] as const)
        files[version].push(
          writeReport(`shard-${locks}-${shard}.v${version}.json`, report, version),
        );
    }
    for (const version of [2, 1] as const) {
      const shards = files[version];
      const shardMib = shards.reduce((sum, shard) => sum + statSync(shard).size, 0) / 2 ** 20;
      const mergeBaseline = await best(() =>
        shards.map((shard) => JSON.stringify(JSON.parse(readFileSync(shard, 'utf8')))),
      );
      process.stderr.write(spread(`baseline 20 × ${locks} (v${version})`, mergeBaseline));
      const variants = version === 2 ? (['1', '2'] as const) : (['1'] as const);
      for (const jobs of variants) {
        const name = `merge 20 (v${version}), --jobs ${jobs}`;
        const { ms, cpuMs, roundsMs } = await best(() =>
          cli(['merge', ...shards, '-o', `merged-${locks}.json`, '--jobs', jobs]),
        );
        process.stderr.write(spread(`${name} × ${locks}`, { ms, roundsMs }));
        rows.push({
          case: name,
          locks,
          edges: locks * 5 + 10,
          mib: shardMib,
          ms,
          cpuMs,
          roundsMs,
          baselineMs: mergeBaseline.ms,
          baselineRoundsMs: mergeBaseline.roundsMs,
          baselineCpuMs: mergeBaseline.cpuMs,
          ...(locks === 10_000 ? { target: TARGETS[name] } : {}),
        });
      }
    }
  }
}
rmSync(dir, { recursive: true, force: true });

if (values.json) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(
    line([
      'case',
      'locks',
      'edges',
      'input MiB',
      'ms (best of ' + rounds + ')',
      '× baseline',
      'CPU ms',
      'baseline ms / CPU ms',
      'target',
    ]),
  );
  console.log(line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const row of rows) {
    const verdict =
      row.target === undefined
        ? ''
        : `< ${row.target} ms: ${row.ms < row.target ? 'met' : 'MISSED'}`;
    console.log(
      line([
        row.case,
        String(row.locks),
        String(row.edges),
        row.mib.toFixed(1),
        row.ms.toFixed(0),
        (row.ms / row.baselineMs).toFixed(2),
        row.cpuMs.toFixed(0),
        `${row.baselineMs.toFixed(0)} / ${row.baselineCpuMs.toFixed(0)}`,
        verdict,
      ]),
    );
  }
  const missed = rows.filter((row) => row.target !== undefined && row.ms >= row.target);
  if (missed.length > 0) console.log(`TARGETS MISSED: ${missed.map((row) => row.case).join(', ')}`);
}

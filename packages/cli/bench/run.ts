/**
 * How long `interlock report` and `interlock merge` take on large reports.
 *
 * pnpm --filter @interlock/cli bench # the table pnpm exec node packages/cli/bench/run.ts --rounds
 * 3
 *
 * Each case runs the CLI in-process (`run()`: read the file, validate it, render, write the output
 * file atomically — everything but Node's start-up), best of `--rounds` runs. The baseline,
 * measured in the same run on the same file, is the floor for any tool that reads a report:
 * `JSON.parse` of the file plus `JSON.stringify` of the result. Targets (issue 10): a 10,000-lock,
 * 50,000-edge report to text and to HTML under 1 s each; merging 20 such reports under 2 s.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../src/cli.ts';
import { syntheticReport } from './generate.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
});
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

async function best(task: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    await task();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

interface Row {
  case: string;
  locks: number;
  edges: number;
  mib: number;
  ms: number;
  baselineMs: number;
  target?: number;
}

const rows: Row[] = [];
const sizes = [1_000, 2_000, 5_000, 10_000];
const TARGETS: Record<string, number> = { text: 1000, html: 1000, 'merge 20': 2000 };

await cli([
  'report',
  writeReport('warmup.json', syntheticReport({ locks: 200 })),
  '-f',
  'html',
  '-o',
  'warmup.html',
]);

function writeReport(name: string, report: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(report));
  return file;
}

for (const locks of sizes) {
  const file = writeReport(`report-${locks}.json`, syntheticReport({ locks }));
  const mib = statSync(file).size / 1024 / 1024;
  const baselineMs = await best(() => JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))));
  for (const format of ['text', 'html', 'sarif', 'dot']) {
    const ms = await best(() =>
      cli(['report', file, '-f', format, '-o', `out-${locks}.${format}`]),
    );
    process.stderr.write(`${format} ${locks}: ${ms.toFixed(0)} ms\n`);
    rows.push({
      case: format,
      locks,
      edges: locks * 5 + 10,
      mib,
      ms,
      baselineMs,
      ...(locks === 10_000 && TARGETS[format] !== undefined ? { target: TARGETS[format] } : {}),
    });
  }
  if (locks === 10_000 || locks === 1_000) {
    const shards = Array.from({ length: 20 }, (_, shard) =>
      writeReport(`shard-${locks}-${shard}.json`, syntheticReport({ locks, seed: shard + 1 })),
    );
    const mergeBaseline = await best(() =>
      shards.map((shard) => JSON.stringify(JSON.parse(readFileSync(shard, 'utf8')))),
    );
    const ms = await best(() => cli(['merge', ...shards, '-o', `merged-${locks}.json`]));
    process.stderr.write(
      `merge 20 × ${locks}: ${ms.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB\n`,
    );
    rows.push({
      case: 'merge 20',
      locks,
      edges: locks * 5 + 10,
      mib: mib * 20,
      ms,
      baselineMs: mergeBaseline,
      ...(locks === 10_000 ? { target: TARGETS['merge 20'] } : {}),
    });
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
      'target',
    ]),
  );
  console.log(line(['---', '---:', '---:', '---:', '---:', '---:', '---']));
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
        verdict,
      ]),
    );
  }
  const missed = rows.filter((row) => row.target !== undefined && row.ms >= row.target);
  if (missed.length > 0) console.log(`TARGETS MISSED: ${missed.map((row) => row.case).join(', ')}`);
}

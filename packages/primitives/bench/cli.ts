/**
 * The command line shared by every benchmark entry point: parse flags, run the selected cases,
 * print the table (or JSON). Exit status is 0 whether or not targets are met — benchmarks are
 * not tests — and 1 only when a case crashed (a broken benchmark is a bug, a slow one is data).
 */
import { parseArgs } from 'node:util';
import {
  defaultHarnessOptions,
  gcAvailable,
  runCases,
  type BenchCase,
  type GcMode,
  type HarnessOptions,
} from './harness.ts';
import {
  buildReport,
  describeEnvironment,
  formatEnvironment,
  formatNotes,
  formatTable,
} from './report.ts';

const usage = `Usage: node bench/run.ts [options]

  --json             print the JSON report on stdout (progress goes to stderr)
  --filter <text>    run only cases whose name contains <text> (repeatable)
  --rounds <n>       timed rounds per case            (default ${defaultHarnessOptions.rounds})
  --warmup <n>       untimed rounds per case           (default ${defaultHarnessOptions.warmupRounds})
  --sample-ms <ms>   length of one sample              (default ${defaultHarnessOptions.sampleMs})
  --gc <mode>        GC before each sample: none, minor, full (default ${defaultHarnessOptions.gc})
  --list             list the cases and what each measures
  --help             this text`;

export interface CliOptions {
  readonly json: boolean;
  readonly list: boolean;
  readonly help: boolean;
  readonly filters: readonly string[];
  readonly harness: HarnessOptions;
}

/** Parses argv (without the node and script entries). Throws TypeError on a bad flag or value. */
export function parseCli(argv: readonly string[]): CliOptions {
  // `pnpm bench -- --json` passes the `--` through; it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      filter: { type: 'string', multiple: true, default: [] },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'sample-ms': { type: 'string' },
      gc: { type: 'string' },
    },
  });
  return {
    json: values.json,
    list: values.list,
    help: values.help,
    filters: values.filter,
    harness: {
      rounds: positiveInteger('rounds', values.rounds, defaultHarnessOptions.rounds),
      warmupRounds: nonNegativeInteger('warmup', values.warmup, defaultHarnessOptions.warmupRounds),
      sampleMs: positiveNumber('sample-ms', values['sample-ms'], defaultHarnessOptions.sampleMs),
      gc: gcMode(values.gc),
    },
  };
}

/** Selects the cases whose name contains any of the filters (all when there are none). */
export function selectCases(cases: readonly BenchCase[], filters: readonly string[]): BenchCase[] {
  if (filters.length === 0) return [...cases];
  return cases.filter((benchCase) => filters.some((filter) => benchCase.name.includes(filter)));
}

/** Runs `cases` as the command line asks; sets `process.exitCode`. */
export async function main(
  title: string,
  cases: readonly BenchCase[],
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (cli.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const selected = selectCases(cases, cli.filters);
  if (cli.list) {
    for (const benchCase of selected) {
      const target = benchCase.target === undefined ? 'no target' : `target ≤ ${benchCase.target}×`;
      process.stdout.write(
        `${benchCase.name}  (${target}${benchCase.skip ? `; skipped: ${benchCase.skip}` : ''})\n    ${benchCase.measures}\n`,
      );
    }
    return;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const options: HarnessOptions = { ...cli.harness, progress };
  const environment = describeEnvironment(gcAvailable);
  progress(`${title}: ${selected.length} case(s); ${formatEnvironment(environment, options)}`);
  const results = await runCases(selected, options);
  const report = buildReport(results, options, environment);
  if (cli.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(
      `\n${title}\n${formatEnvironment(environment, options)}\n\n${formatTable(results)}\n\n${formatNotes(results)}\n`,
    );
  }
  if (results.some((result) => result.verdict === 'error')) process.exitCode = 1;
}

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`Expected \`--${flag}\` to be a positive integer, got ${raw}`);
  return value;
}

function nonNegativeInteger(flag: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`Expected \`--${flag}\` to be a non-negative integer, got ${raw}`);
  return value;
}

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`Expected \`--${flag}\` to be a positive number, got ${raw}`);
  return value;
}

const gcModes: readonly GcMode[] = ['none', 'minor', 'full'];

function gcMode(raw: string | undefined): GcMode {
  if (raw === undefined) return defaultHarnessOptions.gc;
  if (!(gcModes as readonly string[]).includes(raw))
    throw new TypeError(`Expected \`--gc\` to be one of ${gcModes.join(', ')}, got ${raw}`);
  return raw as GcMode;
}

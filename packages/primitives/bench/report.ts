/**
 * Turns case results into what people read: an aligned Markdown table (pasteable into
 * docs/benchmarks.md as is), a list of the targets that were missed, and a JSON document.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CaseResult, HarnessOptions } from './harness.ts';

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  /** What `nproc` reports: the CPUs this process may use. */
  readonly nproc: number;
  /**
   * The code measured: commit, and whether packages/primitives/src differed from it (a run taken
   * while someone edits the source measures their half-written code, not the commit).
   */
  readonly source: string;
  /** Whether V8's gc could be exposed (else `--gc` has no effect). */
  readonly gcAvailable: boolean;
  readonly date: string;
}

export function describeEnvironment(gcAvailable: boolean): Environment {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    nproc: availableParallelism(),
    source: describeSource(),
    gcAvailable,
    date: new Date().toISOString(),
  };
}

const primitivesDir = fileURLToPath(new URL('..', import.meta.url));

function describeSource(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: primitivesDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${commit}${dirty ? ' + uncommitted changes in packages/primitives/src' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** The JSON document `--json` prints. Field names are stable; add, do not rename. */
export interface BenchReport {
  readonly version: 1;
  readonly environment: Environment;
  readonly options: Omit<HarnessOptions, 'progress'>;
  readonly results: readonly CaseResult[];
  /** Names of the cases whose ratio is above their target. */
  readonly missed: readonly string[];
}

export function buildReport(
  results: readonly CaseResult[],
  options: HarnessOptions,
  environment: Environment,
): BenchReport {
  const { rounds, warmupRounds, sampleMs, gc } = options;
  return {
    version: 1,
    environment,
    options: { rounds, warmupRounds, sampleMs, gc },
    results,
    missed: results.filter((result) => result.verdict === 'miss').map((result) => result.name),
  };
}

const headers = [
  'case',
  'ours (ns/op)',
  'baseline (ns/op)',
  'ratio',
  'ratio IQR',
  'target',
  'result',
] as const;

/**
 * One row per case; times are medians, the ratio and its IQR are over the per-round paired ratios.
 */
export function formatTable(results: readonly CaseResult[]): string {
  const rows = results.map((result) => [
    result.name,
    result.ours ? formatNs(result.ours.nsPerOp) : '—',
    result.baseline ? formatNs(result.baseline.nsPerOp) : '—',
    result.ratio === undefined ? '—' : result.ratio.toFixed(2),
    result.ratioSpread
      ? `${result.ratioSpread.q1.toFixed(2)}–${result.ratioSpread.q3.toFixed(2)}`
      : '—',
    result.target === undefined ? '—' : `≤ ${result.target.toFixed(2)}`,
    verdictLabel(result),
  ]);
  const numeric = new Set([1, 2, 3, 5]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (numeric.has(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** The lines under the table: which subjects each case compared, and every miss, skip and error. */
export function formatNotes(results: readonly CaseResult[]): string {
  const notes: string[] = [];
  for (const result of results) {
    if (result.ours && result.baseline)
      notes.push(`  ${result.name}: ${result.ours.label}  vs  ${result.baseline.label}`);
  }
  const missed = results.filter((result) => result.verdict === 'miss');
  const ran = results.filter((result) => result.ratio !== undefined);
  notes.push('');
  if (missed.length > 0) {
    const list = missed.map(
      (result) =>
        `${result.name} at ${result.ratio?.toFixed(2)}× (target ≤ ${result.target?.toFixed(2)}×)`,
    );
    notes.push(`TARGETS MISSED (${missed.length}): ${list.join('; ')}`);
  } else if (ran.some((result) => result.target !== undefined)) {
    notes.push('Every target that was measured is met.');
  }
  // Skips usually share one reason (a primitive not built yet): say it once, with the cases.
  const byReason = new Map<string, string[]>();
  for (const result of results) {
    if (result.verdict !== 'skipped' && result.verdict !== 'error') continue;
    const key = `${result.verdict.toUpperCase()}: ${result.reason ?? 'no reason given'}`;
    byReason.set(key, [...(byReason.get(key) ?? []), result.name]);
  }
  for (const [reason, names] of byReason) notes.push(`${reason}\n    (${names.join(', ')})`);
  return notes.join('\n');
}

export function formatEnvironment(environment: Environment, options: HarnessOptions): string {
  return (
    `source ${environment.source}; node ${environment.node} (V8 ${environment.v8}), ${environment.platform}, ${environment.cpu}, nproc ${environment.nproc}; ` +
    `${options.rounds} rounds × ${options.sampleMs} ms samples, ${options.warmupRounds} warm-up rounds, ` +
    `GC before each sample: ${environment.gcAvailable ? options.gc : 'none (gc unavailable)'}`
  );
}

function verdictLabel(result: CaseResult): string {
  switch (result.verdict) {
    case 'pass':
      return 'pass';
    case 'miss':
      return 'MISS';
    case 'info':
      return 'info';
    case 'skipped':
      return 'skipped';
    case 'error':
      return 'ERROR';
  }
}

function formatNs(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

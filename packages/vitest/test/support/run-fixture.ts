/**
 * End-to-end helper: run a fixture project under `test/fixtures/` with the plugin, in a child
 * process, and return its exit status, its output and the report it wrote.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport, type LockGraphReport } from '@interlock/core';
import type { InterlockOptions } from '../../src/index.ts';

const child = fileURLToPath(new URL('./vitest-child.ts', import.meta.url));
const watchChild = fileURLToPath(new URL('./vitest-watch-child.ts', import.meta.url));

/** Where the fixture projects live. */
export const fixturesDirectory = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** What one run of a fixture project produced. */
export interface FixtureRun {
  readonly status: number;
  /** stdout and stderr, colour-free. */
  readonly output: string;
  /** The report file's path (one per run, in a temporary directory). */
  readonly reportPath: string;
  /** The report the run wrote, parsed; undefined when none was written. */
  readonly report: LockGraphReport | undefined;
}

export interface RunOptions {
  /** The plugin's options (the fixture config reads them from INTERLOCK_OPTIONS). */
  readonly plugin?: InterlockOptions;
  /** vitest options: `filters`, `pool`, `isolate`, `shard`, … */
  readonly vitest?: Record<string, unknown>;
}

function childEnvironment(plugin: InterlockOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: '',
    INTERLOCK_OPTIONS: JSON.stringify(plugin),
  };
  // The parent is itself a vitest worker: its variables must not leak into the child run.
  for (const key of Object.keys(env))
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'TEST') delete env[key];
  return env;
}

function run(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ status: code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

function temporaryReport(): string {
  return join(mkdtempSync(join(tmpdir(), 'interlock-e2e-')), 'report.json');
}

export async function runFixture(name: string, options: RunOptions = {}): Promise<FixtureRun> {
  const reportPath = temporaryReport();
  const plugin = { report: reportPath, ...options.plugin };
  const root = join(fixturesDirectory, name);
  const { status, output } = await run(
    child,
    [root, JSON.stringify(options.vitest ?? {})],
    childEnvironment(plugin),
  );
  const report =
    plugin.report !== false && existsSync(reportPath)
      ? parseReport(readFileSync(reportPath, 'utf8'), reportPath)
      : undefined;
  return { status, output, reportPath, report };
}

/** The report's edges as `from→to` by lock name, sorted. */
export function edgeNames(report: LockGraphReport | undefined): string[] {
  if (report === undefined) return [];
  const names = new Map(report.locks.map((lock) => [lock.id, lock.name]));
  return report.edges.map((edge) => `${names.get(edge.from)}→${names.get(edge.to)}`).sort();
}

/** Runs a fixture in watch mode: the first run and two reruns; the report after each. */
export async function runFixtureWatching(
  name: string,
  filters: readonly string[],
): Promise<{ output: string; reports: LockGraphReport[] }> {
  const reportPath = temporaryReport();
  const root = join(fixturesDirectory, name);
  const { output } = await run(
    watchChild,
    [root, JSON.stringify({ filters }), reportPath],
    childEnvironment({ report: reportPath }),
  );
  const last =
    output
      .trim()
      .split('\n')
      .findLast((line) => line.startsWith('[')) ?? '[]';
  const reports = (JSON.parse(last) as unknown[]).map((report, index) =>
    parseReport(JSON.stringify(report), `run ${index}`),
  );
  return { output, reports };
}

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

export async function runFixture(name: string, options: RunOptions = {}): Promise<FixtureRun> {
  const reportPath = join(mkdtempSync(join(tmpdir(), 'interlock-e2e-')), 'report.json');
  const plugin = { report: reportPath, ...options.plugin };
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '', INTERLOCK_OPTIONS: JSON.stringify(plugin) };
  // The parent is itself a vitest worker: its variables must not leak into the child run.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'TEST') delete env[key];
  const root = join(fixturesDirectory, name);
  const { status, output } = await new Promise<{ status: number; output: string }>((resolve) => {
    execFile(process.execPath, [child, root, JSON.stringify(options.vitest ?? {})], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ status: code, output: `${stdout}\n${stderr}` });
    });
  });
  const report = plugin.report !== false && existsSync(reportPath) ? parseReport(readFileSync(reportPath, 'utf8'), reportPath) : undefined;
  return { status, output, reportPath, report };
}

/** The report's edges as `from→to` by lock name, sorted. */
export function edgeNames(report: LockGraphReport | undefined): string[] {
  if (report === undefined) return [];
  const names = new Map(report.locks.map((lock) => [lock.id, lock.name]));
  return report.edges.map((edge) => `${names.get(edge.from)}→${names.get(edge.to)}`).sort();
}

/**
 * The main-process half: collects the lock graph each test file's worker attached to its module
 * (`testModule.meta().interlock`), merges them by stable lock key, fails the run on a cycle whose
 * edges come from different files, prints `'warn'` cycles once, and writes the merged report.
 * State is per run: watch-mode reruns start from nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  formatReport,
  formatSite,
  mergeReports,
  type Cycle,
  type LockGraphReport,
} from '@interlock/core';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { ResolvedOptions } from './options.ts';

/** One test file's graph. */
interface FileGraph {
  readonly file: string;
  readonly report: LockGraphReport;
}

/** A cycle as the set of its locks' stable keys: the same cycle seen in two reports. */
function cycleIdentity(cycle: Cycle, keys: ReadonlyMap<string, string>): string {
  return cycle.locks
    .map((lock) => keys.get(lock.id) ?? lock.id)
    .sort()
    .join('\u0000');
}

function keysOf(report: LockGraphReport): Map<string, string> {
  return new Map(report.locks.map((lock) => [lock.id, lock.key]));
}

export class InterlockReporter implements Reporter {
  readonly #options: ResolvedOptions;
  #vitest: Vitest | undefined;
  // Graphs of the current run (in the order their files finished until the run ends).
  #files: FileGraph[] = [];

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunStart(): void {
    this.#files = [];
  }

  onTestModuleEnd(testModule: TestModule): void {
    const report = testModule.meta().interlock;
    if (report !== undefined) this.#files.push({ file: testModule.moduleId, report });
  }

  onTestRunEnd(): void {
    const vitest = this.#vitest;
    if (vitest === undefined) return;
    // By test file, not by when each finished (vitest orders files by their last duration): the
    // merged report — lock ids, which sites are kept, the cycle's path — is then the same on
    // every run of the same code.
    this.#files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const merged = mergeReports(this.#files.map((graph) => graph.report));
    const root = vitest.config.root;
    // Doubtful cycles (through work not awaited) are printed, never fail the run.
    const crossFiles = this.#crossFileCycles(merged);
    const crossFile = crossFiles.filter((cycle) => cycle.doubtful !== true);
    const doubtful = crossFiles.filter((cycle) => cycle.doubtful === true);
    if (doubtful.length > 0)
      vitest.logger.warn(
        `\ninterlock: doubtful lock-order cycle across test files (not failing the run)\n\n` +
          this.#describeCrossFile(merged, doubtful, root),
      );
    const onCycle = this.#options.worker.onCycle;
    if (onCycle === 'throw' && crossFile.length > 0) {
      vitest.logger.error(this.#describeCrossFile(merged, crossFile, root));
      process.exitCode = 1;
    } else if (onCycle === 'warn' && merged.cycles.length > 0) {
      vitest.logger.log(
        `\ninterlock: ${merged.cycles.length} lock-order cycle${merged.cycles.length === 1 ? '' : 's'} (onCycle: 'warn')\n\n` +
          formatReport({ ...merged, deadlocks: [], longHolds: [], longWaits: [] }, 'text', {
            cwd: root,
          }),
      );
    }
    this.#write(merged, root, vitest);
  }

  /** Cycles of the merged graph that no single file's report holds. */
  #crossFileCycles(merged: LockGraphReport): Cycle[] {
    const seen = new Set<string>();
    for (const { report } of this.#files) {
      const keys = keysOf(report);
      for (const cycle of report.cycles) seen.add(cycleIdentity(cycle, keys));
    }
    const mergedKeys = keysOf(merged);
    return merged.cycles.filter((cycle) => !seen.has(cycleIdentity(cycle, mergedKeys)));
  }

  /** The lockdep text of the cycles, and which file took each of their edges. */
  #describeCrossFile(merged: LockGraphReport, cycles: readonly Cycle[], root: string): string {
    const mergedKeys = keysOf(merged);
    const lines: string[] = [];
    for (const cycle of cycles) {
      for (const edge of cycle.edges) {
        const from = mergedKeys.get(edge.from);
        const to = mergedKeys.get(edge.to);
        const names = `${nameOf(cycle, edge.from)} → ${nameOf(cycle, edge.to)}`;
        const files = this.#files
          .filter(({ report }) => hasEdge(report, from, to))
          .map(({ file }) => relative(root, file));
        const where =
          edge.acquirer === undefined
            ? ''
            : ` (requested at ${formatSite({ ...edge.acquirer, file: relative(root, edge.acquirer.file) })})`;
        lines.push(`  ${names}: ${files.join(', ') || 'unknown file'}${where}`);
      }
    }
    return (
      `\ninterlock: lock-order cycle across test files — each file is clean alone, together they can deadlock.\n` +
      `Edges by test file:\n${lines.join('\n')}\n\n` +
      formatReport(
        { ...merged, cycles: [...cycles], deadlocks: [], longHolds: [], longWaits: [] },
        'text',
        { cwd: root },
      )
    );
  }

  #write(merged: LockGraphReport, root: string, vitest: Vitest): void {
    const target = this.#options.report;
    if (target === false) return;
    const shard = vitest.config.shard;
    const file = resolve(
      root,
      shard === undefined ? target : shardFile(target, shard.index, shard.count),
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatReport(merged, 'json'));
  }
}

function nameOf(cycle: Cycle, id: string): string {
  return cycle.locks.find((lock) => lock.id === id)?.name ?? id;
}

/** Does `report` hold an edge between locks of these keys? */
function hasEdge(
  report: LockGraphReport,
  fromKey: string | undefined,
  toKey: string | undefined,
): boolean {
  const keys = keysOf(report);
  return report.edges.some(
    (edge) => keys.get(edge.from) === fromKey && keys.get(edge.to) === toKey,
  );
}

/** `report.json` → `report.shard-1-of-3.json`. */
export function shardFile(path: string, index: number, count: number): string {
  const suffix = `.shard-${index}-of-${count}`;
  return /\.json$/i.test(path) ? path.replace(/\.json$/i, `${suffix}.json`) : `${path}${suffix}`;
}

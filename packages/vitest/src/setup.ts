/**
 * Runs in every test worker before each test file (the plugin puts it first in `setupFiles`):
 * enables the detector with the plugin's options, fails a test that closed a lock-order cycle,
 * deadlocked or leaked a lock, and hands the file's lock graph to the main process as the file
 * task's meta (`testModule.meta().interlock`), where the reporter merges every file's graph.
 */
import { detector, type HeldLock, type LockGraphReport } from '@interlock/primitives';
import { formatReport, sourceDirectory } from '@interlock/core';
import { afterAll, afterEach, beforeAll, beforeEach, inject, type RunnerTestFile } from 'vitest';
import { LeakedLockError, LockOrderCycleError, TestDeadlockError } from './errors.ts';
import { deserializeFilters } from './options.ts';

const options = inject('interlock');
const ownDirectory = [sourceDirectory(import.meta.url)].filter(
  (directory) => directory !== undefined,
);

detector.enable({
  // 'warn' is the main process's to print, once per cycle for the whole run.
  onCycle: options.onCycle === 'throw' ? 'throw' : 'record',
  stacks: options.stacks,
  holdTimeout: options.holdTimeout,
  // This package's files (the instrumented async-mutex re-export among them) are ours: sites
  // point at their callers.
  frameFilters: [...deserializeFilters(options.frameFilters), ...ownDirectory],
});

/** This test file's task, whose meta carries the file's graph to the main process. */
let file: RunnerTestFile | undefined;

/** What the detector had seen when the current test started. */
let before = { cycles: 0, deadlocks: 0, held: new Set<HeldLock>() };

beforeAll(() => {
  // One graph per test file: with `isolate: false` a worker runs many files, and the main process
  // is the one that joins them (so a cycle across files is found the same way in every pool).
  detector.reset();
  file = undefined;
});

beforeEach(({ task }) => {
  file = task.file;
  before = {
    cycles: detector.cycles().length,
    deadlocks: detector.deadlocks().length,
    held: new Set(detector.heldLocks()),
  };
});

afterEach(() => {
  const [cycles, doubtfulCycles] = byCertainty(detector.cycles().slice(before.cycles));
  const [deadlocks, doubtfulDeadlocks] = byCertainty(detector.deadlocks().slice(before.deadlocks));
  const leaked = options.failOnLeakedLock
    ? detector.heldLocks().filter((held) => !before.held.has(held))
    : [];
  // A doubtful finding exists only through work started inside a critical section and not
  // awaited (docs/detector.md): the program may well be correct, so it is shown, never failed.
  if (doubtfulCycles.length + doubtfulDeadlocks.length > 0)
    console.warn(
      `interlock: doubtful finding (not failing the test)\n\n${text(findings(doubtfulCycles, doubtfulDeadlocks))}`,
    );
  if (deadlocks.length > 0) throw new TestDeadlockError(text(findings([], deadlocks)));
  if (options.onCycle === 'throw' && cycles.length > 0)
    throw new LockOrderCycleError(text(findings(cycles, [])));
  if (leaked.length > 0) throw new LeakedLockError(describeLeaks(leaked));
});

afterAll(() => {
  if (file !== undefined) file.meta.interlock = detector.snapshot();
});

/** Certain findings first, doubtful ones second. */
function byCertainty<T extends { readonly doubtful?: boolean }>(
  findings: readonly T[],
): [certain: T[], doubtful: T[]] {
  return [
    findings.filter((finding) => finding.doubtful !== true),
    findings.filter((finding) => finding.doubtful === true),
  ];
}

/** The current snapshot narrowed to these findings (locks and edges kept for the text form). */
function findings(
  cycles: LockGraphReport['cycles'],
  deadlocks: LockGraphReport['deadlocks'],
): LockGraphReport {
  const snapshot = detector.snapshot();
  return { ...snapshot, cycles, deadlocks, longHolds: [], longWaits: [] };
}

function relativeToRoot(file: string): string {
  const root = options.root === undefined ? undefined : `${options.root.replace(/\/$/, '')}/`;
  return root !== undefined && file.startsWith(root) ? file.slice(root.length) : file;
}

/** The lockdep-style text, with paths relative to the project root. */
function text(report: LockGraphReport): string {
  return formatReport(report, 'text', options.root === undefined ? {} : { cwd: options.root });
}

function describeLeaks(leaked: readonly HeldLock[]): string {
  const lines = leaked.map((held) => {
    const where =
      held.site === undefined
        ? 'where it was taken is unknown'
        : `taken at ${relativeToRoot(held.site.file)}:${held.site.line}:${held.site.column}`;
    return `  ${held.kind} "${held.name}" (${where})`;
  });
  return (
    `This test ended still holding ${leaked.length === 1 ? 'a lock' : `${leaked.length} locks`}:\n${lines.join('\n')}\n` +
    'Release it on every path (try/finally), or hold it with `using` or `withLock`. ' +
    'Turn this check off with interlock({ failOnLeakedLock: false }).'
  );
}

/**
 * Turns a report into text a person reads (modelled on Linux lockdep's splat) or into JSON.
 * Pure functions: report in, string out. Every string that came from the report (names, ids,
 * kinds, paths, function names) is escaped in the text form (`escape.ts`): one lock, one line,
 * whatever its name holds; the JSON form keeps them exactly.
 */
import { invalidArgument, validateOptionsBag } from './arguments.ts';
import { escapeControls, nameLabel, quoteText } from './escape.ts';
import { fileVersionOption, reportJsonChunks } from './report-json.ts';
import type { Cycle, CycleLock, LockGraphReport, LongHold, ReportLock, Site } from './report.ts';

/** Output formats of {@link formatReport}. */
export type ReportFormat = 'text' | 'json';

/** Options of {@link formatReport}. */
export interface FormatOptions {
  /**
   * Directory that site paths are shown relative to (the CLI passes `process.cwd()`).
   * @default undefined (paths as recorded)
   */
  readonly cwd?: string;
  /**
   * The file version `'json'` writes: 2, the compact tables of docs/reports.md, or 1, the
   * in-memory shape as it is (for tools that read only version 1). `parseReport` reads both.
   * @default 2
   */
  readonly version?: 1 | 2;
}

/**
 * Renders a report.
 * @param format - `'text'`: lockdep-style, one section per cycle and deadlock, then long holds
 *   and a summary line. `'json'`: the report file's text (version 2 unless `options.version` is 1),
 *   one entry per line, which `parseReport` reads back to an equal report.
 * @default format 'text'
 * @example
 * ```ts
 * console.log(formatReport(detector.snapshot()));
 * ```
 */
export function formatReport(
  report: LockGraphReport,
  format: ReportFormat = 'text',
  options: FormatOptions = {},
): string {
  if (format !== 'text' && format !== 'json')
    invalidArgument('type', 'format', "'text' or 'json'", format);
  validateOptionsBag(options);
  if (options.cwd !== undefined && typeof options.cwd !== 'string')
    invalidArgument('type', 'cwd', 'a string', options.cwd);
  const version = fileVersionOption(options);
  if (format === 'json') return [...reportJsonChunks(report, { version })].join('');
  const locks = new Map<string, ReportLock>(report.locks.map((lock) => [lock.id, lock]));
  const where = (site: Site | undefined): string =>
    site === undefined ? 'an unknown site' : siteText(site, options.cwd);
  const sections: string[] = [];
  for (const cycle of report.cycles) sections.push(formatCycle(cycle, locks, where));
  for (const deadlock of report.deadlocks) sections.push(formatDeadlock(deadlock, locks, where));
  const long = [
    ...formatLong('held', report.longHolds ?? [], locks, where),
    ...formatLong('waited on', report.longWaits ?? [], locks, where),
  ];
  if (long.length > 0) sections.push(long.join('\n'));
  sections.push(summary(report));
  return `${sections.join('\n\n')}\n`;
}

/** `file:line:column`, relative to `cwd` when inside it. */
function siteText(site: Site, cwd: string | undefined): string {
  let file = site.file;
  if (cwd !== undefined) {
    const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
    if (file.startsWith(base)) file = file.slice(base.length);
  }
  const position = `${escapeControls(file)}:${site.line}:${site.column}`;
  return site.function === undefined ? position : `${position} (${escapeControls(site.function)})`;
}

type Where = (site: Site | undefined) => string;

/**
 * Short labels for the locks of one cycle: the name, plus the id where two share a name; quoted
 * and escaped unless plain (see {@link nameLabel}).
 */
function labels(cycle: Cycle): Map<string, string> {
  const counts = new Map<string, number>();
  for (const lock of cycle.locks) counts.set(lock.name, (counts.get(lock.name) ?? 0) + 1);
  return new Map(
    cycle.locks.map((lock) => [
      lock.id,
      nameLabel((counts.get(lock.name) ?? 0) > 1 ? `${lock.name}#${lock.id}` : lock.name),
    ]),
  );
}

/** A label for a lock id that no cycle lock names (a report from elsewhere may hold anything). */
function idLabel(names: ReadonlyMap<string, string>, id: string): string {
  return names.get(id) ?? nameLabel(id);
}

function describeLock(
  lock: CycleLock | undefined,
  id: string,
  locks: ReadonlyMap<string, ReportLock>,
  where: Where,
): string {
  const entry = locks.get(id);
  const name = lock?.name ?? entry?.name ?? id;
  const details = [entry?.kind, id]
    .filter((part) => part !== undefined)
    .map(escapeControls)
    .join(' ');
  const created = entry?.site === undefined ? '' : `, created at ${where(entry.site)}`;
  return `${quoteText(name)} (${details}${created})`;
}

function heading(title: string): string {
  return `${title}\n${'-'.repeat(title.length)}`;
}

function formatCycle(cycle: Cycle, locks: ReadonlyMap<string, ReportLock>, where: Where): string {
  const names = labels(cycle);
  const closing = cycle.edges.at(-1)!;
  const requested = cycle.locks[0];
  const held = cycle.locks.at(-1);
  const lines = [
    heading('WARNING: possible circular locking dependency detected'),
    'A task is trying to acquire lock:',
    `  ${describeLock(requested, closing.to, locks, where)}`,
    `  requested at ${where(closing.acquirer)}`,
    '',
    'but it already holds lock:',
    `  ${describeLock(held, closing.from, locks, where)}`,
    `  taken at ${where(closing.holder)}`,
    '',
    `and ${quoteText(requested?.name ?? closing.to)} is already ordered before ${quoteText(held?.name ?? closing.from)} (the chain below),`,
    'so taking it now closes a cycle.',
    '',
    ...doubtfulNote(cycle),
    'The dependency chain is:',
    '',
    ...chain(cycle, names, where, 'existing'),
    ...scenario(cycle, names),
  ];
  return lines.join('\n');
}

/**
 * The lines that say a finding is doubtful (report `doubtful: true`): it may exist only through
 * work that inherited a lock and that its holder does not await.
 */
function doubtfulNote(cycle: Cycle): string[] {
  if (cycle.doubtful !== true) return [];
  return [
    'DOUBTFUL: a task in it holds a lock only by inheritance (work started inside a critical',
    'section) and is not seen to be awaited by the task that took the lock. If that work really',
    'runs on its own, the holder releases the lock and nothing hangs; so it was reported, not',
    'thrown or broken. If the holder does await it, fix it as a deadlock; if not, start it with',
    'detached().',
    '',
  ];
}

function formatDeadlock(
  cycle: Cycle,
  locks: ReadonlyMap<string, ReportLock>,
  where: Where,
): string {
  const names = labels(cycle);
  const edge = cycle.edges[0]!;
  if (cycle.locks.length === 1) {
    return [
      heading('DEADLOCK: a task re-acquired a lock it already holds'),
      `  ${describeLock(cycle.locks[0], edge.from, locks, where)}`,
      `  taken at ${where(edge.holder)}`,
      `  requested again at ${where(edge.acquirer)}`,
      '',
      ...(cycle.doubtful === true
        ? doubtfulNote(cycle)
        : ['The lock is not reentrant: the second acquire was rejected with DeadlockError.', '']),
      ...scenario(cycle, names),
    ].join('\n');
  }
  return [
    heading('DEADLOCK: tasks blocked waiting for each other'),
    ...(cycle.doubtful === true
      ? doubtfulNote(cycle)
      : ['One waiter was rejected with DeadlockError so that the others could proceed.', '']),
    'The wait-for chain is:',
    '',
    ...chain(cycle, names, where, 'blocked'),
    ...scenario(cycle, names),
  ].join('\n');
}

/** One paragraph per edge, the closing edge last. */
function chain(
  cycle: Cycle,
  names: ReadonlyMap<string, string>,
  where: Where,
  kind: 'existing' | 'blocked',
): string[] {
  const lines: string[] = [];
  cycle.edges.forEach((edge, index) => {
    const from = idLabel(names, edge.from);
    const to = idLabel(names, edge.to);
    const last = index === cycle.edges.length - 1;
    const note = kind === 'existing' ? (last ? '  (new)' : '') : last ? '  (rejected)' : '';
    lines.push(
      `-> #${index} ${from} -> ${to}${note}`,
      `     ${from} taken at ${where(edge.holder)}`,
      `     ${to} ${kind === 'blocked' ? 'waited for' : 'requested'} at ${where(edge.acquirer)}`,
      '',
    );
  });
  return lines;
}

/**
 * The "possible unsafe locking scenario" table. Task 1 is the task of the closing edge: every
 * task first takes the lock it holds, then each requests the next one, Task 1 last.
 */
function scenario(cycle: Cycle, names: ReadonlyMap<string, string>): string[] {
  const count = cycle.edges.length;
  // Task 1 ↔ closing edge (count-1); task j (j ≥ 2) ↔ edge j-2.
  const edgeOf = (task: number): number => (task === 0 ? count - 1 : task - 1);
  const rows: [task: number, text: string][] = [];
  if (count === 1) {
    const name = idLabel(names, cycle.edges[0]!.from);
    rows.push([0, `lock(${name});`], [0, `lock(${name});`]);
  } else {
    for (let task = 0; task < count; task++)
      rows.push([task, `lock(${idLabel(names, cycle.edges[edgeOf(task)]!.from)});`]);
    for (let task = 1; task <= count; task++) {
      const index = task % count;
      rows.push([index, `lock(${idLabel(names, cycle.edges[edgeOf(index)]!.to)});`]);
    }
  }
  const titles = Array.from({ length: count }, (_, task) => `Task ${task + 1}`);
  const width =
    Math.max(...titles.map((title) => title.length), ...rows.map(([, text]) => text.length)) + 4;
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell) => cell.padEnd(width)).join('')}`.trimEnd();
  return [
    ' Possible unsafe locking scenario:',
    '',
    line(titles),
    line(titles.map((title) => '-'.repeat(title.length))),
    ...rows.map(([task, text]) =>
      line(Array.from({ length: task + 1 }, (_, column) => (column === task ? text : ''))),
    ),
    '',
    ' *** DEADLOCK ***',
  ];
}

function formatLong(
  verb: string,
  entries: readonly LongHold[],
  locks: ReadonlyMap<string, ReportLock>,
  where: Where,
): string[] {
  return entries.map((entry) => {
    const name = locks.get(entry.lock)?.name ?? entry.lock;
    const times = entry.count === 1 ? '' : ` (${entry.count} times)`;
    const at =
      entry.site === undefined
        ? ''
        : `, ${verb === 'held' ? 'taken' : 'requested'} at ${where(entry.site)}`;
    return `lock ${quoteText(name)} (${escapeControls(entry.lock)}) ${verb} longer than ${entry.limit} ms${at}${times}`;
  });
}

function summary(report: LockGraphReport): string {
  const plural = (count: number, word: string): string =>
    `${count} ${word}${count === 1 ? '' : 's'}`;
  const graph = `${plural(report.locks.length, 'lock')}, ${plural(report.edges.length, 'edge')}`;
  if (report.cycles.length === 0 && report.deadlocks.length === 0)
    return `interlock: no lock-order cycles (${graph})`;
  return `interlock: ${plural(report.cycles.length, 'lock-order cycle')}, ${plural(report.deadlocks.length, 'deadlock')} (${graph})`;
}

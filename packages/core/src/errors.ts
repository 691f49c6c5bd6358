import { quoteText } from './escape.ts';
import type { Cycle, CycleLock } from './report.ts';

/** A lock's name in a message: quoted, with controls escaped, so a message stays one line. */
function quoted(lock: CycleLock | undefined): string {
  return lock === undefined ? '"?"' : quoteText(lock.name);
}

function lockList(locks: readonly CycleLock[]): string {
  return locks.map(quoted).join(' → ');
}

/**
 * An acquisition would close a cycle in the lock-order graph: some interleaving of the tasks that
 * took these locks in these orders deadlocks. With `onCycle: 'throw'` the acquire rejects with
 * this error and takes nothing; with `'warn'` it is the warning.
 *
 * @example
 * ```ts
 * try { await b.acquire(); } catch (error) {
 *   if (error instanceof LockOrderError) console.log(error.cycle.locks.map((l) => l.name));
 * }
 * ```
 */
export class LockOrderError extends Error {
  readonly code = 'ERR_LOCK_ORDER';
  /** The cycle, closing edge last (see {@link Cycle}). */
  readonly cycle: Cycle;

  constructor(cycle: Cycle, options?: ErrorOptions) {
    const requested = cycle.locks[0];
    const held = cycle.locks.at(-1);
    super(
      `Lock order cycle: acquiring ${quoted(requested)} while holding ${quoted(held)} ` +
        `reverses an order seen before (${lockList([...cycle.locks, ...cycle.locks.slice(0, 1)])})`,
      options,
    );
    this.name = 'LockOrderError';
    this.cycle = cycle;
  }
}

/** Options of {@link DeadlockError}. */
export interface DeadlockErrorOptions extends ErrorOptions {
  /**
   * Why this is a deadlock and how to fix it, when the generic wording would mislead (e.g. an
   * `RLock` re-entered through a hold that re-entry cannot see).
   */
  readonly reason?: string;
}

/**
 * A real deadlock: tasks blocked waiting for each other in a cycle, or a task re-acquiring a
 * non-reentrant lock it holds. One waiter's acquire rejects with this error (whatever `onCycle`
 * is) so the others can proceed.
 */
export class DeadlockError extends Error {
  readonly code = 'ERR_DEADLOCK';
  /** The wait-for cycle: each edge is a blocked task holding `from` and waiting for `to`. */
  readonly cycle: Cycle;

  constructor(cycle: Cycle, options?: DeadlockErrorOptions) {
    const message =
      options?.reason !== undefined
        ? `Deadlock: ${options.reason}`
        : cycle.locks.length === 1
          ? `Deadlock: re-acquiring ${quoted(cycle.locks[0])}, which this task already holds and which is not reentrant`
        : `Deadlock: tasks are blocked waiting for each other (${lockList([...cycle.locks, ...cycle.locks.slice(0, 1)])})`;
    super(message, options);
    this.name = 'DeadlockError';
    this.cycle = cycle;
  }
}

/** A lock was held longer than `holdTimeout`. Delivered as a warning, never thrown. */
export class LongHoldWarning extends Error {
  readonly code = 'ERR_LONG_HOLD';
  /** Id of the lock. */
  readonly lockId: string;

  constructor(lock: CycleLock, limit: number, where: string | undefined) {
    super(`Lock ${quoted(lock)} held longer than ${limit} ms${where === undefined ? '' : `; taken at ${where}`}`);
    this.name = 'LongHoldWarning';
    this.lockId = lock.id;
  }
}

/** A task waited on a lock longer than `holdTimeout`. Delivered as a warning, never thrown. */
export class LongWaitWarning extends Error {
  readonly code = 'ERR_LONG_WAIT';
  /** Id of the lock. */
  readonly lockId: string;

  constructor(lock: CycleLock, limit: number, where: string | undefined) {
    super(`Waited longer than ${limit} ms for lock ${quoted(lock)}${where === undefined ? '' : `; requested at ${where}`}`);
    this.name = 'LongWaitWarning';
    this.lockId = lock.id;
  }
}

/** A report file could not be read as a `LockGraphReport` version 1. */
export class ReportFormatError extends Error {
  readonly code = 'ERR_REPORT_FORMAT';
  /** The file (or label) that was being read. */
  readonly fileName: string;

  constructor(fileName: string, problem: string, options?: ErrorOptions) {
    super(`${fileName}: ${problem}`, options);
    this.name = 'ReportFormatError';
    this.fileName = fileName;
  }
}

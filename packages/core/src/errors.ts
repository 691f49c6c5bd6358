import { quoteText } from './escape.ts';
import type { Cycle, CycleLock } from './report.ts';

/**
 * The base of every error interlock throws or warns with, in every package. Each failure has its
 * own subclass with a stable `code` of the form `ERR_INTERLOCK_<SPECIFIC>` (for programs; listed
 * in docs/errors.md) and a `name` (for people). Instances are never shared: every throw builds a
 * fresh error with its own stack.
 *
 * @example
 * ```ts
 * try { await work(); } catch (error) {
 *   if (error instanceof InterlockError && error.code === 'ERR_INTERLOCK_LOCK_ORDER') retryLater();
 * }
 * ```
 */
export abstract class InterlockError extends Error {
  /** Stable and specific to the failure; never reused for another one. */
  abstract readonly code: `ERR_INTERLOCK_${string}`;
}

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
export class LockOrderError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_LOCK_ORDER' as const;
  override readonly name = 'LockOrderError';
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
export class DeadlockError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_DEADLOCK' as const;
  override readonly name = 'DeadlockError';
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
    this.cycle = cycle;
  }
}

/** A lock was held longer than `holdTimeout`. Delivered as a warning, never thrown. */
export class LongHoldWarning extends InterlockError {
  readonly code = 'ERR_INTERLOCK_LONG_HOLD' as const;
  override readonly name = 'LongHoldWarning';
  /** Id of the lock. */
  readonly lockId: string;

  constructor(lock: CycleLock, limit: number, where: string | undefined) {
    super(
      `Lock ${quoted(lock)} held longer than ${limit} ms${where === undefined ? '' : `; taken at ${where}`}`,
    );
    this.lockId = lock.id;
  }
}

/** A task waited on a lock longer than `holdTimeout`. Delivered as a warning, never thrown. */
export class LongWaitWarning extends InterlockError {
  readonly code = 'ERR_INTERLOCK_LONG_WAIT' as const;
  override readonly name = 'LongWaitWarning';
  /** Id of the lock. */
  readonly lockId: string;

  constructor(lock: CycleLock, limit: number, where: string | undefined) {
    super(
      `Waited longer than ${limit} ms for lock ${quoted(lock)}${where === undefined ? '' : `; requested at ${where}`}`,
    );
    this.lockId = lock.id;
  }
}

/** A report file could not be read as a `LockGraphReport` (file version 1 or 2). */
export class ReportFormatError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_REPORT_FORMAT' as const;
  override readonly name = 'ReportFormatError';
  /** The file (or label) that was being read. */
  readonly fileName: string;

  constructor(fileName: string, problem: string, options?: ErrorOptions) {
    super(`${fileName}: ${problem}`, options);
    this.fileName = fileName;
  }
}

import { ExclusiveLock, type LockOptions } from './internal/exclusive-lock.ts';

/**
 * A re-entrant lock (Python's `threading.RLock`): the task that holds it may acquire it again;
 * it is free once every acquisition has been released. Ownership follows the task (async
 * context), so concurrent sibling tasks never share it. Re-entry is recognised for holds taken
 * with `using` or `withLock` (and, inside those, for re-entries in any style); a first hold taken
 * with a bare `await acquire()` is anonymous and cannot be re-entered (see docs/primitives.md).
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * async function incrementTwice() {
 *   await rlock.withLock(async () => { await increment(); await increment(); });
 * }
 * async function increment() {
 *   using guard = await rlock.acquire(); // re-enters: this task already holds it
 *   counter += 1;
 * }
 * ```
 */
export class RLock extends ExclusiveLock {
  constructor(options?: LockOptions) {
    super('RLock', true, options);
  }
}

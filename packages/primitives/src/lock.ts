import { ExclusiveLock, type LockOptions } from './internal/exclusive-lock.ts';

/**
 * A mutual-exclusion lock for async code (Python's `threading.Lock`): one holder at a time,
 * granted first come first served. Not re-entrant: a task that acquires it again while holding
 * it waits for itself (the detector reports that as a DeadlockError). Any task may release it.
 *
 * @example
 * ```ts
 * const lock = new Lock({ name: 'accounts' });
 * {
 *   using guard = await lock.acquire();
 *   balance += amount;
 * }
 * await lock.withLock(async () => { balance -= fee; });
 * ```
 */
export class Lock extends ExclusiveLock {
  constructor(options?: LockOptions) {
    super('Lock', false, options);
  }
}

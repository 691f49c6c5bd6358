/**
 * Errors of the thread primitives (the event-loop ones are in ../errors.ts and are reused:
 * LockStateError, AcquireTimeoutError under TimeoutError, BrokenBarrierError).
 */
import { InterlockError } from '@interlock/core';

/**
 * A blocking call (`acquire()`, `wait()`) on the main thread. Blocking it would freeze the
 * event loop — and with it every worker that waits for a message from the main thread. Use the
 * `…Async` form there, or `tryAcquire()`.
 */
export class MainThreadBlockingError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_MAIN_THREAD_BLOCKING' as const;
  override readonly name = 'MainThreadBlockingError';
  constructor(what: string) {
    super(
      `${what} would block the main thread; use the async form (acquireAsync / waitAsync) there, or tryAcquire()`,
    );
  }
}

/** Where a poisoned lock was taken by the thread that died holding it. */
export interface PoisonInfo {
  /** Thread id of the thread that exited while holding the lock. */
  readonly thread: number;
  /** Where it took the lock (`file:line:column`), when a site was captured. */
  readonly site?: string;
}

/**
 * The lock's previous holder thread exited without releasing it, so whatever it protected may be
 * half-updated. Every acquire fails with this error until someone calls `clearPoison()` (after
 * checking or repairing the protected data). See docs/threads.md, "A thread dies holding a lock".
 */
export class LockPoisonedError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_LOCK_POISONED' as const;
  override readonly name = 'LockPoisonedError';
  /** The lock's name. */
  readonly lock: string;
  /** Which thread died holding it and where it took it, when known. */
  readonly poison: PoisonInfo | undefined;
  constructor(lock: string, poison: PoisonInfo | undefined) {
    const who = poison === undefined ? 'a thread' : `thread ${poison.thread}`;
    const where = poison?.site === undefined ? '' : ` (taken at ${poison.site})`;
    super(
      `${lock} is poisoned: ${who} exited while holding it${where}; call clearPoison() once the data it guards is consistent`,
    );
    this.lock = lock;
    this.poison = poison;
  }
}

/**
 * The failures `@interlock/vitest` reports. Each has a stable `code`. Those thrown in a test
 * worker carry no stack of their own: their message (a lockdep-style report, or the leaked lock
 * and where it was taken) is the whole point, and a stack would only show the plugin's hook.
 */
import { InterlockError } from '@interlock/core';

/** Bad options passed to `interlock()`. Thrown when the config is loaded. */
export class InterlockOptionsError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_VITEST_OPTIONS' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InterlockOptionsError';
  }
}

/** Base of the per-test failures: message only. */
abstract class TestFailure extends InterlockError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    this.stack = `${name}: ${message}`;
  }
}

/** The test closed a lock-order cycle (a potential deadlock); the message is the lockdep report. */
export class LockOrderCycleError extends TestFailure {
  readonly code = 'ERR_INTERLOCK_TEST_CYCLE' as const;

  constructor(report: string) {
    super(
      'LockOrderCycleError',
      `This test closed a lock-order cycle (a deadlock waiting to happen):\n\n${report}`,
    );
  }
}

/** The test deadlocked; one waiter was rejected with `DeadlockError`. The message is the report. */
export class TestDeadlockError extends TestFailure {
  readonly code = 'ERR_INTERLOCK_TEST_DEADLOCK' as const;

  constructor(report: string) {
    super(
      'TestDeadlockError',
      `This test deadlocked; the detector rejected one waiter with DeadlockError:\n\n${report}`,
    );
  }
}

/** The test ended while still holding locks it took. */
export class LeakedLockError extends TestFailure {
  readonly code = 'ERR_INTERLOCK_LEAKED_LOCK' as const;

  constructor(description: string) {
    super('LeakedLockError', description);
  }
}

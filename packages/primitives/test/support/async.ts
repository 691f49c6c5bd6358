/**
 * Deterministic scheduling helpers for tests. `settle()` runs one macrotask turn with the real
 * `setImmediate` (fake timers do not touch `node:timers/promises`), so every promise chain that is
 * not waiting on a timer or an event has run to completion — no guessing how many ticks it takes.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';

export async function settle(): Promise<void> {
  await realImmediate();
}

/** A promise with its resolvers, to gate a task at an exact point. */
export function gate<T = void>(): {
  promise: Promise<T>;
  open: (value: T) => void;
  fail: (error: unknown) => void;
} {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  return { promise, open: resolve, fail: reject };
}

/** Observe a promise's state without awaiting it. */
export function track<T>(promise: Promise<T>): {
  readonly state: 'pending' | 'fulfilled' | 'rejected';
  readonly value: T | undefined;
  readonly error: unknown;
} {
  const result = {
    state: 'pending' as 'pending' | 'fulfilled' | 'rejected',
    value: undefined as T | undefined,
    error: undefined as unknown,
  };
  promise.then(
    (value) => {
      result.state = 'fulfilled';
      result.value = value;
    },
    (error: unknown) => {
      result.state = 'rejected';
      result.error = error;
    },
  );
  return result;
}

/** Lifecycle hooks a contract suite runs around each test (the detector-on run installs one). */
export interface ContractHooks {
  beforeEach?: () => void | Promise<void>;
  afterEach?: () => void | Promise<void>;
  /**
   * Present when the real detector is enabled. A plain `Lock` re-acquired by the task that holds
   * it then rejects at once with DeadlockError (the contract's detector rule) instead of waiting
   * for another task to release it (Python's rule): the tests of that case call this with what the
   * re-acquire rejected with, and it checks the error and accepts the finding.
   */
  detector?: { expectSelfDeadlock(error: unknown): void };
}

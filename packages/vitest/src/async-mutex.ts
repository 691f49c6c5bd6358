/**
 * async-mutex in tests, checked without `instrument()`: the plugin resolves every `async-mutex`
 * import of instrumented code to a module generated here, which re-exports the real package with
 * `Mutex`, `Semaphore`, `withTimeout` and `tryAcquire` wrapped. Locks constructed through it are
 * `instrument()`ed, under the name the source transform recorded for them (`const accounts = new
 * Mutex()` is `accounts`; see `@interlock/primitives/transform`), else `Mutex#n`; the wrappers'
 * `runExclusive` runs its callback holding the lock.
 */

/** The query that marks the generated module's id. */
export const ASYNC_MUTEX_MODULE = 'interlock-async-mutex';

/**
 * The source of the instrumented re-export of the async-mutex at `realId`.
 * `withTimeout`/`tryAcquire` return plain objects whose `runExclusive` calls their own `acquire`;
 * it is replaced by the same steps written with `bind`, so the callback runs holding the lock.
 */
export function asyncMutexModule(realId: string, primitivesId: string, bindId: string): string {
  const real = JSON.stringify(realId);
  return `import * as real from ${real};
import { instrument } from ${JSON.stringify(primitivesId)};
import { bind, takeLockName } from ${JSON.stringify(bindId)};
export * from ${real};
export class Mutex extends real.Mutex {
  constructor(...args) {
    const name = takeLockName(new.target);
    super(...args);
    return instrument(this, { kind: 'Mutex', name });
  }
}
export class Semaphore extends real.Semaphore {
  constructor(...args) {
    const name = takeLockName(new.target);
    super(...args);
    return instrument(this, { kind: 'Semaphore', name });
  }
}
function holdingRunExclusive(limited) {
  limited.runExclusive = async function runExclusive(callback, weight, priority) {
    const ticket = bind(await limited.acquire(weight, priority));
    const release = Array.isArray(ticket) ? ticket[1] : ticket;
    try {
      return await (Array.isArray(ticket) ? callback(ticket[0]) : callback());
    } finally {
      release();
    }
  };
  return limited;
}
export function withTimeout(sync, timeout, timeoutError) {
  return holdingRunExclusive(real.withTimeout(sync, timeout, timeoutError));
}
export function tryAcquire(sync, alreadyAcquiredError) {
  return holdingRunExclusive(real.tryAcquire(sync, alreadyAcquiredError));
}
`;
}

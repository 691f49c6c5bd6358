/**
 * Web Locks (`navigator.locks.request`, Node 24.5+, shared by every thread of a process) in the
 * threads' lock-order graph. `instrumentWebLocks()` wraps `navigator.locks` in every thread of the
 * domain (each thread wraps its own at its next acquisition): a request is ordered after the
 * locks its requester holds, and the callback runs as the task holding the lock, so what it
 * acquires is ordered after it. Names are the identity, domain-wide.
 */
import type { Lock, LockManager, LockOptions } from 'node:worker_threads';
import { orderingHolds, runHoldingTask, ThreadHold, type HeldPrimitive } from './holds.ts';
import { probeFor } from './probe.ts';
import { currentDomain, domainHeader, type SharedDomain } from './shared-memory.ts';
import { argumentError } from '../internal/validate.ts';

/** What the wrapper needs of the thread detector (set by detector.ts, which owns the graph). */
let identify: ((domain: SharedDomain, name: string) => number) | undefined;
export function setWebLockIdentity(next: (domain: SharedDomain, name: string) => number): void {
  identify = next;
}

/** The one Web Lock name as the hold list and the detector see it. */
class WebLockName implements HeldPrimitive {
  readonly kind = 'WebLock';
  readonly name: string;
  readonly index: number;
  detectorSeen = false;
  constructor(name: string, index: number) {
    this.name = `navigator.locks "${name}"`;
    this.index = index;
  }
  // The platform releases a Web Lock when its holder's thread ends; nothing to poison.
  ownerExited(): void {}
  releaseHold(hold: ThreadHold): void {
    hold.count = 0;
  }
}

const wrapped = new WeakSet<object>();
const names = new Map<string, WebLockName>();

function nameFor(domain: SharedDomain, name: string): WebLockName {
  let entry = names.get(name);
  if (entry === undefined) {
    entry = new WebLockName(name, identify!(domain, name));
    names.set(name, entry);
  }
  return entry;
}

type Callback = (lock: Lock | null) => unknown;

/** Wraps this thread's `navigator.locks` (once). */
export function wrapWebLocks(domain: SharedDomain): void {
  const original = globalThis.navigator?.locks;
  if (original === undefined || wrapped.has(original)) return;
  const request = original.request.bind(original);
  const manager: LockManager = {
    query: () => original.query(),
    request(
      name: string,
      optionsOrCallback: LockOptions | Callback,
      maybeCallback?: Callback,
    ): Promise<never> {
      const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
      const callback = (
        typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
      )!;
      const probe = probeFor(domain);
      if (probe === undefined || typeof name !== 'string' || typeof callback !== 'function') {
        return request(name, options, callback) as Promise<never>;
      }
      const lock = nameFor(domain, name);
      // ifAvailable cannot wait and steal does not wait: neither is ordered after what is held.
      const blocking = options.ifAvailable !== true && options.steal !== true;
      let token: unknown;
      try {
        token = probe.beforeAcquire(lock, orderingHolds(), false, blocking);
      } catch (error) {
        return Promise.reject(error);
      }
      return request(name, options, (granted: Lock | null) => {
        if (granted === null) return callback(null);
        const hold = new ThreadHold(lock);
        probe.acquired(hold, token);
        const release = (): void => {
          hold.count = 0;
          probe.released(hold);
        };
        try {
          const result = runHoldingTask(hold, () => callback(granted));
          if (result instanceof Promise) return result.finally(release);
          release();
          return result;
        } catch (error) {
          release();
          throw error;
        }
      }) as Promise<never>;
    },
  } as LockManager;
  wrapped.add(manager);
  Object.defineProperty(globalThis.navigator, 'locks', {
    value: manager,
    configurable: true,
    enumerable: true,
  });
}

/**
 * Puts Web Locks into the threads' lock-order graph, in every thread of this thread's domain:
 * each thread wraps its own `navigator.locks` at its next acquisition of any thread primitive
 * (this one at once). Takes effect while the thread detector is enabled; costs nothing otherwise
 * beyond one check per request.
 *
 * @example
 * ```ts
 * import { detector, instrumentWebLocks } from '@interlock/primitives/threads';
 * detector.enable();
 * instrumentWebLocks();
 * await navigator.locks.request('cache', async () => { ... });
 * ```
 */
export function instrumentWebLocks(): void {
  if (globalThis.navigator?.locks === undefined) {
    throw argumentError(
      'type',
      'Expected `navigator.locks` (Web Locks, Node 24.5 or later) to exist, got undefined',
    );
  }
  const domain = currentDomain();
  Atomics.store(domain.header, domainHeader.webLocks, 1);
  Atomics.add(domain.header, domainHeader.detectorEpoch, 1);
  wrapWebLocks(domain);
}

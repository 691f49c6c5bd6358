/**
 * Issue 8, item 9: the guard that the fastest style binds costs `using` nothing beyond the
 * statement itself. A `Lock` or `Semaphore` guard granted while the detector is off has
 * `[Symbol.dispose]` as a plain prototype method (no getter for V8's runtime to call back into on
 * every `using`) and all of them share one prototype; guards that frames must see (RLock, detector
 * on) keep the claiming getter. Timings are in bench/cases/fastest-style.ts, not here.
 */
import { describe, expect, it } from 'vitest';
import { Lock, RLock, Semaphore } from '../src/index.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

function disposeDescriptor(guard: object): PropertyDescriptor | undefined {
  for (let proto = Object.getPrototypeOf(guard) as object | null; proto !== null;) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, Symbol.dispose);
    if (descriptor !== undefined) return descriptor;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

describe('the guard of the fastest style', () => {
  it('Lock and Semaphore guards granted with the detector off dispose through a prototype method', async () => {
    const lock = new Lock({ name: 'fast' });
    const pool = new Semaphore(2, { name: 'pool' });
    const first = await lock.acquire();
    first.release();
    const guards = [await lock.acquire(), await pool.acquire(), pool.tryAcquire()!];
    expect(Object.hasOwn(first, Symbol.dispose)).toBe(false); // no own closure per guard
    for (const guard of guards) {
      expect(Object.getPrototypeOf(guard)).toBe(Object.getPrototypeOf(first));
      const descriptor = disposeDescriptor(guard);
      expect(descriptor !== undefined && 'get' in descriptor).toBe(false);
      expect(typeof descriptor?.value).toBe('function');
      guard[Symbol.dispose]();
      expect(guard.released).toBe(true);
    }
    expect(lock.locked).toBe(false);
    expect(pool.value).toBe(2);
  });

  it('RLock guards, and guards granted while the detector is on, keep the claiming getter', async () => {
    const rlock = new RLock({ name: 'r' });
    const rguard = await rlock.acquire();
    expect(typeof disposeDescriptor(rguard)?.get).toBe('function');
    rguard.release();
    enableFresh({ onCycle: 'record' });
    const lock = new Lock({ name: 'seen' });
    const guard = await lock.acquire();
    expect(typeof disposeDescriptor(guard)?.get).toBe('function');
    guard.release();
  });
});

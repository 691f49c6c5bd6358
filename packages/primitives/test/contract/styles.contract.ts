/* eslint-disable @interlock/no-unmanaged-acquire -- These tests exercise the primitives' raw
   protocol on purpose (unmanaged acquires, single waits, deliberate self-deadlocks): it is what
   they test. */
/**
 * Every acquisition style releases on every path (issue 2, item 2), for every lock-like
 * primitive: `using g = await x.acquire()`, `await x.acquire(); try … finally x.release()`,
 * `x.withLock(fn)`, and `x.tryAcquire()` (with `using` and with `finally`) — on normal exit,
 * on a throw and on an early return.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BoundedSemaphore, Condition, Lock, RLock, Semaphore } from '../../src/index.ts';
import type { ContractHooks } from '../support/async.ts';

type Primitive = Lock | RLock | Semaphore | Condition;
type Path = 'normal' | 'throw' | 'early return';
type Style = (x: Primitive, body: () => Promise<string>) => Promise<string>;

const primitives: Record<string, () => Primitive> = {
  Lock: () => new Lock(),
  RLock: () => new RLock(),
  Semaphore: () => new Semaphore(1),
  BoundedSemaphore: () => new BoundedSemaphore(1),
  Condition: () => new Condition(),
};

const styles: Record<string, Style> = {
  'using g = await x.acquire()': async (x, body) => {
    using _guard = await x.acquire();
    return await body();
  },
  'await x.acquire(); try … finally x.release()': async (x, body) => {
    await x.acquire();
    try {
      return await body();
    } finally {
      x.release();
    }
  },
  'x.withLock(fn)': (x, body) => x.withLock(body),
  'using g = x.tryAcquire()': async (x, body) => {
    using guard = x.tryAcquire();
    if (guard === undefined) throw new Error('expected the primitive to be free');
    return await body();
  },
  'g = x.tryAcquire(); try … finally g.release()': async (x, body) => {
    const guard = x.tryAcquire();
    if (guard === undefined) throw new Error('expected the primitive to be free');
    try {
      return await body();
    } finally {
      guard.release();
    }
  },
};

function bodyFor(path: Path, x: Primitive): () => Promise<string> {
  return async () => {
    expect(x.locked).toBe(true);
    await Promise.resolve();
    if (path === 'throw') throw new Error('body failed');
    if (path === 'early return') return 'early';
    await Promise.resolve();
    return 'done';
  };
}

export function describeStylesContract(label: string, hooks: ContractHooks = {}): void {
  describe(`acquisition styles contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    for (const [kind, make] of Object.entries(primitives)) {
      for (const [styleName, style] of Object.entries(styles)) {
        for (const path of ['normal', 'throw', 'early return'] as const) {
          it(`${kind}: ${styleName} releases on ${path}`, async () => {
            const x = make();
            const outcome = style(x, bodyFor(path, x));
            if (path === 'throw') await expect(outcome).rejects.toThrow('body failed');
            else expect(await outcome).toBe(path === 'normal' ? 'done' : 'early');
            expect(x.locked).toBe(false);
            if (x instanceof Semaphore) expect(x.value).toBe(1);
            // and it is usable again at once, by another task
            // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose
            const again = await (async () => x.tryAcquire())();
            expect(again).toBeDefined();
            again?.release();
          });
        }
      }
    }

    it('Guard.release is idempotent and `released` reports it', async () => {
      const lock = new Lock();
      const guard = await lock.acquire();
      expect(guard.released).toBe(false);
      guard.release();
      guard.release();
      expect(guard.released).toBe(true);
      const next = await lock.acquire();
      guard.release(); // must not release someone else's acquisition
      expect(lock.locked).toBe(true);
      next.release();
    });

    it('Guard of a plain release(): a Lock guard sees the release; a Semaphore release never eats a guard’s permit', async () => {
      const sem = new Semaphore(2);
      const lock = new Lock();
      const lockGuard = await lock.acquire();
      lock.release(); // a Lock has one hold: this ends it
      expect(lockGuard.released).toBe(true);
      const result = await sem.withLock(() => {
        sem.release(); // Python's release: one more permit, whoever holds what
        return undefined;
      });
      expect(result).toBeUndefined();
      // withLock gave back its own permit too, as `with sem: sem.release()` does in Python.
      expect(sem.value).toBe(3);
    });
  });
}

/* eslint-disable @interlock/no-unguarded-shared-write -- The model's check-then-act runs in one
   synchronous step. */
/**
 * Issue 8, item 2: no permit is ever lost or duplicated when one semaphore is used in several
 * styles at once. A plain `release(n)` returns `n` permits, as Python's does, and never consults
 * ownership; a guard returns its own permit once, whatever plain releases happened meanwhile. So
 * `value` is always the initial value minus the acquisitions plus the releases that counted.
 * Checked on examples and, with fast-check, over random nestings of `using` scopes, `withLock`
 * bodies, unbound acquires, plain releases and explicit guard releases, with the detector off and
 * on.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedSemaphore, detector, Semaphore, type Guard } from '../src/index.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();
afterEach(() => detector.disable());

describe('permit conservation across styles', () => {
  it('a plain release inside a `using` scope does not eat the guard’s permit', async () => {
    const pool = new Semaphore(2);
    {
      using _permit = await pool.acquire();
      await pool.acquire(); // a second permit, taken plainly
      pool.release(); // gives one permit back: the plain one
      expect(pool.value).toBe(1);
    }
    expect(pool.value).toBe(2);
  });

  it('the same with the detector on, and the detector is left with no hold of the semaphore', async () => {
    enableFresh();
    const pool = new Semaphore(2);
    {
      using _permit = await pool.acquire();
      await pool.acquire();
      pool.release();
    }
    expect(pool.value).toBe(2);
    expect(detector.stats().holds).toBe(0);
  });

  it('withLock around a plain acquire/release pair gives back exactly what it took', async () => {
    const pool = new Semaphore(3);
    await pool.withLock(async () => {
      await pool.acquire();
      pool.release();
      expect(pool.value).toBe(2);
    });
    expect(pool.value).toBe(3);
  });

  it('a guard released explicitly, then disposed, counts once', async () => {
    const pool = new Semaphore(1);
    {
      using permit = await pool.acquire();
      permit.release();
      expect(pool.value).toBe(1);
    }
    expect(pool.value).toBe(1);
  });

  it('BoundedSemaphore: a plain release inside a `using` scope of a full semaphore is the over-release, not the guard', async () => {
    const pool = new BoundedSemaphore(2);
    {
      using _permit = await pool.acquire();
      pool.release(); // returns the only outstanding permit
      expect(pool.value).toBe(2);
      // The guard's own release would now exceed the bound: it is refused (RangeError) and the
      // hold counts as ended, so leaving the scope cannot add a third permit.
      let refused: unknown;
      try {
        _permit.release();
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(RangeError);
    }
    expect(pool.value).toBe(2);
  });
});

/** One step of a random program on one semaphore, run in the task's current scope. */
type Step =
  | { readonly kind: 'using'; readonly body: readonly Step[] }
  | { readonly kind: 'withLock'; readonly body: readonly Step[] }
  | { readonly kind: 'acquire' }
  | { readonly kind: 'release'; readonly n: number }
  | { readonly kind: 'releaseGuard'; readonly pick: number }
  | { readonly kind: 'tryAcquire' };

const leaf: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'acquire' }),
  fc.integer({ min: 1, max: 2 }).map((n): Step => ({ kind: 'release', n })),
  fc.nat(8).map((pick): Step => ({ kind: 'releaseGuard', pick })),
  fc.constant<Step>({ kind: 'tryAcquire' }),
);

const step: fc.Memo<Step> = fc.memo((depth) =>
  depth <= 1
    ? leaf
    : fc.oneof(
        leaf,
        fc.array(step(depth - 1), { maxLength: 4 }).map((body): Step => ({ kind: 'using', body })),
        fc
          .array(step(depth - 1), { maxLength: 4 })
          .map((body): Step => ({ kind: 'withLock', body })),
      ),
);

/**
 * Runs `steps` against `pool` and a model of its count side by side, checking `value` after every
 * step. An acquire is only issued when a permit is free (one task: waiting would never end).
 */
async function run(
  pool: Semaphore,
  steps: readonly Step[],
  model: { value: number },
  guards: { guard: Guard; counted: boolean }[],
): Promise<void> {
  for (const current of steps) {
    switch (current.kind) {
      case 'acquire':
        if (model.value === 0) break;
        guards.push({ guard: await pool.acquire(), counted: false });
        model.value -= 1;
        break;
      case 'tryAcquire': {
        const guard = pool.tryAcquire();
        expect(guard !== undefined).toBe(model.value > 0);
        if (guard === undefined) break;
        guards.push({ guard, counted: false });
        model.value -= 1;
        break;
      }
      case 'release':
        pool.release(current.n);
        model.value += current.n;
        break;
      case 'releaseGuard': {
        const entry = guards[current.pick % Math.max(guards.length, 1)];
        if (entry === undefined) break;
        entry.guard.release();
        if (!entry.counted) model.value += 1;
        entry.counted = true;
        break;
      }
      case 'using': {
        if (model.value === 0) break;
        {
          using guard = await pool.acquire();
          model.value -= 1;
          const entry = { guard, counted: false };
          guards.push(entry);
          await run(pool, current.body, model, guards);
          if (!entry.counted) model.value += 1;
          entry.counted = true;
        }
        break;
      }
      case 'withLock': {
        if (model.value === 0) break;
        await pool.withLock(async () => {
          model.value -= 1;
          await run(pool, current.body, model, guards);
        });
        model.value += 1;
        break;
      }
    }
    expect(pool.value).toBe(model.value);
  }
}

describe('permit conservation: property', () => {
  for (const on of [false, true]) {
    it(`value = initial − acquired + released, over random mixes of styles (detector ${on ? 'on' : 'off'})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3 }),
          fc.array(step(3), { maxLength: 8 }),
          async (initial, steps) => {
            if (on) enableFresh({ onCycle: 'record' });
            else detector.disable();
            const pool = new Semaphore(initial);
            const model = { value: initial };
            await run(pool, steps, model, []);
            expect(pool.value).toBe(model.value);
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

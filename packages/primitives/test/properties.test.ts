/**
 * Property-based stress tests (issue 2, item 3). fast-check's scheduler decides the order in
 * which tasks start, work, abort and finish; fake timers decide when timeouts fire. For every
 * schedule: mutual exclusion (at most `permits` tasks inside), FIFO grant order, permit
 * conservation (no lost or leaked permits), nothing left locked once all tasks end, and no
 * aborted or timed-out waiter ever holds.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BoundedSemaphore,
  Lock,
  RLock,
  Semaphore,
  TimeoutError,
  type Guard,
} from '../src/index.ts';
import { settle } from './support/async.ts';

type Cancel = 'none' | 'abort' | 'timeout';
type Style = 'using' | 'plain' | 'withLock' | 'tryAcquire';
interface TaskSpec {
  readonly cancel: Cancel;
  readonly style: Style;
  readonly timeout: number;
  /**
   * For an 'abort' task: which task's release also aborts it, in the same synchronous run as that
   * release (the race async-mutex, p-queue and asyncio lost permits to). Otherwise the abort is a
   * step of its own, scheduled at a random point.
   */
  readonly abortWith: number | null;
}

const taskSpec = fc.record({
  cancel: fc.constantFrom<Cancel>('none', 'abort', 'timeout'),
  style: fc.constantFrom<Style>('using', 'plain', 'withLock', 'tryAcquire'),
  timeout: fc.integer({ min: 0, max: 6 }),
  abortWith: fc.option(fc.nat({ max: 6 })),
});

const kinds = ['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore'] as const;
type Primitive = Lock | RLock | Semaphore;

function make(
  kind: (typeof kinds)[number],
  permits: number,
): { primitive: Primitive; permits: number } {
  switch (kind) {
    case 'Lock':
      return { primitive: new Lock(), permits: 1 };
    case 'RLock':
      return { primitive: new RLock(), permits: 1 };
    case 'Semaphore':
      return { primitive: new Semaphore(permits), permits };
    case 'BoundedSemaphore':
      return { primitive: new BoundedSemaphore(permits), permits };
  }
}

/**
 * Drive the scheduler and the fake clock until `done` settles; fail if the run gets stuck. The
 * clock is itself a scheduled task, so fast-check also chooses when time passes relative to
 * acquires, releases and aborts (timeouts land mid-contention, not only when everyone is stuck).
 */
async function drive(s: fc.Scheduler, done: Promise<unknown>): Promise<void> {
  void (async () => {
    for (let tick = 0; tick < 25; tick += 1) {
      await s.schedule(Promise.resolve(), `tick ${tick}`);
      vi.advanceTimersByTime(1);
    }
  })();
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  for (let step = 0; step < 10_000; step += 1) {
    await settle();
    if (finished) return;
    if (s.count() > 0) await s.waitOne();
    else if (vi.getTimerCount() > 0) await vi.advanceTimersByTimeAsync(1);
    else throw new Error('stuck: tasks still waiting with nothing scheduled and no timer pending');
  }
  throw new Error('did not finish in 10000 steps');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('properties over random schedules', () => {
  it('mutual exclusion, permit conservation, nothing left locked, no cancelled waiter ever holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom(...kinds),
        fc.integer({ min: 1, max: 3 }),
        fc.array(taskSpec, { minLength: 1, maxLength: 7 }),
        async (s, kind, requestedPermits, specs) => {
          const { primitive, permits } = make(kind, requestedPermits);
          let inside = 0;
          const entered = new Set<number>();
          const gaveUp = new Set<number>();
          // Aborts to run right after task k's release, in the same synchronous run.
          const onRelease = new Map<number, (() => void)[]>();
          const released = (k: number): void => {
            for (const abort of onRelease.get(k) ?? []) abort();
          };

          const run = async (spec: TaskSpec, i: number): Promise<void> => {
            await s.schedule(Promise.resolve(), `start ${i}`);
            const controller = new AbortController();
            const reason = new Error(`abort ${i}`);
            if (spec.cancel === 'abort' && spec.abortWith !== null) {
              const k = spec.abortWith % specs.length;
              onRelease.set(k, [...(onRelease.get(k) ?? []), () => controller.abort(reason)]);
              // If task k never releases (it gave up), abort anyway once everything else has run.
              void s
                .schedule(Promise.resolve(), `late abort ${i}`)
                .then(() => controller.abort(reason));
            } else if (spec.cancel === 'abort') {
              void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort(reason));
            }
            const options =
              spec.cancel === 'abort'
                ? { signal: controller.signal }
                : spec.cancel === 'timeout'
                  ? { timeout: spec.timeout }
                  : undefined;
            const critical = async (): Promise<void> => {
              entered.add(i);
              inside += 1;
              if (inside > permits)
                throw new Error(`mutual exclusion broken: ${inside} inside, ${permits} permits`);
              await s.schedule(Promise.resolve(), `work ${i}`);
              inside -= 1;
            };
            try {
              if (spec.style === 'withLock') {
                await primitive.withLock(async () => {
                  await critical();
                  // withLock releases after this callback's promise settles, a microtask later:
                  // the abort lands between the grant it causes and the granted task's resumption.
                  queueMicrotask(() => released(i));
                }, options);
              } else if (spec.style === 'using') {
                // Disposed after the guard (reverse order): the aborts run right after the release.
                using _after = { [Symbol.dispose]: () => released(i) };
                using _guard = await primitive.acquire(options);
                await critical();
              } else if (spec.style === 'plain') {
                await primitive.acquire(options);
                try {
                  await critical();
                } finally {
                  primitive.release();
                  released(i);
                }
              } else {
                using _after = { [Symbol.dispose]: () => released(i) };
                using guard = primitive.tryAcquire();
                if (guard === undefined) gaveUp.add(i);
                else await critical();
              }
            } catch (error) {
              if (error !== reason && !(error instanceof TimeoutError)) throw error;
              gaveUp.add(i);
            }
          };

          const all = Promise.all(specs.map(run));
          await drive(s, all);
          await all; // surfaces a broken invariant thrown inside a task

          for (const i of gaveUp) expect(entered.has(i)).toBe(false);
          expect(entered.size + gaveUp.size).toBe(specs.length);
          expect(primitive.locked).toBe(false);
          if (primitive instanceof Semaphore) expect(primitive.value).toBe(permits);
          expect(vi.getTimerCount()).toBe(0); // every timeout timer was cleared
        },
      ),
      { numRuns: 500 },
    );
  });

  it('FIFO: among the tasks that got it, grants follow request order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom(...kinds),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.constantFrom<Cancel>('none', 'abort', 'timeout'), {
          minLength: 1,
          maxLength: 8,
        }),
        async (s, kind, requestedPermits, cancels) => {
          const { primitive } = make(kind, requestedPermits);
          const requests: number[] = [];
          const grants: number[] = [];
          const run = async (cancel: Cancel, i: number): Promise<void> => {
            await s.schedule(Promise.resolve(), `start ${i}`);
            const controller = new AbortController();
            if (cancel === 'abort')
              void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
            requests.push(i);
            let guard: Guard;
            try {
              guard = await primitive
                .acquire(
                  cancel === 'abort'
                    ? { signal: controller.signal }
                    : cancel === 'timeout'
                      ? { timeout: 3 }
                      : undefined,
                )
                .then((g) => {
                  grants.push(i); // runs in grant order: one reaction per acquire promise
                  return g;
                });
            } catch {
              return;
            }
            await s.schedule(Promise.resolve(), `work ${i}`);
            guard.release();
          };
          const all = Promise.all(cancels.map(run));
          await drive(s, all);
          await all;
          const grantedSet = new Set(grants);
          expect(grants).toEqual(requests.filter((i) => grantedSet.has(i)));
          expect(primitive.locked).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * Issue 8, item 1: what an RLock re-entry costs in each style, detector off, against async-mutex's
 * `Semaphore(1)` acquire + release in the same run. Each sample takes the RLock once with
 * `withLock` and re-enters it `ops` times inside: one re-entry level per op, taken and released.
 * Plain and try-acquired re-entries enter the requesting task's frame when requested (so that
 * siblings cannot enter while they are open); `using` re-entries are claimed where they are bound.
 */
import type { BenchCase, Subject } from '../harness.ts';
import { unavailable, type AcquirableLike, type Loaded, type OurPrimitives } from './load.ts';
import { mutexSemaphoreAcquireRelease } from './semaphore.ts';

/** Runs `body` once inside a held RLock (the outer acquisition is one per sample). */
function insideHeld(label: string, rlock: AcquirableLike, body: (ops: number) => Promise<void>) {
  return {
    label,
    run: (ops: number) => rlock.withLock(() => body(ops)),
  } satisfies Subject;
}

function reentrySubjects(RLock: NonNullable<OurPrimitives['RLock']>): Record<string, Subject> {
  const usingLock = new RLock({ name: 'bench' });
  const plainLock = new RLock({ name: 'bench' });
  const withLockLock = new RLock({ name: 'bench' });
  const noop = (): void => undefined;
  return {
    using: insideHeld('RLock re-entry: using g = await rlock.acquire()', usingLock, async (ops) => {
      for (let i = 0; i < ops; i++) {
        using _level = await usingLock.acquire();
      }
    }),
    plain: insideHeld(
      'RLock re-entry: await rlock.acquire(); rlock.release()',
      plainLock,
      async (ops) => {
        for (let i = 0; i < ops; i++) {
          await plainLock.acquire();
          plainLock.release();
        }
      },
    ),
    withLock: insideHeld(
      'RLock re-entry: await rlock.withLock(fn), fn synchronous',
      withLockLock,
      async (ops) => {
        for (let i = 0; i < ops; i++) await withLockLock.withLock(noop);
      },
    ),
  };
}

export function rlockReentryCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const RLock = primitives.ok ? primitives.value.RLock : undefined;
  const reason = primitives.ok ? 'RLock is not exported' : primitives.reason;
  const subjects = RLock === undefined ? undefined : reentrySubjects(RLock);
  const styles = [
    ['using', '`using g = await rlock.acquire()`'],
    ['plain', '`await rlock.acquire(); rlock.release()`'],
    ['withLock', '`await rlock.withLock(fn)`'],
  ] as const;
  return styles.map(([style, code]) => ({
    name: `RLock re-entry: ${style}`,
    measures:
      `Detector off: ${code} inside a held RLock (one re-entry level per op) vs async-mutex ` +
      '`Semaphore(1)` acquire + release.',
    ours: subjects?.[style] ?? unavailable(`RLock re-entry: ${style}`, reason),
    ...(subjects === undefined ? { skip: reason } : {}),
    baseline: mutexSemaphoreAcquireRelease(1),
  }));
}

/**
 * Issue 8, item 9: the recommended style is the fastest one. With the detector off, `using g =
 * await x.acquire()` on our `Lock` and `Semaphore` against the fastest primitive a user could pick
 * instead — async-mutex's `Semaphore` acquire + release, no `using` — target ≤ 1.5×. Two more
 * cases split the cost: our guard released by hand (what interlock itself costs), and async-mutex
 * bound by the same `using` statement (what V8's `using` costs, whoever's lock it is). RLock keeps
 * its frame entry (ownership needs it) and is shown for information.
 */
import { Semaphore as MutexSemaphore } from 'async-mutex';
import type { BenchCase, Subject } from '../harness.ts';
import { noop, unavailable, type AcquirableLike, type Loaded, type OurPrimitives } from './load.ts';
import { mutexSemaphoreAcquireRelease } from './semaphore.ts';

const fastestTarget = 1.5;

const mutexSemaphore = mutexSemaphoreAcquireRelease;

/** `ops` times `using g = await lock.acquire()`, the guard released as the block ends. */
export function usingLoop(label: string, lock: AcquirableLike): Subject {
  return {
    label,
    async run(ops) {
      for (let i = 0; i < ops; i++) {
        using _guard = await lock.acquire();
      }
    },
  };
}

export function fastestStyleCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const ours = (
    label: string,
    make: (value: OurPrimitives) => Subject | undefined,
  ): { subject: Subject; skip?: string } => {
    if (!primitives.ok)
      return { subject: unavailable(label, primitives.reason), skip: primitives.reason };
    const subject = make(primitives.value);
    return subject === undefined
      ? { subject: unavailable(label, 'not exported'), skip: `${label}: not exported` }
      : { subject };
  };
  const lockUsing = ours('Lock: using', ({ Lock }) =>
    usingLoop('Lock: using g = await lock.acquire()', new Lock({ name: 'bench' })),
  );
  const semaphoreUsing = ours('Semaphore: using', ({ Semaphore }) =>
    usingLoop('Semaphore(3): using g = await sem.acquire()', new Semaphore(3, { name: 'bench' })),
  );
  const lockByHand = ours('Lock: guard.release()', ({ Lock }) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: 'Lock: const g = await lock.acquire(); g.release()',
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          const guard = await lock.acquire();
          guard.release();
        }
      },
    };
  });
  const lockWithLock = ours('Lock: withLock', ({ Lock }) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: 'Lock: await lock.withLock(fn), fn synchronous',
      async run(ops) {
        for (let i = 0; i < ops; i++) await lock.withLock(noop);
      },
    };
  });
  const rlockUsing = ours('RLock: using', ({ RLock }) =>
    RLock === undefined
      ? undefined
      : usingLoop('RLock: using g = await rlock.acquire()', new RLock({ name: 'bench' })),
  );
  const mutexUsing: Subject = (() => {
    const semaphore = new MutexSemaphore(1);
    return {
      label: 'async-mutex Semaphore(1) bound by `using`: using _ = { [Symbol.dispose]: release }',
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          const [, release] = await semaphore.acquire();
          using _bound = { [Symbol.dispose]: release };
        }
      },
    };
  })();

  return [
    {
      name: 'fastest style: Lock using',
      measures:
        'Detector off: `using g = await lock.acquire()` on our Lock vs async-mutex ' +
        '`Semaphore(1)` acquire + release (no `using`).',
      ours: lockUsing.subject,
      skip: lockUsing.skip,
      baseline: mutexSemaphore(1),
      target: fastestTarget,
    },
    {
      name: 'fastest style: Semaphore using',
      measures:
        'Detector off: `using g = await sem.acquire()` on our Semaphore(3) vs async-mutex ' +
        '`Semaphore(3)` acquire + release (no `using`).',
      ours: semaphoreUsing.subject,
      skip: semaphoreUsing.skip,
      baseline: mutexSemaphore(3),
      target: fastestTarget,
    },
    {
      name: 'fastest style: Lock guard.release()',
      measures:
        'Detector off: our Lock acquired and released through its guard by hand (no `using`) ' +
        'vs async-mutex `Semaphore(1)`: what interlock itself costs.',
      ours: lockByHand.subject,
      skip: lockByHand.skip,
      baseline: mutexSemaphore(1),
    },
    {
      name: 'fastest style: Lock withLock',
      measures:
        'Detector off: `await lock.withLock(fn)` with a synchronous `fn` on our Lock vs ' +
        'async-mutex `Semaphore(1)` acquire + release.',
      ours: lockWithLock.subject,
      skip: lockWithLock.skip,
      baseline: mutexSemaphore(1),
    },
    {
      name: 'fastest style: the using statement',
      measures:
        'async-mutex `Semaphore(1)` whose releaser is bound by a `using` declaration vs the ' +
        'same without: what V8’s `using` costs, whoever’s lock it binds.',
      ours: mutexUsing,
      baseline: mutexSemaphore(1),
    },
    {
      name: 'fastest style: RLock using',
      measures:
        'Detector off: `using g = await rlock.acquire()` (the hold enters the task’s frame: ' +
        'RLock ownership needs it) vs async-mutex `Semaphore(1)`.',
      ours: rlockUsing.subject,
      skip: rlockUsing.skip,
      baseline: mutexSemaphore(1),
    },
  ];
}

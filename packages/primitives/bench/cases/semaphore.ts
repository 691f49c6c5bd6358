/**
 * `Semaphore(3)` against async-mutex's `Semaphore(3)`: uncontended acquire/release and a
 * contended hand-off (more tasks than permits). No target is set by the issue; the ratios are
 * reported for information and held to the Lock's ≤ 1.0× as a goal.
 */
import { Semaphore as MutexSemaphore } from 'async-mutex';
import type { BenchCase, Subject } from '../harness.ts';
import { contendingTasks } from './lock.ts';
import {
  noop,
  resolved,
  splitAmong,
  unavailable,
  type Loaded,
  type OurPrimitives,
} from './load.ts';

export const permits = 3;

export function semaphoreCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const ours = (
    label: string,
    make: (Semaphore: OurPrimitives['Semaphore']) => Subject,
  ): { subject: Subject; skip?: string } =>
    primitives.ok
      ? { subject: make(primitives.value.Semaphore) }
      : { subject: unavailable(label, primitives.reason), skip: primitives.reason };

  const usingStyle = ours('Semaphore: using', (Semaphore) => {
    const semaphore = new Semaphore(permits, { name: 'bench' });
    return {
      label: `Semaphore(${permits}): using g = await sem.acquire()`,
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          using _guard = await semaphore.acquire();
        }
      },
    };
  });
  const withLockStyle = ours('Semaphore: withLock', (Semaphore) => {
    const semaphore = new Semaphore(permits, { name: 'bench' });
    return {
      label: `Semaphore(${permits}): await sem.withLock(fn)`,
      async run(ops) {
        for (let i = 0; i < ops; i++) await semaphore.withLock(noop);
      },
    };
  });
  const releaseStyle = ours('Semaphore: await acquire(); release()', (Semaphore) => {
    const semaphore = new Semaphore(permits, { name: 'bench' });
    return {
      label: `Semaphore(${permits}): await sem.acquire(); sem.release()`,
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          await semaphore.acquire();
          semaphore.release();
        }
      },
    };
  });
  const contended = ours('Semaphore: contended using', (Semaphore) => {
    const semaphore = new Semaphore(permits, { name: 'bench' });
    return {
      label: `Semaphore(${permits}): ${contendingTasks} tasks, using g = await sem.acquire(); await`,
      async run(ops) {
        await Promise.all(
          splitAmong(ops, contendingTasks).map(async (count) => {
            for (let i = 0; i < count; i++) {
              using _guard = await semaphore.acquire();
              await resolved;
            }
          }),
        );
      },
    };
  });

  return [
    {
      name: 'semaphore uncontended: using',
      measures: `One acquire + release of a Semaphore(${permits}) with permits free: \`using g = await sem.acquire()\` vs \`const [, release] = await sem.acquire(); release()\`.`,
      ours: usingStyle.subject,
      skip: usingStyle.skip,
      baseline: mutexSemaphoreAcquireRelease(),
    },
    {
      name: 'semaphore uncontended: withLock',
      measures: `One \`await sem.withLock(fn)\` with a synchronous \`fn\` vs async-mutex \`await sem.runExclusive(fn)\`.`,
      ours: withLockStyle.subject,
      skip: withLockStyle.skip,
      baseline: mutexSemaphoreRunExclusive(),
    },
    {
      name: 'semaphore uncontended: release()',
      measures: `One \`await sem.acquire(); sem.release()\` (the try/finally style, no task tracking) vs async-mutex acquire + releaser.`,
      ours: releaseStyle.subject,
      skip: releaseStyle.skip,
      baseline: mutexSemaphoreAcquireRelease(),
    },
    {
      name: 'semaphore contended: using',
      measures: `${contendingTasks} tasks on a Semaphore(${permits}), each looping acquire → \`await\` a resolved promise → release; time per acquisition.`,
      ours: contended.subject,
      skip: contended.skip,
      baseline: mutexSemaphoreContended(),
    },
  ];
}

/** async-mutex's `Semaphore(count)`: `const [, release] = await sem.acquire(); release()`. */
export function mutexSemaphoreAcquireRelease(count = permits): Subject {
  const semaphore = new MutexSemaphore(count);
  return {
    label: `async-mutex Semaphore(${count}): const [, release] = await sem.acquire(); release()`,
    async run(ops) {
      for (let i = 0; i < ops; i++) {
        const [, release] = await semaphore.acquire();
        release();
      }
    },
  };
}

function mutexSemaphoreRunExclusive(): Subject {
  const semaphore = new MutexSemaphore(permits);
  return {
    label: `async-mutex Semaphore(${permits}): await sem.runExclusive(fn)`,
    async run(ops) {
      for (let i = 0; i < ops; i++) await semaphore.runExclusive(noop);
    },
  };
}

function mutexSemaphoreContended(): Subject {
  const semaphore = new MutexSemaphore(permits);
  return {
    label: `async-mutex Semaphore(${permits}): ${contendingTasks} tasks, [, release] = await sem.acquire(); await; release()`,
    async run(ops) {
      await Promise.all(
        splitAmong(ops, contendingTasks).map(async (count) => {
          for (let i = 0; i < count; i++) {
            const [, release] = await semaphore.acquire();
            try {
              await resolved;
            } finally {
              release();
            }
          }
        }),
      );
    },
  };
}

/**
 * `Lock` against async-mutex's `Mutex`: uncontended acquire/release in each acquisition style,
 * and a contended hand-off between tasks. Target (issue 2, item 7): ours ≤ 1.0× on both.
 */
import { Mutex } from 'async-mutex';
import type { BenchCase, Subject } from '../harness.ts';
import {
  noop,
  resolved,
  splitAmong,
  unavailable,
  type AcquirableLike,
  type Loaded,
  type OurPrimitives,
} from './load.ts';

/** Workers in the contended cases: enough that every release has a queued waiter to hand to. */
export const contendingTasks = 8;

const lockTarget = 1.0;

export function lockCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const ours = (
    label: string,
    make: (Lock: OurPrimitives['Lock']) => Subject,
  ): { subject: Subject; skip?: string } =>
    primitives.ok
      ? { subject: make(primitives.value.Lock) }
      : { subject: unavailable(label, primitives.reason), skip: primitives.reason };

  const usingStyle = ours('Lock: using g = await acquire()', (Lock) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: 'Lock: using g = await lock.acquire()',
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          using _guard = await lock.acquire();
        }
      },
    };
  });
  const withLockStyle = ours('Lock: withLock(fn)', (Lock) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: 'Lock: await lock.withLock(fn)',
      async run(ops) {
        for (let i = 0; i < ops; i++) await lock.withLock(noop);
      },
    };
  });
  const releaseStyle = ours('Lock: await acquire(); release()', (Lock) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: 'Lock: await lock.acquire(); lock.release()',
      async run(ops) {
        for (let i = 0; i < ops; i++) {
          await lock.acquire();
          lock.release();
        }
      },
    };
  });
  const contendedUsing = ours('Lock: contended using', (Lock) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: `Lock: ${contendingTasks} tasks, using g = await lock.acquire(); await`,
      run: (ops) => contendUsing(lock, ops),
    };
  });
  const contendedWithLock = ours('Lock: contended withLock', (Lock) => {
    const lock = new Lock({ name: 'bench' });
    return {
      label: `Lock: ${contendingTasks} tasks, await lock.withLock(async fn)`,
      run: (ops) => contendWithLock(lock, ops),
    };
  });

  return [
    {
      name: 'lock uncontended: using',
      measures:
        'One acquire + release of a free lock, awaited: `using g = await lock.acquire()` vs ' +
        '`const release = await mutex.acquire(); release()`.',
      ours: usingStyle.subject,
      skip: usingStyle.skip,
      baseline: mutexAcquireRelease(),
      target: lockTarget,
    },
    {
      name: 'lock uncontended: withLock',
      measures:
        'One `await lock.withLock(fn)` of a free lock with a synchronous `fn` vs `await ' +
        'mutex.runExclusive(fn)`.',
      ours: withLockStyle.subject,
      skip: withLockStyle.skip,
      baseline: mutexRunExclusive(),
      target: lockTarget,
    },
    {
      name: 'lock uncontended: release()',
      measures:
        'One `await lock.acquire(); lock.release()` of a free lock (the try/finally style) ' +
        'vs async-mutex acquire + releaser.',
      ours: releaseStyle.subject,
      skip: releaseStyle.skip,
      baseline: mutexAcquireRelease(),
      target: lockTarget,
    },
    {
      name: 'lock contended: using',
      measures: `${contendingTasks} tasks each loop acquire → \`await\` a resolved promise → release on one lock; time per hand-off.`,
      ours: contendedUsing.subject,
      skip: contendedUsing.skip,
      baseline: mutexContended(),
      target: lockTarget,
    },
    {
      name: 'lock contended: withLock',
      measures: `${contendingTasks} tasks each loop \`withLock(async () => { await resolved })\` vs \`runExclusive\` of the same body; time per hand-off.`,
      ours: contendedWithLock.subject,
      skip: contendedWithLock.skip,
      baseline: mutexContendedRunExclusive(),
      target: lockTarget,
    },
  ];
}

async function contendUsing(lock: AcquirableLike, ops: number): Promise<void> {
  await Promise.all(
    splitAmong(ops, contendingTasks).map(async (count) => {
      for (let i = 0; i < count; i++) {
        using _guard = await lock.acquire();
        await resolved;
      }
    }),
  );
}

async function contendWithLock(lock: AcquirableLike, ops: number): Promise<void> {
  const body = async () => {
    await resolved;
  };
  await Promise.all(
    splitAmong(ops, contendingTasks).map(async (count) => {
      for (let i = 0; i < count; i++) await lock.withLock(body);
    }),
  );
}

function mutexAcquireRelease(): Subject {
  const mutex = new Mutex();
  return {
    label: 'async-mutex: const release = await mutex.acquire(); release()',
    async run(ops) {
      for (let i = 0; i < ops; i++) {
        const release = await mutex.acquire();
        release();
      }
    },
  };
}

function mutexRunExclusive(): Subject {
  const mutex = new Mutex();
  return {
    label: 'async-mutex: await mutex.runExclusive(fn)',
    async run(ops) {
      for (let i = 0; i < ops; i++) await mutex.runExclusive(noop);
    },
  };
}

function mutexContended(): Subject {
  const mutex = new Mutex();
  return {
    label: `async-mutex: ${contendingTasks} tasks, release = await mutex.acquire(); await; release()`,
    async run(ops) {
      await Promise.all(
        splitAmong(ops, contendingTasks).map(async (count) => {
          for (let i = 0; i < count; i++) {
            const release = await mutex.acquire();
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

function mutexContendedRunExclusive(): Subject {
  const mutex = new Mutex();
  const body = async () => {
    await resolved;
  };
  return {
    label: `async-mutex: ${contendingTasks} tasks, await mutex.runExclusive(async fn)`,
    async run(ops) {
      await Promise.all(
        splitAmong(ops, contendingTasks).map(async (count) => {
          for (let i = 0; i < count; i++) await mutex.runExclusive(body);
        }),
      );
    },
  };
}

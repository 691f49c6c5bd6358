/**
 * Issue 8, item 9: what V8's `using` statement costs by itself, whoever's object it binds — the
 * floor under any `using g = await x.acquire()`. The bound object is the cheapest disposable
 * there is: one shared instance whose `[Symbol.dispose]` is an empty prototype method.
 *
 * - "the statement alone": a synchronous loop binding it with `using` vs the same call through
 *   `try … finally`. Per declaration, nothing awaited.
 * - "await + using vs async-mutex": `using g = await ready`, where `ready` is a promise already
 *   resolved with that disposable — what an `acquire()` costing nothing at all would cost bound
 *   with `using` — against async-mutex's `Semaphore(1)` acquire + release. If this ratio is above
 *   the 1.5× target, no primitive bound with native `using` can meet it.
 * - "await + using vs await + try/finally": the declaration's cost where an acquire pays it.
 * - "await + try/finally vs async-mutex": the same without `using`, to show the await is not it.
 * - "Lock using vs the floor": our Lock bound with `using` against that free acquire bound with
 *   `using`: what interlock adds on top of the floor.
 */
import type { BenchCase, Subject } from '../harness.ts';
import type { Loaded, OurPrimitives } from './load.ts';
import { unavailable } from './load.ts';
import { mutexSemaphoreAcquireRelease } from './semaphore.ts';

/** The cheapest disposable: no fields, an empty prototype method. */
class Trivial implements Disposable {
  [Symbol.dispose](): void {}
}

const trivial = new Trivial();
const ready: Promise<Trivial> = Promise.resolve(trivial);

const usingAlone: Subject = {
  label: 'using _ = trivial (synchronous loop)',
  run(ops) {
    for (let i = 0; i < ops; i++) {
      using _bound = trivial;
    }
  },
};

const tryFinallyAlone: Subject = {
  label: 'const g = trivial; try {} finally { g[Symbol.dispose]() }',
  run(ops) {
    for (let i = 0; i < ops; i++) {
      const bound = trivial;
      try {
        // The empty block `using` would guard.
      } finally {
        bound[Symbol.dispose]();
      }
    }
  },
};

const awaitUsing: Subject = {
  label: 'using _ = await ready (a resolved promise of the trivial disposable)',
  async run(ops) {
    for (let i = 0; i < ops; i++) {
      using _bound = await ready;
    }
  },
};

const awaitTryFinally: Subject = {
  label: 'const g = await ready; try {} finally { g[Symbol.dispose]() }',
  async run(ops) {
    for (let i = 0; i < ops; i++) {
      const bound = await ready;
      try {
        // The empty block `using` would guard.
      } finally {
        bound[Symbol.dispose]();
      }
    }
  },
};

export function usingFloorCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const lockUsing: Subject = primitives.ok
    ? (() => {
        const lock = new primitives.value.Lock({ name: 'bench' });
        return {
          label: 'Lock: using g = await lock.acquire()',
          async run(ops: number) {
            for (let i = 0; i < ops; i++) {
              using _guard = await lock.acquire();
            }
          },
        };
      })()
    : unavailable('Lock: using', primitives.reason);
  return [
    {
      name: 'using floor: the statement alone',
      measures:
        'A synchronous loop binding one trivial disposable with `using` vs calling its dispose ' +
        'in `try … finally`: the cost of the declaration itself.',
      ours: usingAlone,
      baseline: tryFinallyAlone,
    },
    {
      name: 'using floor: await + using vs async-mutex',
      measures:
        '`using g = await ready` (an already-resolved promise of a trivial disposable: a free ' +
        'acquire) vs async-mutex `Semaphore(1)` acquire + release. Above 1.5, no `using` style ' +
        'can meet item 9.',
      ours: awaitUsing,
      baseline: mutexSemaphoreAcquireRelease(1),
    },
    {
      name: 'using floor: await + using vs await + try/finally',
      measures:
        'The free acquire bound with `using` vs released in `try … finally`, both in an async ' +
        'loop: the cost of the declaration where `using g = await x.acquire()` pays it.',
      ours: awaitUsing,
      baseline: awaitTryFinally,
    },
    {
      name: 'using floor: await + try/finally vs async-mutex',
      measures:
        'The same free acquire released in `try … finally` (no `using`) vs async-mutex ' +
        '`Semaphore(1)` acquire + release.',
      ours: awaitTryFinally,
      baseline: mutexSemaphoreAcquireRelease(1),
    },
    {
      name: 'using floor: Lock using vs the floor',
      measures:
        'Detector off: `using g = await lock.acquire()` on our Lock vs `using g = await ready` ' +
        '(a free acquire): what interlock adds to the floor.',
      ours: lockUsing,
      skip: primitives.ok ? undefined : primitives.reason,
      baseline: awaitUsing,
    },
  ];
}

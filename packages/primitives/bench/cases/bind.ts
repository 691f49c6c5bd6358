/**
 * Issue 9: what source instrumentation costs at run time — the `bind` call it wraps around every
 * awaited acquire — measured as the same plain-style loop with and without `bind`, in the same run.
 */
import type { BenchCase, Subject } from '../harness.ts';
import type { AcquirableLike, Loaded, OurPrimitives } from './load.ts';

type Bind = (value: unknown, site?: string) => unknown;
type Loop = (locks: readonly AcquirableLike[], ops: number) => Promise<void>;

const SITE = '/app/src/bank.ts:12:20';

export async function bindCases(primitives: Loaded<OurPrimitives>): Promise<BenchCase[]> {
  const bind = (
    (await import(new URL('../../src/bind.ts', import.meta.url).href)) as { bind: Bind }
  ).bind;
  if (!primitives.ok || primitives.value.detector === undefined) return [];
  const { Lock, detector } = primitives.value;
  const side = (label: string, enabled: boolean, count: number, loop: Loop): Subject => {
    let locks: AcquirableLike[] | undefined;
    return {
      label,
      before() {
        if (enabled) detector.enable({ onCycle: 'record' });
        else detector.disable();
        locks ??= Array.from(
          { length: count },
          (_, index) => new Lock({ name: `bind-${label}-${index}` }),
        );
      },
      run: (ops) => loop(locks ?? [], ops),
      after() {
        detector.disable();
      },
    };
  };
  const plain: Loop = async (locks, ops) => {
    const lock = locks[0]!;
    for (let i = 0; i < ops; i++) {
      await lock.acquire();
      lock.release();
    }
  };
  const plainBound: Loop = async (locks, ops) => {
    const lock = locks[0]!;
    for (let i = 0; i < ops; i++) {
      bind(await lock.acquire(), SITE);
      lock.release();
    }
  };
  const nested: Loop = async (locks, ops) => {
    const [a, b] = locks as [AcquirableLike, AcquirableLike];
    for (let i = 0; i < ops; i++) {
      await a.acquire();
      await b.acquire();
      b.release();
      a.release();
    }
  };
  const nestedBound: Loop = async (locks, ops) => {
    const [a, b] = locks as [AcquirableLike, AcquirableLike];
    for (let i = 0; i < ops; i++) {
      bind(await a.acquire(), SITE);
      bind(await b.acquire(), SITE);
      b.release();
      a.release();
    }
  };
  return [
    {
      name: 'bind: plain pair, detector on',
      measures:
        '`bind(await lock.acquire()); lock.release()` vs the same without bind, detector ' +
        'enabled (what an instrumented test run does).',
      ours: side('with bind, detector on', true, 1, plainBound),
      baseline: side('without bind, detector on', true, 1, plain),
    },
    {
      name: 'bind: plain pair, detector off',
      measures:
        'The same loop with and without bind, detector disabled (register hook without enable()).',
      ours: side('with bind, detector off', false, 1, plainBound),
      baseline: side('without bind, detector off', false, 1, plain),
    },
    {
      name: 'bind: nested plain pair, detector on',
      measures:
        'Take a then b, release both, plain style: with bind the edge a → b is tracked (a ' +
        'known edge), without it nothing is; detector enabled.',
      ours: side('with bind (edge a → b tracked)', true, 2, nestedBound),
      baseline: side('without bind (anonymous holds)', true, 2, nested),
    },
  ];
}

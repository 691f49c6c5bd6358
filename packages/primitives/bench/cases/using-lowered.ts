/**
 * Issue 8, item 9, as most TypeScript users run it: the same `using g = await x.acquire()` loops
 * as fastest-style.ts and using-floor.ts, compiled by TypeScript itself. `tsc` lowers `using` to
 * its `__addDisposableResource` / `__disposeResources` helpers for every `target` but `ESNext`
 * (checked with TypeScript 6.0 for ES2022, ES2024 and ES2025), so a project built with `tsc` runs
 * those helpers, not V8's native declaration — which costs 240–330 ns per declaration on Node 24
 * whatever it binds (using-floor.ts), more than async-mutex's whole acquire + release.
 *
 * The loops are written once as source text below and compiled at start-up with
 * `ts.transpileModule` (target ES2022, the helpers inlined, as `tsc` emits them without
 * `importHelpers`), so the bench runs exactly what `tsc` would emit.
 */
import ts from 'typescript';
import type { BenchCase, Subject } from '../harness.ts';
import type { AcquirableLike, Loaded, OurPrimitives } from './load.ts';
import { unavailable } from './load.ts';
import { mutexSemaphoreAcquireRelease } from './semaphore.ts';

const fastestTarget = 1.5;

type UsingLoop = (acquirable: { acquire(): Promise<Disposable> }, ops: number) => Promise<void>;

// The loop every `using` case runs, as a user writes it.
const source = `
async function usingLoop(acquirable, ops) {
  for (let i = 0; i < ops; i++) {
    using _guard = await acquirable.acquire();
  }
}`;

/** `source` compiled as `tsc --target ES2022` compiles it, evaluated to a function. */
function compileLoweredLoop(): UsingLoop {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  });
  if (!outputText.includes('__addDisposableResource'))
    throw new Error('TypeScript no longer lowers `using` for ES2022: this case measures nothing');
  // A Function body is a script, where tsc's helper prologue (`this && this.__…`) works as emitted.
  // Running tsc's own output is the point of this case.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const evaluate = new Function(`${outputText}\nreturn usingLoop;`) as () => UsingLoop;
  return evaluate();
}

const loweredLoop = compileLoweredLoop();

function loweredUsing(label: string, acquirable: { acquire(): Promise<Disposable> }): Subject {
  return { label, run: (ops) => loweredLoop(acquirable, ops) };
}

/** The cheapest disposable, already resolved: a free acquire (as in using-floor.ts). */
const freeAcquire = (() => {
  const trivial: Disposable = { [Symbol.dispose]() {} };
  const ready = Promise.resolve(trivial);
  return { acquire: () => ready };
})();

export function usingLoweredCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const ours = (label: string, make: (value: OurPrimitives) => AcquirableLike): Subject =>
    primitives.ok
      ? loweredUsing(label, make(primitives.value))
      : unavailable(label, primitives.reason);
  const skip = primitives.ok ? undefined : primitives.reason;
  return [
    {
      name: 'tsc-lowered using: Lock',
      measures:
        'Detector off: `using g = await lock.acquire()` compiled by tsc (target ES2022) on our ' +
        'Lock vs async-mutex `Semaphore(1)` acquire + release (no `using`).',
      ours: ours('Lock: using (tsc ES2022)', ({ Lock }) => new Lock({ name: 'bench' })),
      skip,
      baseline: mutexSemaphoreAcquireRelease(1),
      target: fastestTarget,
    },
    {
      name: 'tsc-lowered using: Semaphore',
      measures:
        'Detector off: `using g = await sem.acquire()` compiled by tsc (target ES2022) on our ' +
        'Semaphore(3) vs async-mutex `Semaphore(3)` acquire + release (no `using`).',
      ours: ours('Semaphore(3): using (tsc ES2022)', ({ Semaphore }) => new Semaphore(3)),
      skip,
      baseline: mutexSemaphoreAcquireRelease(3),
      target: fastestTarget,
    },
    {
      name: 'tsc-lowered using: the floor',
      measures:
        'A free acquire (a resolved promise of a trivial disposable) bound by tsc-lowered ' +
        '`using` vs async-mutex `Semaphore(1)`: the floor of any lowered `using` style.',
      ours: loweredUsing('using _ = await ready (tsc ES2022)', freeAcquire),
      baseline: mutexSemaphoreAcquireRelease(1),
    },
  ];
}

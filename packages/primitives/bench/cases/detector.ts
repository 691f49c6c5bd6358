/**
 * Issue 3, item 9: what the lock-order detector costs the primitives, measured as detection on
 * against detection off in the same run (the graph's own costs — new edges in large graphs — are
 * benchmarked in packages/core/bench). Skipped, with the reason, until `@interlock/primitives`
 * exports `detector`.
 *
 * Both sides run the same loop on their own locks; only `ours` has the detector enabled, from its
 * `before` hook to its `after` hook, so the baseline samples run with it disabled. Locks are built
 * while the detector is enabled (as in a program that enables it at start-up), so they carry
 * creation sites.
 */
import type { BenchCase, Subject } from '../harness.ts';
import {
  noop,
  unavailable,
  type AcquirableLike,
  type DetectorLike,
  type Loaded,
  type OurPrimitives,
} from './load.ts';

/**
 * Issue 3's targets: the detector's overhead on an uncontended acquire/release, and on a nested
 * pair.
 */
const uncontendedTarget = 1.5;
const nestedPairTarget = 2.0;

type Loop = (locks: readonly AcquirableLike[], ops: number) => Promise<void>;

export function detectorCases(primitives: Loaded<OurPrimitives>): BenchCase[] {
  const reason = !primitives.ok
    ? primitives.reason
    : primitives.value.detector === undefined
      ? '@interlock/primitives does not export `detector` yet'
      : undefined;
  const pair = (
    label: string,
    lockCount: number,
    loop: Loop,
  ): { ours: Subject; baseline: Subject; skip?: string } => {
    if (reason !== undefined || !primitives.ok || primitives.value.detector === undefined) {
      const why = reason ?? 'detector unavailable';
      return { ours: unavailable(label, why), baseline: unavailable(label, why), skip: why };
    }
    const { Lock, detector } = primitives.value;
    return {
      ours: withDetector(
        `${label}, detection on`,
        detector,
        () => makeLocks(Lock, lockCount, 'on'),
        loop,
      ),
      baseline: withoutDetector(
        `${label}, detection off`,
        detector,
        () => makeLocks(Lock, lockCount, 'off'),
        loop,
      ),
    };
  };

  const usingStyle = pair('Lock: using g = await lock.acquire()', 1, usingLoop);
  const withLockStyle = pair('Lock: await lock.withLock(fn)', 1, withLockLoop);
  const nested = pair('Locks a, b: using a; using b (edge a → b known)', 2, nestedLoop);

  return [
    {
      name: 'detector uncontended: using',
      measures:
        'Uncontended `using g = await lock.acquire()` with the detector enabled vs disabled ' +
        '(nothing held, so no edge).',
      ...usingStyle,
      target: uncontendedTarget,
    },
    {
      name: 'detector uncontended: withLock',
      measures: 'Uncontended `await lock.withLock(fn)` with the detector enabled vs disabled.',
      ...withLockStyle,
      target: uncontendedTarget,
    },
    {
      name: 'detector nested pair: known edge',
      measures:
        'Take `a`, then `b` while holding `a`, release both (`using`): the edge a → b is ' +
        'recorded in calibration, so every timed op is a known-edge lookup; enabled vs ' +
        'disabled.',
      ...nested,
      target: nestedPairTarget,
    },
  ];
}

function makeLocks(Lock: OurPrimitives['Lock'], count: number, side: string): AcquirableLike[] {
  return Array.from(
    { length: count },
    (_, index) => new Lock({ name: `bench-${side}-${String.fromCharCode(97 + index)}` }),
  );
}

/** A side whose samples run with the detector enabled; its locks are built on the first sample. */
function withDetector(
  label: string,
  detector: DetectorLike,
  build: () => AcquirableLike[],
  loop: Loop,
): Subject {
  let locks: AcquirableLike[] | undefined;
  return {
    label,
    before() {
      if (locks === undefined) detector.reset(); // start from an empty graph, whatever ran before
      detector.enable();
      locks ??= build();
    },
    run: (ops) => loop(locks ?? [], ops),
    after() {
      detector.disable();
    },
  };
}

/**
 * A side whose samples run with the detector disabled (as it is between the other side's samples).
 */
function withoutDetector(
  label: string,
  detector: DetectorLike,
  build: () => AcquirableLike[],
  loop: Loop,
): Subject {
  let locks: AcquirableLike[] | undefined;
  return {
    label,
    before() {
      if (detector.enabled) detector.disable();
      locks ??= build();
    },
    run: (ops) => loop(locks ?? [], ops),
  };
}

async function usingLoop(locks: readonly AcquirableLike[], ops: number): Promise<void> {
  const lock = locks[0] as AcquirableLike;
  for (let i = 0; i < ops; i++) {
    using _guard = await lock.acquire();
  }
}

async function withLockLoop(locks: readonly AcquirableLike[], ops: number): Promise<void> {
  const lock = locks[0] as AcquirableLike;
  for (let i = 0; i < ops; i++) await lock.withLock(noop);
}

async function nestedLoop(locks: readonly AcquirableLike[], ops: number): Promise<void> {
  const [a, b] = locks as [AcquirableLike, AcquirableLike];
  for (let i = 0; i < ops; i++) {
    using _outer = await a.acquire();
    using _inner = await b.acquire();
  }
}

/**
 * What the detector wiring costs beyond the three issue-3 targets in cases/detector.ts: contended
 * hand-offs (every blocked wait enters the wait-for graph; a site is captured only for a waiter
 * that holds something), a new edge per operation, stacks off, and `instrument()` around
 * async-mutex (proxy cost with detection off, full cost with it on). Informational: no targets.
 *
 *   pnpm exec node packages/primitives/bench/detector-wiring.ts [--filter contended] [--json]
 */
import { Mutex } from 'async-mutex';
import { detector, instrument, Lock } from '../src/index.ts';
import { main } from './cli.ts';
import type { BenchCase, Subject } from './harness.ts';

const tasks = 8;
const resolved = Promise.resolve();
const noop = (): undefined => undefined;

/** `ops` split as evenly as possible among `tasks` loops. */
function split(ops: number): number[] {
  return Array.from(
    { length: tasks },
    (_, index) => Math.floor(ops / tasks) + (index < ops % tasks ? 1 : 0),
  );
}

/**
 * A subject whose samples run with the detector enabled with `options` (reset on its first sample).
 */
function on(
  label: string,
  options: Parameters<typeof detector.enable>[0],
  run: (ops: number) => Promise<void>,
): Subject {
  let first = true;
  return {
    label,
    before() {
      if (first) detector.reset();
      first = false;
      detector.enable({ onWarning: noop, ...options });
    },
    run,
    after() {
      detector.disable();
    },
  };
}

function off(label: string, run: (ops: number) => Promise<void>): Subject {
  return {
    label,
    before() {
      detector.disable();
    },
    run,
  };
}

async function contendedUsing(lock: Lock, ops: number): Promise<void> {
  await Promise.all(
    split(ops).map(async (count) => {
      for (let i = 0; i < count; i++) {
        using _guard = await lock.acquire();
        await resolved;
      }
    }),
  );
}

/** Each op nests a fresh lock under `outer`: one new edge (graph insert + stack capture) per op. */
async function newEdgeEachOp(outer: Lock, ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) {
    const inner = new Lock({ name: 'fresh' });
    using _outer = await outer.acquire();
    using _inner = await inner.acquire();
  }
}

async function runExclusiveLoop(mutex: Mutex, ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) await mutex.runExclusive(noop);
}

async function acquireReleaseLoop(mutex: Mutex, ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) {
    const release = await mutex.acquire();
    release();
  }
}

const lockOn = new Lock({ name: 'contended-on' });
const lockOff = new Lock({ name: 'contended-off' });
const lockOnNoStacks = new Lock({ name: 'contended-on-nostacks' });
const outerOn = new Lock({ name: 'outer-on' });
const outerOff = new Lock({ name: 'outer-off' });
const raw = new Mutex();
const wrappedOff = instrument(new Mutex(), { name: 'wrapped-off' });
const wrappedOn = instrument(new Mutex(), { name: 'wrapped-on' });
const rawForAcquire = new Mutex();
const wrappedForAcquire = instrument(new Mutex(), { name: 'wrapped-acquire' });

const cases: BenchCase[] = [
  {
    name: 'detector contended: using',
    measures: `${tasks} tasks hand one Lock around (using; await inside): every acquire but the first of a round blocks, so each op is a waitStart (site capture) + waitEnd; on vs off.`,
    ours: on('Lock contended, detection on', {}, (ops) => contendedUsing(lockOn, ops)),
    baseline: off('Lock contended, detection off', (ops) => contendedUsing(lockOff, ops)),
  },
  {
    name: 'detector contended: using, stacks off',
    measures: 'As above with `stacks: false`: the wait-for bookkeeping without the stack capture.',
    ours: on('Lock contended, detection on, stacks: false', { stacks: false }, (ops) =>
      contendedUsing(lockOnNoStacks, ops),
    ),
    baseline: off('Lock contended, detection off', (ops) => contendedUsing(lockOff, ops)),
  },
  {
    name: 'detector new edge per op',
    measures:
      'Take `outer`, then a lock created for this op: every op adds one new edge (graph ' +
      'insert + one stack capture); on vs off. The graph grows during the run.',
    ours: on('outer → fresh lock, detection on', {}, (ops) => newEdgeEachOp(outerOn, ops)),
    baseline: off('outer → fresh lock, detection off', (ops) => newEdgeEachOp(outerOff, ops)),
  },
  {
    name: 'instrument: runExclusive, detection off',
    measures:
      '`instrument(new Mutex())` with the detector disabled vs a bare async-mutex Mutex: the ' +
      'Proxy and one check.',
    ours: off('instrumented Mutex.runExclusive, detection off', (ops) =>
      runExclusiveLoop(wrappedOff, ops),
    ),
    baseline: off('async-mutex Mutex.runExclusive', (ops) => runExclusiveLoop(raw, ops)),
  },
  {
    name: 'instrument: runExclusive, detection on',
    measures:
      '`instrument(new Mutex())` with the detector enabled vs a bare async-mutex Mutex (hold ' +
      "tracked, callback run in the hold's frame).",
    ours: on('instrumented Mutex.runExclusive, detection on', {}, (ops) =>
      runExclusiveLoop(wrappedOn, ops),
    ),
    baseline: off('async-mutex Mutex.runExclusive', (ops) => runExclusiveLoop(raw, ops)),
  },
  {
    name: 'instrument: acquire/release, detection on',
    measures:
      '`const release = await m.acquire(); release()` on an instrumented Mutex, detector ' +
      'enabled, vs bare async-mutex.',
    ours: on('instrumented Mutex acquire/release, detection on', {}, (ops) =>
      acquireReleaseLoop(wrappedForAcquire, ops),
    ),
    baseline: off('async-mutex Mutex acquire/release', (ops) =>
      acquireReleaseLoop(rawForAcquire, ops),
    ),
  },
];

await main('@interlock/primitives detector wiring (informational)', cases);

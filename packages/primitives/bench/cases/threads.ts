/**
 * Issue 12: `@interlock/primitives/threads` against the floors the issue names, in the same run.
 * - uncontended acquire/release of a thread `Lock` against a bare `Atomics.compareExchange` +
 *   `Atomics.store` pair (target ≤ 2×);
 * - contended hand-off between 2 and 4 workers against the classic futex mutex (target ≤ 1×);
 * - the thread detector on against off (target ≤ 1.5×).
 */
import { Worker } from 'node:worker_threads';
import { detector, Lock } from '../../src/threads/index.ts';
import type { BenchCase, Subject } from '../harness.ts';

const uncontendedTarget = 2.0;
const contendedTarget = 1.0;
const detectorTarget = 1.5;

/** A pool of workers that run contended rounds on request (started once, stopped at exit). */
class ContendedPool {
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * 8));
  readonly #workers: Worker[];

  constructor(count: number, lock: Lock, futex: Int32Array) {
    this.#workers = Array.from(
      { length: count },
      () =>
        new Worker(new URL('../threads/contended-worker.ts', import.meta.url), {
          workerData: { control: this.#control.buffer, futex: futex.buffer, lock: lock.handle },
        }),
    );
    for (const worker of this.#workers) worker.unref();
  }

  /** Runs `ops` rounds in total, split among the workers; resolves when all are done. */
  async run(implementation: 1 | 2, ops: number): Promise<void> {
    const control = this.#control;
    const count = this.#workers.length;
    // Referenced only while a run is in flight: a pending waitAsync alone keeps no process alive,
    // and idle workers must not keep the benchmark from exiting.
    for (const worker of this.#workers) worker.ref();
    Atomics.store(control, 1, implementation);
    Atomics.store(control, 2, Math.max(1, Math.ceil(ops / count)));
    Atomics.store(control, 3, 0);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    for (;;) {
      const done = Atomics.load(control, 3);
      if (done === count) {
        for (const worker of this.#workers) worker.unref();
        return;
      }
      const wait = Atomics.waitAsync(control, 3, done);
      if (wait.async) await wait.value;
    }
  }

  stop(): void {
    Atomics.store(this.#control, 1, 0);
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
  }
}

function contendedCase(workers: number): BenchCase {
  let pool: ContendedPool | undefined;
  const start = (): ContendedPool => {
    if (pool !== undefined) return pool;
    const started = new ContendedPool(
      workers,
      new Lock({ name: 'bench-contended' }),
      new Int32Array(new SharedArrayBuffer(4)),
    );
    process.once('beforeExit', () => started.stop());
    return (pool = started);
  };
  return {
    name: `threads lock contended: ${workers} workers`,
    measures: `${workers} workers take turns on one lock, each round lock → non-atomic increment → unlock; time per acquisition, dispatch included.`,
    ours: { label: `thread Lock, ${workers} workers`, run: (ops) => start().run(1, ops) },
    baseline: {
      label: `futex mutex (3-state), ${workers} workers`,
      run: (ops) => start().run(2, ops),
    },
    target: contendedTarget,
  };
}

function detectorSide(label: string, on: boolean, loop: (ops: number) => void): Subject {
  return {
    label,
    before() {
      if (on) detector.enable({ onCycle: 'record' });
      else detector.disable();
    },
    run: loop,
    after() {
      detector.disable();
    },
  };
}

export function threadCases(): BenchCase[] {
  const lock = new Lock({ name: 'bench-uncontended' });
  const word = new Int32Array(new SharedArrayBuffer(4));
  const [a, b] = [new Lock({ name: 'bench-a' }), new Lock({ name: 'bench-b' })];
  const plain = (ops: number): void => {
    for (let i = 0; i < ops; i++) lock.acquire().release();
  };
  const nested = (ops: number): void => {
    for (let i = 0; i < ops; i++) {
      // The raw acquire/release pair is what this case measures (no try/finally on purpose).
      // eslint-disable-next-line @interlock/no-unmanaged-acquire
      const outer = a.acquire();
      b.acquire().release();
      outer.release();
    }
  };
  return [
    {
      name: 'threads lock uncontended',
      measures:
        'A free thread Lock: `lock.acquire().release()` against ' +
        '`Atomics.compareExchange(w, 0, 0, 1)` + `Atomics.store(w, 0, 0)`.',
      ours: { label: 'thread Lock: acquire().release()', run: plain },
      baseline: {
        label: 'Atomics.compareExchange + Atomics.store',
        run(ops) {
          for (let i = 0; i < ops; i++)
            if (Atomics.compareExchange(word, 0, 0, 1) === 0) Atomics.store(word, 0, 0);
        },
      },
      target: uncontendedTarget,
    },
    {
      name: 'threads lock uncontended: using',
      measures:
        'The same with `using g = lock.acquire()` (V8’s ' +
        '`using` costs more than the lock: informational).',
      ours: {
        label: 'thread Lock: using g = lock.acquire()',
        run(ops) {
          for (let i = 0; i < ops; i++) {
            using _guard = lock.acquire();
          }
        },
      },
      baseline: { label: 'thread Lock: acquire().release()', run: plain },
    },
    contendedCase(2),
    contendedCase(4),
    {
      name: 'threads detector uncontended',
      measures:
        'A free thread Lock, `acquire().release()`, with the thread detector enabled vs disabled.',
      ours: detectorSide('detection on', true, plain),
      baseline: detectorSide('detection off', false, plain),
      target: detectorTarget,
    },
    {
      name: 'threads detector nested pair: known edge',
      measures:
        'Take `a`, then `b` while holding `a` (edge known ' +
        'after calibration), release both; enabled vs disabled.',
      ours: detectorSide('detection on', true, nested),
      baseline: detectorSide('detection off', false, nested),
      target: detectorTarget,
    },
  ];
}

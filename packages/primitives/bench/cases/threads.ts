/**
 * Issue 12: `@interlock/primitives/threads` against the floors the issue names, in the same run.
 * - uncontended acquire/release of a thread `Lock` against a bare `Atomics.compareExchange` +
 *   `Atomics.store` pair (target ≤ 2×);
 * - contended hand-off between 2 and 4 workers against the atomics-sync package's mutex (target
 *   ≤ 1×), and for information against the leaner 3-state futex mutex;
 * - the thread detector on against off (target ≤ 1.5×).
 */
import { Worker } from 'node:worker_threads';
import { detector, Lock } from '../../src/threads/index.ts';
import { Permits, permitWords } from '../../src/threads/permits.ts';
import type { BenchCase, Subject } from '../harness.ts';
import {
  control as slot,
  controlWords,
  implementation,
  type Implementation,
} from '../threads/contended-control.ts';

const uncontendedTarget = 2.0;
const contendedTarget = 1.0;
const detectorTarget = 1.5;
/**
 * Contended samples last at least this long (ms): with more workers than cores (4 on the
 * reference machine's 2) a sample must span many scheduler time slices, or it measures one.
 */
const contendedSampleMs = 50;

/** A pool of workers that run contended rounds on request (started once, stopped at exit). */
class ContendedPool {
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * controlWords));
  readonly #workers: Worker[];
  /** Per baseline: acquisitions so far, and how many of them found the mutex taken. */
  readonly #baselineOps = new Map<Implementation, number>();
  readonly #baselineWaited = new Map<Implementation, number>();
  /** What the shared counter must read once the current job is done. */
  #expected = 0;

  constructor(count: number, lock: Lock) {
    // Each implementation's own shared words: the 3-state futex mutex, the atomics-sync mutex
    // (state, owner) and a bare Permits counter with one permit.
    const futex = new SharedArrayBuffer(4);
    const ownerMutex = new SharedArrayBuffer(8);
    const permits = new Int32Array(new SharedArrayBuffer(4 * permitWords));
    new Permits(permits, 0).init(1);
    this.#workers = Array.from(
      { length: count },
      () =>
        new Worker(new URL('../threads/contended-worker.ts', import.meta.url), {
          workerData: {
            control: this.#control.buffer,
            futex,
            ownerMutex,
            permits: permits.buffer,
            lock: lock.handle,
          },
        }),
    );
    for (const worker of this.#workers) worker.unref();
  }

  /**
   * Untimed: hands the workers a job of `ops` rounds in total and waits until every one of them
   * is running at the start gate, so the timed part measures the lock, not how long the system
   * takes to wake a sleeping thread.
   */
  async prepare(what: Implementation, ops: number): Promise<void> {
    const control = this.#control;
    const count = this.#workers.length;
    // Referenced only while a job is in flight: idle workers must not keep the benchmark alive.
    for (const worker of this.#workers) worker.ref();
    const each = Math.max(1, Math.ceil(ops / count));
    this.#expected = Atomics.load(control, slot.counter) + each * count;
    Atomics.store(control, slot.implementation, what);
    Atomics.store(control, slot.ops, each);
    Atomics.store(control, slot.done, 0);
    Atomics.store(control, slot.arrived, 0);
    Atomics.store(control, slot.contended, 0);
    Atomics.add(control, slot.job, 1);
    Atomics.notify(control, slot.job);
    while (Atomics.load(control, slot.arrived) !== count)
      await new Promise((resolve) => setImmediate(resolve));
  }

  /** Timed: opens the gate and resolves when every worker has done its share. */
  async run(): Promise<void> {
    const control = this.#control;
    const count = this.#workers.length;
    Atomics.store(control, slot.go, Atomics.load(control, slot.job));
    for (;;) {
      const done = Atomics.load(control, slot.done);
      if (done === count) break;
      const wait = Atomics.waitAsync(control, slot.done, done);
      if (wait.async) await wait.value;
    }
    for (const worker of this.#workers) worker.unref();
    const what = Atomics.load(control, slot.implementation) as Implementation;
    // A lock that let two increments overlap would lose one, and look fast: no result then.
    const counted = Atomics.load(control, slot.counter);
    if (counted !== this.#expected)
      throw new Error(`Implementation ${what} lost ${this.#expected - counted} increments`);
    if (what === implementation.futex || what === implementation.atomicsSync) {
      const ops = Atomics.load(control, slot.ops) * count;
      this.#baselineOps.set(what, (this.#baselineOps.get(what) ?? 0) + ops);
      const waited = Atomics.load(control, slot.contended);
      this.#baselineWaited.set(what, (this.#baselineWaited.get(what) ?? 0) + waited);
    }
  }

  /** Per baseline that ran: the share of its acquisitions that found the mutex taken. */
  contention(): Map<Implementation, number> {
    const shares = new Map<Implementation, number>();
    for (const [what, ops] of this.#baselineOps)
      shares.set(what, (this.#baselineWaited.get(what) ?? 0) / ops);
    return shares;
  }

  stop(): void {
    Atomics.store(this.#control, slot.implementation, implementation.stop);
    Atomics.add(this.#control, slot.job, 1);
    Atomics.notify(this.#control, slot.job);
  }
}

function contendedSubject(
  start: () => ContendedPool,
  what: Implementation,
  label: string,
): Subject {
  return { label, before: (ops) => start().prepare(what, ops), run: () => start().run() };
}

/** One pool per worker count, started on first use and stopped when the benchmark ends. */
const pools = new Map<number, ContendedPool>();

const baselineNames = new Map<Implementation, string>([
  [implementation.atomicsSync, 'the atomics-sync mutex'],
  [implementation.futex, 'the 3-state futex mutex'],
]);

function poolOf(workers: number): ContendedPool {
  let pool = pools.get(workers);
  if (pool !== undefined) return pool;
  const started = new ContendedPool(workers, new Lock({ name: `bench-contended-${workers}` }));
  pools.set(workers, (pool = started));
  // How contended the runs really were: on a loaded machine workers may hardly overlap.
  process.once('beforeExit', () => {
    for (const [what, share] of started.contention())
      process.stderr.write(
        `${workers} workers: ${(100 * share).toFixed(1)}% of ${baselineNames.get(what)}'s ` +
          'acquisitions found it taken\n',
      );
    started.stop();
  });
  return pool;
}

function contendedCases(workers: number): BenchCase[] {
  const pool = (): ContendedPool => poolOf(workers);
  const ours = contendedSubject(pool, implementation.interlock, `thread Lock, ${workers} workers`);
  const futex = contendedSubject(
    pool,
    implementation.futex,
    `futex mutex (3-state), ${workers} workers`,
  );
  const rounds = `${workers} running workers take turns on one lock, each round lock → non-atomic increment → unlock; time per acquisition`;
  return [
    {
      name: `threads lock contended: ${workers} workers`,
      measures: `${rounds}, against the atomics-sync package's mutex (its algorithm: bench/threads/atomics-sync-mutex.ts).`,
      ours,
      baseline: contendedSubject(
        pool,
        implementation.atomicsSync,
        `atomics-sync Mutex, ${workers} workers`,
      ),
      target: contendedTarget,
      minSampleMs: contendedSampleMs,
    },
    {
      name: `threads lock contended vs futex: ${workers} workers`,
      measures: `${rounds}, against the leanest correct mutex (Drepper's 3-state futex mutex: no checks, no owner, a wake-up only when someone sleeps).`,
      ours,
      baseline: futex,
      minSampleMs: contendedSampleMs,
    },
    {
      name: `threads waiting algorithm contended: ${workers} workers`,
      measures: `The same rounds on the thread locks' waiting algorithm alone (Permits: bounded barging, spin, hand-off), without guard, hold record or detector check, against the 3-state futex mutex: what the bookkeeping costs.`,
      ours: contendedSubject(pool, implementation.permits, `Permits alone, ${workers} workers`),
      baseline: futex,
      minSampleMs: contendedSampleMs,
    },
  ];
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
    ...contendedCases(2),
    ...contendedCases(4),
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

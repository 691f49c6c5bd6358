// One 'greedy' worker re-acquires the lock in a tight loop until told to stop; 'polite' workers
// each take it `rounds` times. Each grant is logged: which worker, and whether another thread was
// queued in the lock at that moment (its waiter count, read from the lock's own shared word), so
// the test can measure how long the greedy one kept queued threads out.
import { workerData } from 'node:worker_threads';
import { Barrier, Lock } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as {
  role: 'greedy' | 'polite';
  id: number;
  rounds: number;
  lock: ThreadHandle;
  barrier: ThreadHandle;
  /** [0] stop flag, [1] unused, [2] log length, [3…] log: id * 2 + (others queued ? 1 : 0) */
  shared: SharedArrayBuffer;
  /** Word index of the lock's waiter count in `lock.memory`. */
  waitersWord: number;
  /** Word index of the lock's state (its bit 30: someone is queued). */
  stateWord: number;
};
const shared = new Int32Array(data.shared);
const lockWords = new Int32Array(data.lock.memory);
const lock = Lock.from(data.lock);
Barrier.from(data.barrier).wait();

function grant(): void {
  const queued =
    Atomics.load(lockWords, data.waitersWord) > 0 &&
    (Atomics.load(lockWords, data.stateWord) & (1 << 30)) !== 0;
  const waiting = queued ? 1 : 0;
  const at = Atomics.add(shared, 2, 1);
  if (3 + at < shared.length) Atomics.store(shared, 3 + at, data.id * 2 + waiting);
}

if (data.role === 'greedy') {
  while (Atomics.load(shared, 0) === 0) {
    using _guard = lock.acquire();
    grant();
  }
} else {
  for (let round = 0; round < data.rounds; round++) {
    using _guard = lock.acquire();
    grant();
  }
}

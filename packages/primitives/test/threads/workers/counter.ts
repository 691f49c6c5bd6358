// The seed's counter race in a real thread: M non-atomic increments of a shared counter.
// 'locked': each increment under the Lock. 'racy': no lock, and every worker reads the counter,
// meets the others at a barrier, then writes what it read plus one — the lost update, certain.
import { workerData } from 'node:worker_threads';
import { Barrier, Lock } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as {
  mode: 'locked' | 'racy';
  counter: SharedArrayBuffer;
  iterations: number;
  lock: ThreadHandle;
  barrier: ThreadHandle;
};
const counter = new Int32Array(data.counter);
const barrier = Barrier.from(data.barrier);
barrier.wait(); // everyone starts together
if (data.mode === 'locked') {
  const lock = Lock.from(data.lock);
  for (let i = 0; i < data.iterations; i++) {
    using _guard = lock.acquire();
    const seen = counter[0]!;
    counter[0] = seen + 1;
  }
} else {
  for (let i = 0; i < data.iterations; i++) {
    const seen = counter[0]!;
    barrier.wait(); // every worker has read the same value
    counter[0] = seen + 1;
    barrier.wait(); // every worker has written it
  }
}

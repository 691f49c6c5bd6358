// Takes `first`, then (after an optional barrier) `second`; reports how the second acquire ended.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, DeadlockError, Lock, LockOrderError } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as { first: ThreadHandle; second: ThreadHandle; barrier?: ThreadHandle };
const first = Lock.from(data.first);
const second = Lock.from(data.second);
const barrier = data.barrier === undefined ? undefined : Barrier.from(data.barrier);
try {
  using _first = first.acquire();
  barrier?.wait();
  using _second = second.acquire();
  parentPort!.postMessage({ outcome: 'acquired' });
} catch (error) {
  if (!(error instanceof LockOrderError) && !(error instanceof DeadlockError)) throw error;
  parentPort!.postMessage({ outcome: error.name, code: error.code, cycle: error.cycle });
}

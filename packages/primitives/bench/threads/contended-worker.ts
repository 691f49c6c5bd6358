// A benchmark worker: waits for a job on the control words, runs `ops` lock/increment/unlock
// rounds with the requested implementation, reports done, repeats until told to stop.
import { workerData } from 'node:worker_threads';
import { Lock } from '../../src/threads/index.ts';
import type { ThreadHandle } from '../../src/threads/index.ts';
import { futexLock, futexUnlock } from './futex-mutex.ts';

/**
 * control: [0] job number, [1] implementation (0 stop, 1 interlock, 2 futex), [2] ops each,
 * [3] done count, [4] counter
 */
const data = workerData as {
  control: SharedArrayBuffer;
  futex: SharedArrayBuffer;
  lock: ThreadHandle;
};
const control = new Int32Array(data.control);
const futex = new Int32Array(data.futex);
const lock = Lock.from(data.lock);

let seen = 0;
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  const implementation = Atomics.load(control, 1);
  if (implementation === 0) break;
  const ops = Atomics.load(control, 2);
  if (implementation === 1) {
    for (let i = 0; i < ops; i++) {
      // The raw acquire/release pair is what this case measures (no try/finally on purpose).
      // eslint-disable-next-line @interlock/no-unmanaged-acquire
      const guard = lock.acquire();
      control[4] = control[4]! + 1;
      guard.release();
    }
  } else {
    for (let i = 0; i < ops; i++) {
      futexLock(futex);
      // Guarded by the baseline's futex mutex, a lock the plugin cannot know by name.
      // eslint-disable-next-line @interlock/no-unguarded-shared-write
      control[4] = control[4]! + 1;
      futexUnlock(futex);
    }
  }
  Atomics.add(control, 3, 1);
  Atomics.notify(control, 3);
}

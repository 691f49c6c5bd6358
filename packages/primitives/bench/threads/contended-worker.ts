// A benchmark worker: waits for a job on the control words, waits at the start gate until every
// worker is running, runs `ops` lock/increment/unlock rounds with the requested implementation,
// reports done, repeats until told to stop.
import { threadId, workerData } from 'node:worker_threads';
import { Lock } from '../../src/threads/index.ts';
import type { ThreadHandle } from '../../src/threads/index.ts';
import { Permits } from '../../src/threads/permits.ts';
import { control as slot, implementation as kind } from './contended-control.ts';
import { ownerMutexLock, ownerMutexUnlock } from './atomics-sync-mutex.ts';
import { futexLock, futexUnlock } from './futex-mutex.ts';

const data = workerData as {
  control: SharedArrayBuffer;
  futex: SharedArrayBuffer;
  ownerMutex: SharedArrayBuffer;
  permits: SharedArrayBuffer;
  lock: ThreadHandle;
};
const control = new Int32Array(data.control);
const futex = new Int32Array(data.futex);
const ownerMutex = new Int32Array(data.ownerMutex);
const permits = new Permits(new Int32Array(data.permits), 0);
const lock = Lock.from(data.lock);

let seen = 0;
for (;;) {
  Atomics.wait(control, slot.job, seen);
  seen = Atomics.load(control, slot.job);
  const implementation = Atomics.load(control, slot.implementation);
  if (implementation === kind.stop) break;
  const ops = Atomics.load(control, slot.ops);
  // The start gate: running, not asleep, when the timed part begins (a wake-up takes longer
  // than a worker's share of a sample, so without it the workers would mostly take turns).
  Atomics.add(control, slot.arrived, 1);
  while (Atomics.load(control, slot.go) !== seen);
  if (implementation === kind.interlock) {
    for (let i = 0; i < ops; i++) {
      // The raw acquire/release pair is what this case measures (no try/finally on purpose).
      // eslint-disable-next-line @interlock/no-unmanaged-acquire
      const guard = lock.acquire();
      control[slot.counter] = control[slot.counter]! + 1;
      guard.release();
    }
  } else if (implementation === kind.permits) {
    for (let i = 0; i < ops; i++) {
      if (!permits.tryTake()) permits.acquireSync(Infinity, 'bench');
      // Guarded by the bare waiting algorithm, which the plugin cannot know as a lock.
      // eslint-disable-next-line @interlock/no-unguarded-shared-write
      control[slot.counter] = control[slot.counter]! + 1;
      permits.releaseOne(undefined);
    }
  } else if (implementation === kind.atomicsSync) {
    let waited = 0;
    for (let i = 0; i < ops; i++) {
      if (ownerMutexLock(ownerMutex, threadId)) waited++;
      // Guarded by the baseline's mutex, a lock the plugin cannot know by name.
      // eslint-disable-next-line @interlock/no-unguarded-shared-write
      control[slot.counter] = control[slot.counter]! + 1;
      ownerMutexUnlock(ownerMutex, threadId);
    }
    Atomics.add(control, slot.contended, waited);
  } else {
    let waited = 0;
    for (let i = 0; i < ops; i++) {
      if (futexLock(futex)) waited++;
      // Guarded by the baseline's futex mutex, a lock the plugin cannot know by name.
      // eslint-disable-next-line @interlock/no-unguarded-shared-write
      control[slot.counter] = control[slot.counter]! + 1;
      futexUnlock(futex);
    }
    Atomics.add(control, slot.contended, waited);
  }
  Atomics.add(control, slot.done, 1);
  Atomics.notify(control, slot.done);
}

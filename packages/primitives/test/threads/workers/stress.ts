// Random operations on shared primitives, chosen by a seed; every critical section checks its
// occupancy (≤ 1 for locks, ≤ permits for the semaphore) and counts violations.
import { parentPort, workerData } from 'node:worker_threads';
import { Lock, RLock, Semaphore, TimeoutError } from '../../../src/threads/index.ts';
import type { Guard, ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as {
  seed: number;
  operations: number;
  lock: ThreadHandle;
  rlock: ThreadHandle;
  semaphore: ThreadHandle;
  permits: number;
  occupancy: SharedArrayBuffer;
};
const occupancy = new Int32Array(data.occupancy);
const lock = Lock.from(data.lock);
const rlock = RLock.from(data.rlock);
const semaphore = Semaphore.from(data.semaphore);

let state = data.seed >>> 0 || 1;
function random(n: number): number {
  // xorshift32: deterministic per seed.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}

let violations = 0;
let timeouts = 0;
function inside(slot: number, limit: number): void {
  if (Atomics.add(occupancy, slot, 1) + 1 > limit) violations++;
  for (let spin = random(200); spin > 0; spin--) Atomics.load(occupancy, slot);
  Atomics.sub(occupancy, slot, 1);
}

function take(acquire: () => Guard): Guard | undefined {
  try {
    return acquire();
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    timeouts++;
    return undefined;
  }
}

for (let op = 0; op < data.operations; op++) {
  const timeout = random(3) === 0 ? random(2) : undefined;
  switch (random(5)) {
    case 0: {
      using guard = take(() => lock.acquire({ timeout }));
      if (guard) inside(0, 1);
      break;
    }
    case 1: {
      using outer = take(() => rlock.acquire({ timeout }));
      if (outer) {
        using _inner = rlock.acquire();
        inside(1, 1);
      }
      break;
    }
    case 2: {
      using guard = take(() => semaphore.acquire({ timeout }));
      if (guard) inside(2, data.permits);
      break;
    }
    case 3: {
      using guard = lock.tryAcquire();
      if (guard) inside(0, 1);
      break;
    }
    default: {
      using guard = semaphore.tryAcquire();
      if (guard) inside(2, data.permits);
    }
  }
}
parentPort!.postMessage({ violations, timeouts });

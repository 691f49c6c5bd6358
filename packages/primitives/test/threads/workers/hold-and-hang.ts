// Takes a lock (or `times` permits of a semaphore; `giveBack` of them are released again), says
// so, then blocks for ever: the test ends it with `worker.terminate()`, which runs none of this
// thread's exit handlers.
import { workerData } from 'node:worker_threads';
import { Event } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';
import { lockOrSemaphoreFrom } from '../support/primitive-from.ts';

const data = workerData as {
  lock: ThreadHandle;
  held: ThreadHandle;
  times?: number;
  giveBack?: number;
};
const lock = lockOrSemaphoreFrom(data.lock);
const held = Event.from(data.held);
const times = data.times ?? 1;
// Never released (but `giveBack` of them): that is the point.
const guards = Array.from({ length: times }, () => lock.acquire());
for (const guard of guards.slice(0, data.giveBack ?? 0)) guard.release();
held.set();
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);

// Takes a lock, says so, then blocks for ever: the test ends it with `worker.terminate()`, which
// runs none of this thread's exit handlers.
import { workerData } from 'node:worker_threads';
import { Event, Lock, RLock } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as { lock: ThreadHandle; held: ThreadHandle };
const lock = data.lock.kind === 'RLock' ? RLock.from(data.lock) : Lock.from(data.lock);
const held = Event.from(data.held);
lock.acquire(); // never released: that is the point
held.set();
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);

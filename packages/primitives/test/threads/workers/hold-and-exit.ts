// Takes a lock without ever releasing it, reports, then leaves as asked.
import { parentPort, workerData } from 'node:worker_threads';
import { Event, LockPoisonedError } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';
import { lockOrSemaphoreFrom } from '../support/primitive-from.ts';

const data = workerData as {
  role: 'holder' | 'waiter';
  how: 'return' | 'throw' | 'exit';
  lock: ThreadHandle;
  held: ThreadHandle;
};
const lock = lockOrSemaphoreFrom(data.lock);
const held = Event.from(data.held);
if (data.role === 'holder') {
  lock.acquire(); // never released: that is the point
  held.set();
  if (data.how === 'throw') throw new Error('crashed while holding the lock');
  if (data.how === 'exit') process.exit(0);
} else {
  held.wait();
  try {
    lock.acquire();
    parentPort!.postMessage({ got: true });
  } catch (error) {
    parentPort!.postMessage({
      poisoned: error instanceof LockPoisonedError,
      code: (error as LockPoisonedError).code,
      thread: (error as LockPoisonedError).poison?.thread,
    });
  }
}

/* eslint-disable @interlock/no-self-deadlock -- This worker deadlocks on purpose, for the test that
   uses it. */
// Takes a Lock and asks for it again (Python's Lock would hang here); reports how it ended.
import { parentPort, workerData } from 'node:worker_threads';
import { DeadlockError, Lock } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const lock = Lock.from((workerData as { lock: ThreadHandle }).lock);
using _held = lock.acquire();
try {
  lock.acquire({ timeout: 5000 });
  parentPort!.postMessage({ outcome: 'acquired' });
} catch (error) {
  parentPort!.postMessage({
    outcome: (error as Error).name,
    locks: (error as DeadlockError).cycle?.locks.map((entry) => entry.name),
  });
}

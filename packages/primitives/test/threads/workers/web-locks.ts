// Nests two locks — Web Lock names or a thread Lock — in the order given, and reports how the
// inner request ended.
import { parentPort, workerData } from 'node:worker_threads';
import { Event, Lock, LockOrderError } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

type Step = { web: string } | { lock: ThreadHandle };
const data = workerData as { join: ThreadHandle; outer: Step; inner: Step };
Event.from(data.join); // receiving any handle joins the domain (and its detector)

async function take(step: Step, body: () => Promise<void>): Promise<void> {
  if ('web' in step) {
    await navigator.locks.request(step.web, body);
    return;
  }
  using _guard = Lock.from(step.lock).acquire();
  await body();
}

try {
  await take(data.outer, () => take(data.inner, async () => {}));
  parentPort!.postMessage({ outcome: 'acquired' });
} catch (error) {
  if (!(error instanceof LockOrderError)) throw error;
  parentPort!.postMessage({
    outcome: error.name,
    locks: error.cycle.locks.map((lock) => lock.name),
  });
}

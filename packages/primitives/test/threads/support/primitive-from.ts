/** Rebuilds whichever lock or semaphore a worker was handed (the workers that hold one). */
import { Lock, RLock, Semaphore } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

export function lockOrSemaphoreFrom(handle: ThreadHandle): Lock | RLock | Semaphore {
  if (handle.kind === 'RLock') return RLock.from(handle);
  if (handle.kind === 'Semaphore') return Semaphore.from(handle);
  return Lock.from(handle);
}

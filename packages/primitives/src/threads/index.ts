/**
 * `@interlock/primitives/threads`: Python's `threading` primitives for worker_threads, on
 * `SharedArrayBuffer` + `Atomics`. See docs/threads.md.
 */
import './exits.ts';
export { Lock, RLock } from './lock.ts';
export { Semaphore, BoundedSemaphore } from './semaphore.ts';
export type { ThreadAcquireOptions, ThreadPrimitiveOptions } from './permit-primitive.ts';
export type { ThreadHandle } from './handle.ts';
export { LockPoisonedError, MainThreadBlockingError, type PoisonInfo } from './errors.ts';
export { SharedMemoryExhaustedError } from './shared-memory.ts';
export {
  AcquireTimeoutError,
  BrokenBarrierError,
  LockStateError,
  TimeoutError,
} from '../errors.ts';
export type { Guard } from '../guard.ts';
export { Event } from './event.ts';
export { Condition, type ConditionHandle } from './condition.ts';
export { Barrier, type ThreadBarrierOptions } from './barrier.ts';
export { detector, ThreadDetector, type ThreadDetectorOptions } from './detector.ts';
export type { ThreadCycleEdge } from './thread-graph.ts';
export {
  DeadlockError,
  LockOrderError,
  type Cycle,
  type LockGraphReport,
  type Site,
} from '@interlock/core';
export { instrumentWebLocks } from './web-locks.ts';

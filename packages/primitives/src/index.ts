/**
 * `@interlock/primitives`: Python's `threading` primitives for the event loop.
 * See docs/primitives.md.
 */
export { Lock } from './lock.ts';
export { RLock } from './rlock.ts';
export type { AcquireOptions, LockOptions } from './internal/exclusive-lock.ts';
export { Semaphore, BoundedSemaphore, type SemaphoreOptions } from './semaphore.ts';
export { Event } from './event.ts';
export { Condition, type ConditionOptions } from './condition.ts';
export { Barrier, type BarrierOptions } from './barrier.ts';
export { Queue } from './queue.ts';
export type { Guard } from './guard.ts';
export type { WaitOptions } from './internal/waiter-queue.ts';
export { detached, scoped, trackYields } from './internal/task-context.ts';
export {
  BrokenBarrierError,
  LockStateError,
  QueueEmptyError,
  QueueFullError,
  AcquireTimeoutError,
  QueueTimeoutError,
  TimeoutError,
  type InterlockErrorOptions,
} from './errors.ts';
export {
  detector,
  InterlockDetector,
  type DetectorEnableOptions,
  type HeldLock,
} from './detector.ts';
export {
  DeadlockError,
  InterlockError,
  LockOrderError,
  LongHoldWarning,
  LongWaitWarning,
  type Cycle,
  type DetectorWarning,
  type LockGraphReport,
  type Site,
} from '@interlock/core';
export {
  instrument,
  type DisposableRelease,
  type Instrumented,
  type InstrumentOptions,
  type InstrumentableLock,
} from './instrument.ts';

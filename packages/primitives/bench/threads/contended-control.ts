/** The control words the contended benchmark's main thread and workers share (Int32 indices). */
export const control = {
  /** Bumped for every job; workers wait on it. */
  job: 0,
  implementation: 1,
  /** Rounds each worker runs. */
  ops: 2,
  /** Workers done with the job. */
  done: 3,
  /** The shared counter the critical sections increment. */
  counter: 4,
  /** Workers at the start gate. */
  arrived: 5,
  /** Set to the job number to open the gate. */
  go: 6,
  /** Baseline acquisitions that found the mutex taken (how contended the run really was). */
  contended: 7,
} as const;

export const controlWords = 8;

/** What a job runs. */
export const implementation = {
  stop: 0,
  interlock: 1,
  futex: 2,
  permits: 3,
  atomicsSync: 4,
} as const;
export type Implementation = (typeof implementation)[keyof typeof implementation];

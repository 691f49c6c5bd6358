/**
 * The detector seam. Every lock-like primitive (Lock, RLock, Semaphore, BoundedSemaphore, and
 * Condition through its lock) reports here, and nothing else here knows about detection. When no
 * probe is installed (`probe === undefined`) each acquire and release pays one check.
 */
import type { Frame, Hold } from './task-context.ts';

/** What kind of primitive a lock is, for reports. */
export type LockKind = 'Lock' | 'RLock' | 'Semaphore' | 'BoundedSemaphore' | (string & {});

/** What the detector may know of a primitive. */
export interface ProbedLock {
  /** What reports show. */
  readonly name: string;
  readonly kind: LockKind;
  /** True when the owning task may acquire it again without blocking (RLock). */
  readonly reentrant: boolean;
  /**
   * At most one holder at a time. Absent: the detector decides from `kind` (`Lock`/`RLock` are,
   * semaphores are not). Set by `instrument()`, whose kinds are the wrapped library's.
   */
  readonly exclusive?: boolean;
  /**
   * An Error built when the primitive was constructed, only if a probe was installed then; its
   * stack is the creation site, rendered lazily by whoever reads it.
   */
  readonly site: Error | undefined;
  /** Free for the detector to attach its graph node (or anything); primitives never read it. */
  detectorSlot: unknown;
}

/** The detector's hooks. Each is called synchronously from inside the primitive. */
export interface LockProbe {
  /**
   * Before an acquire queues or blocks (also before an uncontended acquire succeeds).
   * `reentry` is true when an RLock is re-entered by its owner. `blocking` is false for
   * `tryAcquire` and for `acquire({ timeout: 0 })`, which cannot wait (lockdep's rule: a try-lock orders nothing before it).
   * May throw (LockOrderError, DeadlockError) — only when `blocking` — and the acquire then fails
   * with that error and nothing was taken or queued. Returns a token (the probe's own, e.g. the
   * captured acquisition site) that the primitive hands back to `waiting` and `acquired` of the
   * same acquisition, even when the grant comes later from another task's release.
   */
  beforeAcquire(lock: ProbedLock, frame: Frame | undefined, reentry: boolean, blocking: boolean): unknown;
  /**
   * The acquire is about to wait. `reject` fails this waiter (as an abort does: it leaves the
   * queue and takes nothing); it is a no-op once the waiter settled. Returns a callback run once
   * when the wait ends, however it ends. `token` is what `beforeAcquire` returned (undefined for a
   * Condition's re-acquire, which has no `beforeAcquire`).
   */
  waiting(lock: ProbedLock, frame: Frame | undefined, reject: (error: Error) => void, token: unknown): () => void;
  /**
   * A hold was granted (`frame` is the acquirer's frame at the time it asked; `token` is what its
   * `beforeAcquire` returned, undefined for a Condition's re-acquire).
   */
  acquired(lock: ProbedLock, hold: Hold, frame: Frame | undefined, token: unknown): void;
  /** A hold was fully released (or its lock released by Condition.wait). */
  released(lock: ProbedLock, hold: Hold): void;
  /**
   * A plain `release()` of a counting primitive returned `count` permits that end no hold of the
   * caller's frame: forget that many anonymous (unclaimed) holds — to the detector any one is as
   * good as another. Optional for probes that keep no hold records.
   */
  releasedAnonymous?(lock: ProbedLock, count: number): void;
}

/** The installed probe; undefined = detector disabled. Read it, do not assign: use {@link setProbe}. */
export let probe: LockProbe | undefined;

/** Install (or with undefined, remove) the probe. Locks built before a probe existed have no `site`. */
export function setProbe(next: LockProbe | undefined): void {
  probe = next;
}

/** The identity of one primitive instance as the detector and holds see it. */
export class LockIdentity implements ProbedLock {
  readonly name: string;
  readonly kind: LockKind;
  readonly reentrant: boolean;
  readonly site: Error | undefined;
  detectorSlot: unknown = undefined;
  /** Releases one level of `hold` on the owning primitive (what Guard.release calls). */
  readonly releaseHold: (hold: Hold) => void;

  constructor(name: string, kind: LockKind, reentrant: boolean, releaseHold: (hold: Hold) => void) {
    this.name = name;
    this.kind = kind;
    this.reentrant = reentrant;
    this.releaseHold = releaseHold;
    this.site = probe === undefined ? undefined : new Error(`${kind} ${name} created here`);
  }
}

let nextId = 0;
/** A default name, unique in this process: `Lock#3`. */
export function defaultName(kind: string): string {
  nextId += 1;
  return `${kind}#${nextId}`;
}

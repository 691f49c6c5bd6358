/** The detector's identity for one lock instance, and the live holds of it. */
import { formatSite, type ReportLock, type Site } from './report.ts';
import { SiteCapture, defaultFrameFilters, userSite, type FrameFilter } from './sites.ts';

/** What a primitive tells the detector about a lock when it registers it. */
export interface LockInfo {
  /** Display name (reports show it). */
  readonly name: string;
  /**
   * The name part of the cross-process {@link LockNode.key}. Pass something stable, such as the
   * kind, when `name` is generated per instance (`Lock#3`): generated numbers follow creation
   * order, so they differ between processes and between instances created at one site.
   * @default name
   */
  readonly keyName?: string;
  /** The primitive's kind: `'Lock'`, `'RLock'`, `'Semaphore'`, … (shown in reports). */
  readonly kind: string;
  /** The owning task may take it again without blocking (RLock). */
  readonly reentrant: boolean;
  /**
   * At most one holder at a time, so a task that holds it and asks again (without re-entry)
   * blocks forever: {@link Detector.beforeAcquire} throws `DeadlockError` at once. `false` for
   * counting semaphores, whose self-deadlocks only the wait-for graph can decide.
   * @default true
   */
  readonly exclusive?: boolean;
  /**
   * Where the lock was created: part of its cross-process {@link LockNode.key}. A resolved site,
   * a {@link SiteCapture}, or an `Error` built in the constructor (its stack is read at once, with
   * the detector's frame filters: the node never keeps the Error, whose frames would keep the
   * lock alive).
   */
  readonly site?: Site | SiteCapture | Error;
}

/** Per-hold detector state; allocated only when there is something to keep. */
export interface HoldState {
  /** Where the hold was taken, when a stack was captured for it. */
  readonly site: SiteCapture | undefined;
  /** Pending `holdTimeout` timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

let lastId = 0;

/**
 * A lock as the detector sees it: an opaque node of the lock-order graph. Obtain one with
 * {@link Detector.lockNode}, keep it with the primitive, pass it to every detector call.
 */
export class LockNode<H extends object = object> {
  /** Unique among all nodes created in this process (`"L1"`, `"L2"`, …). */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly reentrant: boolean;
  readonly exclusive: boolean;
  /** Creation site, as plain data (see `sites.ts`). */
  readonly #site: Site | undefined;
  /**
   * Live holds of this lock (R_L): every hold passed to `holdAcquired` and not yet to
   * `holdReleased`. An array, not a Set: holds are fresh objects, and hashing a fresh object into
   * a Map costs several times more than a push and a short scan (a lock has few holds at once).
   * @internal
   */
  readonly holds: H[] = [];
  /** Extra state of the holds that have some (a captured site, a watchdog timer). @internal */
  readonly holdStates = new Map<H, HoldState>();
  /**
   * Where this lock was first taken while its task held nothing (stacks on): the holder site of
   * edges from outermost holds that captured no stack of their own.
   * @internal
   */
  topSite: SiteCapture | undefined;
  /** Set by `forgetLock`; a forgotten node takes no part in the graph any more. @internal */
  forgotten = false;

  /** The name part of {@link key}. */
  readonly #keyName: string;

  constructor(info: LockInfo, filters: readonly FrameFilter[] = defaultFrameFilters) {
    this.id = `L${++lastId}`;
    this.name = info.name;
    this.#keyName = info.keyName ?? info.name;
    this.kind = info.kind;
    this.reentrant = info.reentrant;
    this.exclusive = info.exclusive ?? true;
    const site = info.site;
    this.#site = site instanceof SiteCapture ? site.site : site instanceof Error ? userSite(site.stack ?? '', filters) : site;
  }

  /** Where the lock was created, if known. */
  get site(): Site | undefined {
    return this.#site;
  }

  /**
   * Cross-process identity: `name@file:line:column` (with {@link LockInfo.keyName} as the name
   * part when given), or that name alone without a site.
   */
  get key(): string {
    const site = this.site;
    return site === undefined ? this.#keyName : `${this.#keyName}@${formatSite(site)}`;
  }

  /** The report entry for this lock. */
  toReport(): ReportLock {
    const site = this.site;
    const entry = { id: this.id, key: this.key, name: this.name, kind: this.kind };
    return site === undefined ? entry : { ...entry, site };
  }
}

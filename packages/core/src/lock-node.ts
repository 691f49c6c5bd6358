/**
 * One lock's identity, shared by whoever implements the lock and by the detector: the primitive
 * builds its `LockNode` once, at construction, and the very same object is the lock-order graph's
 * node, the report's lock entry and the wait-for graph's vertex (tracing-mutex's `MutexId`).
 * Nothing translates it on the way.
 */
import { formatSite, type ReportLock, type Site } from './report.ts';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the {@link}s below
import type { LockProbe } from './probe.ts';
import { SiteCapture, defaultFrameFilters, userSite } from './sites.ts';

/** What a lock implementation states about its lock, once, when it builds the node. */
export interface LockInfo {
  /** Display name (reports and errors show it). */
  readonly name: string;
  /**
   * The name part of the cross-process {@link LockNode.key}. Pass something stable, such as the
   * kind, when `name` was generated per instance (`Lock#3`): generated numbers follow creation
   * order, so they differ between processes and between instances created at one site.
   * @default name
   */
  readonly keyName?: string;
  /** The lock's kind: `'Lock'`, `'RLock'`, `'Semaphore'`, … (shown in reports). */
  readonly kind: string;
  /** The owning task may take it again without blocking (RLock): a re-entry is no edge. */
  readonly reentrant: boolean;
  /**
   * At most one holder at a time, so a task that holds it and asks again (without re-entry) waits
   * for itself. `false` for counting semaphores, whose self-waits only the wait-for graph decides.
   */
  readonly exclusive: boolean;
  /**
   * Where the lock was created: part of its cross-process {@link LockNode.key}. A resolved site
   * (what {@link LockProbe.creationSite} returns, with the detector's frame filters), a
   * {@link SiteCapture}, or an `Error` built in the constructor (read at once with the default
   * filters: the node never keeps the Error, whose frames would keep the lock alive).
   */
  readonly site?: Site | SiteCapture | Error;
  /**
   * The object whose garbage collection retires this lock: the detector then drops it from its
   * live graph (findings that name it stay). Pass the lock object itself; the node never keeps it
   * alive. Without it the node stays until {@link Detector.forgetLock} (core's own tests).
   */
  readonly owner?: object;
}

/**
 * One hold of a lock, as the detector reads it. Lock implementations keep their own hold records.
 */
export interface Hold {
  /** The lock this is a hold of. */
  readonly lock: LockNode;
  /**
   * `false` once released, and while suspended (a Condition waiting): the detector ignores it then.
   */
  readonly live: boolean;
  /**
   * `true` for a hold whose task is a callback run by the lock (`withLock`): the lock runs it in
   * an async function named `HOLD_SCOPE_RUNNER` (sites.ts) that awaits it, and that frame, not the
   * caller of `withLock`, is what the detector looks for in a requester's async stack to tell
   * whether the request acts for the holder (see `actsForHolder`).
   */
  readonly scoped?: boolean;
}

/** Per-hold detector state; allocated only when there is something to keep. @internal */
export interface HoldState {
  /** Where the hold was taken, when a stack was captured for it. */
  readonly site: SiteCapture | undefined;
  /** Pending `holdTimeout` timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The side of a detector a node calls when its owner is collected. @internal */
export interface NodeKeeper {
  forgetLock(node: LockNode): void;
}

// Owners are the registry's targets and nodes its held values: a node never keeps its owner alive.
const collected = new FinalizationRegistry<LockNode>((node) => node.keeper?.forgetLock(node));

let lastId = 0;

/**
 * A lock as the detector sees it, built by the lock implementation with `new LockNode(info)` and
 * passed to every {@link LockProbe} call. Cheap: no stack capture, no registration until a
 * detector first sees it.
 */
export class LockNode {
  /** Unique among all nodes created in this process (`"L1"`, `"L2"`, …). */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly reentrant: boolean;
  readonly exclusive: boolean;
  /** Creation site, as plain data (see `sites.ts`). */
  readonly #site: Site | undefined;
  /** The name part of {@link key}. */
  readonly #keyName: string;
  /**
   * The detector that registered this node (first sight); it alone keeps the state below.
   * @internal
   */
  keeper: NodeKeeper | undefined = undefined;
  /**
   * Live holds of this lock (R_L): every hold passed to `holdAcquired` and not yet to
   * `holdReleased`. An array, not a Set: holds are fresh objects, and hashing a fresh object into
   * a Map costs several times more than a push and a short scan (a lock has few holds at once).
   * @internal
   */
  readonly holds: Hold[] = [];
  /** Extra state of the holds that have some (a captured site, a watchdog timer). @internal */
  readonly holdStates = new Map<Hold, HoldState>();
  /**
   * Where this lock was first taken while its task held nothing (stacks on): the holder site of
   * edges from outermost holds that captured no stack of their own.
   * @internal
   */
  topSite: SiteCapture | undefined = undefined;
  /** Set by `forgetLock`; a forgotten node takes no part in the graph any more. @internal */
  forgotten = false;

  constructor(info: LockInfo) {
    this.id = `L${++lastId}`;
    this.name = info.name;
    this.#keyName = info.keyName ?? info.name;
    this.kind = info.kind;
    this.reentrant = info.reentrant;
    this.exclusive = info.exclusive;
    const site = info.site;
    this.#site =
      site instanceof SiteCapture
        ? site.site
        : site instanceof Error
          ? userSite(site.stack ?? '', defaultFrameFilters)
          : site;
    if (info.owner !== undefined) collected.register(info.owner, this);
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

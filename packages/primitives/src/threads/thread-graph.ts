/**
 * One lock-order graph for every thread of a domain. Each thread keeps a replica: a
 * `@interlock/core` Detector fed from the domain's append-only log. A thread that is about to
 * add an edge nobody has recorded yet takes the domain's graph lock, replays what the other
 * threads recorded since it last looked, lets its replica decide, and appends its new edges
 * before letting go — so two threads cannot both add the two halves of a cycle unseen. Known
 * edges cost a set lookup and no lock. Sites and thread ids travel in the log with each edge.
 */
import {
  DeadlockError,
  Detector,
  LockOrderError,
  captureSite,
  type Cycle,
  type CycleEdge,
  LockNode,
  type FrameFilter,
  type Hold,
  type LockGraphReport,
  type OnCycle,
  type Site,
} from '@interlock/core';
import type { HeldPrimitive, ThreadHold } from './holds.ts';
import { Permits } from './permits.ts';
import {
  blockHeaderWords,
  currentThread,
  domainHeader,
  tags,
  type SharedDomain,
} from './shared-memory.ts';

/** A cycle edge as the thread detector reports it: with the thread that nested the two locks. */
export interface ThreadCycleEdge extends CycleEdge {
  /** Thread id (`0` = main thread) that took `from` and then requested `to`. */
  readonly thread?: number;
}

interface EdgeLog {
  readonly type: 'edge';
  readonly from: number;
  readonly to: number;
  readonly holder?: Site;
  readonly acquirer?: Site;
  readonly thread: number;
  /** false: refused with `onCycle: 'throw'` — in every thread's findings, in no graph. */
  readonly taken: boolean;
}
interface PrimitiveLog {
  readonly type: 'primitive';
  readonly index: number;
  readonly kind: string;
  readonly name: string;
}
interface ThreadLog {
  readonly type: 'thread';
  readonly thread: number;
  readonly slot: number;
}
interface WebLockLog {
  readonly type: 'weblock';
  readonly name: string;
  readonly index: number;
}
interface DeadlockLog {
  readonly type: 'deadlock';
  readonly cycle: Cycle;
}
type LogRecord =
  | EdgeLog
  | PrimitiveLog
  | ThreadLog
  | WebLockLog
  | DeadlockLog
  | { readonly type: 'reset' }
  | { readonly type: 'owner-exited' };

interface EdgeSites {
  readonly holder: Site | undefined;
  readonly acquirer: Site | undefined;
  readonly thread: number;
}

/**
 * A thread's slot in the wait-for table, written only while it is blocked holding exclusive
 * locks: the thread + 1, the lock it waits on (0 = not blocked), how many locks it holds, and
 * the first {@link maxPublishedHolds} of them. Only blocked threads can be steps of a deadlock,
 * so holders that are running need publish nothing (and uncontended acquisitions pay nothing).
 */
const slot = { thread: 0, waitingOn: 1, count: 2, holds: 3 } as const;
export const maxPublishedHolds = 32;
const slotWords = slot.holds + maxPublishedHolds;

function isExclusive(primitive: HeldPrimitive): boolean {
  return primitive.kind === 'Lock' || primitive.kind === 'RLock';
}

function edgeKey(from: number, to: number): string {
  return `${from}>${to}`;
}

export interface GraphSettings {
  readonly onCycle: OnCycle;
  readonly stacks: boolean;
  readonly frameFilters: readonly FrameFilter[];
  readonly onWarning: (warning: LockOrderError) => void;
}

export class ThreadGraph {
  readonly #domain: SharedDomain;
  #settings: GraphSettings;
  readonly #replica: Detector;
  /** Replica node of each primitive (by block index), and back. */
  readonly #nodes = new Map<number, LockNode>();
  readonly #indexOf = new Map<string, number>();
  readonly #names = new Map<number, { name: string; kind: string }>();
  /** Edges every thread can rely on being in the shared log (recorded or replayed). */
  readonly #known = new Map<number, Set<number>>();
  readonly #sites = new Map<string, EdgeSites>();
  /** This thread's first outermost acquisition of each lock: holder site of edges from it. */
  readonly #topSites = new Map<number, Site | undefined>();
  readonly #slots = new Map<number, number>();
  /** Block index of each Web Lock name known to the domain. */
  readonly #webLocks = new Map<string, number>();
  readonly #deadlocks: Cycle[] = [];
  readonly #graphLock: Permits;
  #cursor = 0;
  /** Bumped when the known edges are forgotten (see HeldPrimitive.detectorKnownFrom). */
  #generation = 0;
  #slot = 0;
  #warnedHolds = false;

  constructor(domain: SharedDomain, settings: GraphSettings) {
    this.#domain = domain;
    this.#settings = settings;
    this.#replica = new Detector({
      onCycle: settings.onCycle,
      stacks: false,
      onWarning: (warning) => this.#warn(warning),
    });
    this.#graphLock = new Permits(domain.header, domainHeader.graphLock);
  }

  configure(settings: GraphSettings): void {
    this.#settings = settings;
    this.#replica.configure({ onCycle: settings.onCycle });
  }

  /** Where this acquisition happens (a stack capture: only on slow paths). */
  site(): Site | undefined {
    return this.#settings.stacks ? captureSite(this.#settings.frameFilters) : undefined;
  }

  /**
   * Before acquiring `primitive` holding `held`: records new edges in the shared graph, or throws
   * LockOrderError (onCycle 'throw') / DeadlockError (re-acquiring a held Lock). Returns the
   * acquisition's site when one was captured.
   */
  beforeAcquire(
    primitive: HeldPrimitive,
    held: readonly ThreadHold[],
    reentry: boolean,
  ): Site | undefined {
    const to = primitive.index;
    if (held.length === 0) {
      if (primitive.detectorSeen || !this.#settings.stacks) return undefined;
      primitive.detectorSeen = true;
      if (this.#topSites.has(to)) return undefined;
      const site = this.site();
      this.#topSites.set(to, site);
      // Logged, so that a thread that sees this one terminated can say where it took the lock.
      if (site !== undefined) {
        this.#domain.appendRecord({
          type: 'site',
          index: to,
          thread: currentThread,
          site: `${site.file}:${site.line}:${site.column}`,
        });
      }
      return site;
    }
    if (reentry) return undefined;
    let allKnown = true;
    for (const hold of held) {
      if (!hold.live || hold.count === 0) continue;
      const from = hold.primitive.index;
      if (from === to ? primitive.kind === 'Lock' : this.#known.get(from)?.has(to) !== true) {
        allKnown = false;
        break;
      }
    }
    return allKnown ? undefined : this.#locked(() => this.#decide(primitive, held));
  }

  /** See {@link ThreadProbe.knownAfter}. */
  knownAfter(primitive: HeldPrimitive, hold: ThreadHold): boolean {
    const from = hold.primitive.index;
    if (
      primitive.detectorKnownFrom === from &&
      primitive.detectorKnownGeneration === this.#generation
    )
      return true;
    if (from === primitive.index || this.#known.get(from)?.has(primitive.index) !== true)
      return false;
    primitive.detectorKnownFrom = from;
    primitive.detectorKnownGeneration = this.#generation;
    return true;
  }

  /** Where `hold` was taken, as well as this thread knows. */
  siteOf(hold: ThreadHold, held: readonly ThreadHold[] = []): Site | undefined {
    const own = hold.token as Site | undefined;
    if (own !== undefined) return own;
    const at = held.indexOf(hold);
    for (let index = at - 1; index >= 0; index--) {
      const previous = held[index]!;
      if (!previous.live || previous.primitive.index === hold.primitive.index) continue;
      return this.#sites.get(edgeKey(previous.primitive.index, hold.primitive.index))?.acquirer;
    }
    return this.#topSites.get(hold.primitive.index);
  }

  /**
   * This thread will block on `primitive` holding `held`. If the wait closes a cycle of threads
   * each blocked on a lock the next one holds, throws DeadlockError (this thread does not wait).
   * Returns what ends the wait.
   */
  waiting(
    primitive: HeldPrimitive,
    held: readonly ThreadHold[],
    site: Site | undefined,
  ): () => void {
    if (!isExclusive(primitive)) return noWait;
    const holds = held.filter((hold) => hold.live && hold.count > 0 && isExclusive(hold.primitive));
    if (holds.length === 0) return noWait;
    const words = this.#domain.words;
    const own = this.#ownSlot();
    this.#locked(() => {
      this.#replay();
      const published = Math.min(holds.length, maxPublishedHolds);
      if (holds.length > maxPublishedHolds) this.#warnHolds(holds.length);
      for (let index = 0; index < published; index++)
        Atomics.store(words, own + slot.holds + index, holds[index]!.primitive.index);
      Atomics.store(words, own + slot.count, published);
      Atomics.store(words, own + slot.waitingOn, primitive.index);
      const cycle = this.#waitCycle(primitive, held, site);
      if (cycle === undefined) return;
      Atomics.store(words, own + slot.waitingOn, 0);
      this.#domain.appendRecord({ type: 'deadlock', cycle });
      this.#deadlocks.push(cycle);
      throw new DeadlockError(cycle);
    });
    return () => Atomics.store(words, own + slot.waitingOn, 0);
  }

  /**
   * The domain-wide identity of the Web Lock `name`: the first thread to ask registers it (under
   * the graph lock), every other thread finds it in the log.
   */
  webLockIndex(name: string): number {
    const known = this.#webLocks.get(name);
    if (known !== undefined) return known;
    return this.#locked(() => {
      this.#replay();
      const found = this.#webLocks.get(name);
      if (found !== undefined) return found;
      const index = this.#domain.allocate(tags.WebLock, 0);
      const display = `navigator.locks "${name}"`;
      this.#domain.appendRecord({
        type: 'primitive',
        index,
        kind: 'WebLock',
        name: display,
        thread: currentThread,
      });
      this.#domain.appendRecord({ type: 'weblock', name, index });
      this.#webLocks.set(name, index);
      this.#names.set(index, { name: display, kind: 'WebLock' });
      return index;
    });
  }

  /** Lock-order cycles seen by any thread, each once. */
  cycles(): Cycle[] {
    this.#replay();
    return this.#replica.cycles().map((cycle) => this.#enrich(cycle));
  }

  /** Real deadlocks broken in any thread. */
  deadlocks(): Cycle[] {
    this.#replay();
    const selfDeadlocks = this.#replica.deadlocks().map((cycle) => this.#enrich(cycle));
    return [...this.#deadlocks, ...selfDeadlocks];
  }

  /** The shared graph as a report (ids are `T<n>`, the same in every thread). */
  snapshot(): LockGraphReport {
    this.#replay();
    const report = this.#replica.snapshot();
    const id = (replicaId: string): string => this.#stableId(replicaId);
    return {
      ...report,
      locks: report.locks.map((lock) => ({ ...lock, id: id(lock.id) })),
      edges: report.edges.map((edge) => {
        const { count, ...rest } = edge;
        return { ...this.#enrichEdge(rest), ...(count === undefined ? {} : { count }) };
      }),
      cycles: this.cycles(),
      deadlocks: this.deadlocks(),
    };
  }

  /** Forgets every edge and finding in every thread. */
  reset(): void {
    this.#locked(() => {
      this.#replay();
      this.#domain.appendRecord({ type: 'reset' });
      this.#resetLocal();
      // Our own reset record is already applied.
      this.#replay();
    });
  }

  #resetLocal(): void {
    // Every primitive's memo of a known edge is void.
    this.#generation++;
    this.#replica.reset();
    this.#known.clear();
    this.#sites.clear();
    this.#deadlocks.length = 0;
  }

  /** Slow path, under the graph lock. */
  #decide(primitive: HeldPrimitive, held: readonly ThreadHold[]): Site | undefined {
    this.#replay();
    const to = primitive.index;
    const acquirer = this.site();
    const fresh: EdgeLog[] = [];
    for (const hold of held) {
      const from = hold.primitive.index;
      if (!hold.live || hold.count === 0 || from === to || this.#known.get(from)?.has(to) === true)
        continue;
      const sites = { holder: this.siteOf(hold, held), acquirer, thread: currentThread };
      // Visible to #enrich while the replica decides (a refused edge is reported with its sites).
      this.#sites.set(edgeKey(from, to), sites);
      fresh.push({ type: 'edge', from, to, ...sites, taken: true });
    }
    const entries: Hold[] = held.map((hold) => ({
      lock: this.#node(hold.primitive),
      live: hold.live && hold.count > 0,
    }));
    try {
      this.#replica.beforeAcquire(entries, this.#node(primitive), false);
    } catch (error) {
      if (error instanceof LockOrderError) {
        const closing = error.cycle.edges.at(-1);
        const from = closing === undefined ? undefined : this.#indexOf.get(closing.from);
        const refused = fresh.find((edge) => edge.from === from);
        for (const edge of fresh)
          if (edge !== refused) this.#sites.delete(edgeKey(edge.from, edge.to));
        if (refused !== undefined) this.#domain.appendRecord({ ...refused, taken: false });
        throw new LockOrderError(this.#enrich(error.cycle));
      }
      for (const edge of fresh) this.#sites.delete(edgeKey(edge.from, edge.to));
      if (error instanceof DeadlockError) throw new DeadlockError(this.#enrich(error.cycle));
      throw error;
    }
    for (const edge of fresh) {
      this.#know(edge.from, edge.to);
      this.#domain.appendRecord(edge);
    }
    return acquirer;
  }

  #know(from: number, to: number): void {
    let targets = this.#known.get(from);
    if (targets === undefined) this.#known.set(from, (targets = new Set()));
    targets.add(to);
  }

  /** Applies what other threads logged since the last look. */
  #replay(): void {
    const { records, cursor } = this.#domain.readRecords(this.#cursor);
    this.#cursor = cursor;
    for (const record of records as LogRecord[]) {
      switch (record.type) {
        case 'primitive':
          this.#names.set(record.index, { name: record.name, kind: record.kind });
          break;
        case 'thread':
          this.#slots.set(record.thread, record.slot);
          break;
        case 'weblock':
          if (!this.#webLocks.has(record.name)) this.#webLocks.set(record.name, record.index);
          break;
        case 'reset':
          this.#resetLocal();
          break;
        case 'deadlock':
          if (!this.#deadlocks.includes(record.cycle)) this.#deadlocks.push(record.cycle);
          break;
        case 'edge':
          if (record.thread !== currentThread) this.#apply(record);
          break;
        default:
      }
    }
  }

  #apply(edge: EdgeLog): void {
    const key = edgeKey(edge.from, edge.to);
    if (!this.#sites.has(key))
      this.#sites.set(key, { holder: edge.holder, acquirer: edge.acquirer, thread: edge.thread });
    if (edge.taken) this.#know(edge.from, edge.to);
    // Replayed edges were decided by their thread: here they only add to the graph and findings.
    this.#replica.configure({ onCycle: edge.taken ? 'record' : 'throw' });
    try {
      this.#replica.beforeAcquire(
        [{ lock: this.#nodeAt(edge.from), live: true }],
        this.#nodeAt(edge.to),
        false,
      );
    } catch (error) {
      if (!(error instanceof LockOrderError)) throw error;
    } finally {
      this.#replica.configure({ onCycle: this.#settings.onCycle });
    }
  }

  #node(primitive: HeldPrimitive): LockNode {
    if (!this.#names.has(primitive.index))
      this.#names.set(primitive.index, { name: primitive.name, kind: primitive.kind });
    return this.#nodeAt(primitive.index);
  }

  #nodeAt(index: number): LockNode {
    let node = this.#nodes.get(index);
    if (node !== undefined) return node;
    const named = this.#names.get(index) ?? this.#nameFromLog(index);
    const kind = named.kind;
    node = new LockNode({
      name: named.name,
      kind,
      reentrant: kind === 'RLock',
      exclusive: kind === 'Lock' || kind === 'RLock',
    });
    // A non-blocking look registers the node with the replica (reports list it), ordering nothing.
    this.#replica.beforeAcquire([], node, false, false);
    this.#nodes.set(index, node);
    this.#indexOf.set(node.id, index);
    return node;
  }

  #nameFromLog(index: number): { name: string; kind: string } {
    this.#replay();
    const named = this.#names.get(index);
    if (named !== undefined) return named;
    const tag = this.#domain.tagAt(index);
    const kind = Object.entries(tags).find(([, value]) => value === tag)?.[0] ?? 'Lock';
    return { name: `${kind}#${this.#domain.idAt(index)}`, kind };
  }

  #stableId(replicaId: string): string {
    const index = this.#indexOf.get(replicaId);
    return index === undefined ? replicaId : `T${this.#domain.idAt(index)}`;
  }

  #enrichEdge(edge: CycleEdge): ThreadCycleEdge {
    const from = this.#indexOf.get(edge.from);
    const to = this.#indexOf.get(edge.to);
    const sites =
      from === undefined || to === undefined ? undefined : this.#sites.get(edgeKey(from, to));
    const holder = edge.holder ?? sites?.holder;
    const acquirer = edge.acquirer ?? sites?.acquirer;
    return {
      from: this.#stableId(edge.from),
      to: this.#stableId(edge.to),
      ...(holder === undefined ? {} : { holder }),
      ...(acquirer === undefined ? {} : { acquirer }),
      ...(sites === undefined ? {} : { thread: sites.thread }),
    };
  }

  #enrich(cycle: Cycle): Cycle {
    return {
      locks: cycle.locks.map((lock) => ({ id: this.#stableId(lock.id), name: lock.name })),
      edges: cycle.edges.map((edge) => this.#enrichEdge(edge)),
    };
  }

  #warn(warning: unknown): void {
    if (warning instanceof LockOrderError)
      this.#settings.onWarning(new LockOrderError(this.#enrich(warning.cycle)));
  }

  /** This thread's slot in the wait-for table (allocated and logged on first use). */
  #ownSlot(): number {
    if (this.#slot !== 0) return this.#slot;
    const start = this.#domain.allocate(tags.ThreadSlot, slotWords);
    this.#slot = start + blockHeaderWords;
    Atomics.store(this.#domain.words, this.#slot + slot.thread, currentThread + 1);
    this.#domain.appendRecord({ type: 'thread', thread: currentThread, slot: this.#slot });
    return this.#slot;
  }

  /** Said once per thread: a fixed table must not switch detection off silently. */
  #warnHolds(count: number): void {
    if (this.#warnedHolds) return;
    this.#warnedHolds = true;
    process.emitWarning(
      `Thread ${currentThread} blocked holding ${count} locks; the cross-thread deadlock check sees only the first ${maxPublishedHolds} of them`,
      { type: 'InterlockWarning', code: 'ERR_INTERLOCK_WAIT_TABLE_FULL' },
    );
  }

  /** The blocked thread (per the wait-for table) that holds `lock`, if any. */
  #blockedHolder(lock: number): number | undefined {
    const words = this.#domain.words;
    for (const [thread, at] of this.#slots) {
      if (Atomics.load(words, at + slot.waitingOn) === 0) continue;
      const count = Atomics.load(words, at + slot.count);
      for (let index = 0; index < count; index++)
        if (Atomics.load(words, at + slot.holds + index) === lock) return thread;
    }
    return undefined;
  }

  /**
   * Follows "held by blocked thread T → the lock T waits on → …" from the lock this thread is
   * about to wait on; coming back to this thread is a deadlock (every step is blocked for good).
   */
  #waitCycle(
    primitive: HeldPrimitive,
    held: readonly ThreadHold[],
    site: Site | undefined,
  ): Cycle | undefined {
    const words = this.#domain.words;
    const chain: { lock: number; owner: number }[] = [];
    let lock = primitive.index;
    for (let steps = 0; steps <= this.#slots.size; steps++) {
      const owner = this.#blockedHolder(lock);
      if (owner === undefined) return undefined;
      chain.push({ lock, owner });
      if (owner === currentThread) break;
      const next = Atomics.load(words, this.#slots.get(owner)! + slot.waitingOn);
      if (next === 0 || chain.some((step) => step.lock === next)) return undefined;
      lock = next;
    }
    if (chain.at(-1)?.owner !== currentThread) return undefined;
    // chain[i]: lock i is held by chain[i].owner, who waits for lock i+1; this thread holds the
    // last and waits for chain[0].lock.
    const locks = chain.map((step) => this.#nodeAt(step.lock));
    const edges: ThreadCycleEdge[] = chain.map((step, i) => {
      const from = step.lock;
      const to = chain[(i + 1) % chain.length]!.lock;
      const known = this.#sites.get(edgeKey(from, to));
      const mine = step.owner === currentThread;
      const holder = mine
        ? this.siteOf(held.find((hold) => hold.primitive.index === from) ?? held[0]!, held)
        : known?.holder;
      const acquirer = mine ? site : known?.acquirer;
      return {
        from: `T${this.#domain.idAt(from)}`,
        to: `T${this.#domain.idAt(to)}`,
        ...(holder === undefined ? {} : { holder }),
        ...(acquirer === undefined ? {} : { acquirer }),
        thread: step.owner,
      };
    });
    // Listed from this thread's wait: it holds the last lock and requests the first.
    return {
      locks: locks.map((node) => ({ id: this.#stableId(node.id), name: node.name })),
      edges,
    };
  }

  /** Runs `fn` holding the domain's graph lock (held for one replay and decision: spins). */
  #locked<T>(fn: () => T): T {
    while (!this.#graphLock.tryTake()) Atomics.wait(spinView, 0, 0, 0.05);
    try {
      return fn();
    } finally {
      this.#graphLock.release(1, 1);
    }
  }
}

function noWait(): void {}

/** A private word nobody notifies: waiting on it is a short sleep (on any thread, in Node). */
const spinView = new Int32Array(new SharedArrayBuffer(4));

/**
 * The detector engine: the {@link LockProbe} every lock implementation calls around every
 * acquisition. It knows nothing of the primitives; a lock is its {@link LockNode}, a hold is any
 * record shaped as a {@link Hold} (the implementation's own), and the holds a task has are passed
 * in as an array each time.
 */
import { BlockedWaits, type WaitTicket } from './blocked-waits.ts';
import { reportEdge, type EdgeRecord } from './edge-record.ts';
import { DeadlockError, LockOrderError } from './errors.ts';
import { buildCycle, Findings, type PendingEdge } from './findings.ts';
import { LockOrderGraph } from './graph.ts';
import { HeldChains } from './held-chains.ts';
import type { Hold, HoldState, LockNode, NodeKeeper } from './lock-node.ts';
import { resolveOptions, type DetectorOptions, type ResolvedOptions } from './options.ts';
import type { AcquireSite, LockProbe } from './probe.ts';
import type { Cycle, LockGraphReport, ReportEdge, Site } from './report.ts';
import { SiteCapture, actsForHolder, captureSite, scopeDepth } from './sites.ts';
import { longWarning, unrefTimer } from './watchdog.ts';

/** Whether the `count`-th repeat of a doubtful edge looks for evidence again (log-many do). */
function recheck(count: number): boolean {
  return count <= 16 || (count & (count - 1)) === 0;
}

/** An edge refused because it closes a cycle, remembered so a repeat costs a lookup. */
interface BadEdge {
  readonly record: EdgeRecord;
  /** The graph's path `to → … → from` that the edge would have closed. */
  readonly path: readonly LockNode[];
  /** Lock ids of the path, to drop the memo when one of them is forgotten. */
  readonly lockIds: ReadonlySet<string>;
  /** The acquisition went ahead (`warn`/`record`), so the edge exists in the program's history. */
  taken: boolean;
}

/**
 * A lockdep-style detector: a lock-order graph checked before every blocking acquisition, a
 * wait-for graph of blocked acquisitions, and `holdTimeout` watchdogs. It is the {@link LockProbe}
 * (call order there and in `docs/detector.md`).
 *
 * @example
 * ```ts
 * const detector = new Detector({ onCycle: 'record' });
 * const a = new LockNode({ name: 'a', kind: 'Lock', reentrant: false, exclusive: true });
 * const b = new LockNode({ name: 'b', kind: 'Lock', reentrant: false, exclusive: true });
 * const holdA = { lock: a, live: true };
 * detector.holdAcquired(holdA, detector.beforeAcquire([], a, false));
 * detector.beforeAcquire([holdA], b, false); // edge a → b
 * ```
 */
export class Detector implements LockProbe, NodeKeeper {
  #options: ResolvedOptions;
  /** Lock order among live nodes; never holds a cycle. */
  readonly #graph = new LockOrderGraph<LockNode, EdgeRecord>();
  /**
   * The one memo of refused edges, by source then target: a repeat costs two lookups. Only live
   * nodes, only cycles through live nodes (forgetting a lock drops the entries that name it).
   */
  readonly #bad = new Map<LockNode, Map<LockNode, BadEdge>>();
  /** Every registered (seen), not forgotten node. */
  readonly #nodes = new Set<LockNode>();
  /** Blocked acquisitions and the wait-for graph over them. */
  readonly #waits: BlockedWaits;
  /**
   * Which prefixes of the tasks' held arrays the graph already orders (edges from the last hold
   * only).
   */
  readonly #chains = new HeldChains();
  readonly #findings = new Findings();

  constructor(options?: DetectorOptions) {
    this.#options = resolveOptions(options);
    this.#waits = new BlockedWaits({
      holdSite: (node, hold, held) => this.#holdSite(node, hold, held),
      addDeadlock: (cycle, nodes) => this.#findings.addDeadlock(cycle, nodes),
      doubtfulDeadlock: (error) => {
        if (this.#options.onCycle !== 'record') this.#options.onWarning?.(error);
      },
      longWait: (node, site, limit) => this.#long('wait', node, site, limit),
    });
  }

  /** The options in force. */
  get options(): ResolvedOptions {
    return this.#options;
  }

  /** Changes some options; the others keep their values. Findings are kept. */
  configure(options: DetectorOptions): void {
    this.#options = resolveOptions(options, this.#options);
  }

  /**
   * Where the lock now being constructed was created (the first frame outside the frame filters),
   * or `undefined` with `stacks: false`. Costs one stack capture: call it once per lock.
   */
  creationSite(): Site | undefined {
    return this.#options.stacks ? captureSite(this.#options.frameFilters) : undefined;
  }

  /**
   * Call before an acquisition, in the acquiring task's own synchronous stack (the site is
   * captured here), with the task's holds. Orders every live held lock before `node`: an edge
   * from the most recent one, and from earlier ones only where the graph does not already connect
   * them to it (see `held-chains.ts`), so that d locks held at once make O(d) edges, not d².
   * Does nothing for a re-entry (`reentry`: the task re-takes a reentrant lock it owns). A
   * try-acquire (`blocking: false`) cannot block, so no edge leads to it (lockdep's rule); only its
   * `holdTimeout` site is captured.
   *
   * Cost: with every edge known, O(1) lookups whatever the task holds (one more for a hold first
   * seen in a deeper prefix) and no allocation. A new edge costs a bounded graph search and one
   * stack capture.
   *
   * @throws {LockOrderError} with `onCycle: 'throw'`, an edge would close a cycle; nothing was
   * recorded.
   * @returns a site capture to hand to {@link holdAcquired} (and {@link waitStart}) when one was
   * taken, otherwise `undefined`.
   */
  beforeAcquire(
    held: readonly Hold[],
    node: LockNode,
    reentry: boolean,
    blocking = true,
  ): AcquireSite {
    const options = this.#options;
    if (node.keeper !== this) this.#register(node);
    if (!blocking) {
      return !reentry && options.stacks && options.holdTimeout > 0
        ? new SiteCapture(options.frameFilters)
        : undefined;
    }
    let capture: SiteCapture | undefined;
    // The first outermost acquisition of a lock is captured once: the holder site of later edges
    // from holds that captured nothing themselves (see #holdSite).
    if (
      options.stacks &&
      ((held.length === 0 && node.topSite === undefined) || options.holdTimeout > 0)
    ) {
      capture = new SiteCapture(options.frameFilters);
      if (held.length === 0) node.topSite ??= capture;
    }
    if (reentry || held.length === 0 || node.forgotten || this.#knownOrder(held, node))
      return capture;
    // A task asking for an exclusive lock it holds is not refused here: it may hold it only by
    // inheritance (work its holder started and does not await), which simply has to wait. The
    // wait-for graph sees the self-wait and breaks it only when it is certain.
    return this.#order(held, node, capture);
  }

  /**
   * The known-edge fast path of {@link #order}, for the usual repeat: the task's most recent live
   * hold already has its edge to `node` in the graph, no doubt about it is due for a recheck, and
   * the holds below it are known to be linked ({@link HeldChains.linkedBelow}). Then `#order` would
   * only count that edge once more, and so does this, without allocating (no closures, no arrays:
   * issue 3, item 9). `true` when the acquisition is fully ordered; `false` sends it the slow way,
   * which decides everything itself. Also `true` when the task holds nothing live.
   */
  #knownOrder(held: readonly Hold[], node: LockNode): boolean {
    let index = held.length - 1;
    while (index >= 0 && (!held[index]!.live || held[index]!.lock.forgotten)) index--;
    if (index < 0) return true;
    const from = held[index]!.lock;
    // Unregistered holders and the same lock again take the slow path (it registers, or walks on).
    if (from === node || from.keeper !== this) return false;
    const known = this.#graph.edge(from, node);
    if (known === undefined || (known.doubtful && recheck(known.count))) return false;
    if (!this.#chains.linkedBelow(held, index)) return false;
    known.count++;
    return true;
  }

  /**
   * A hold of `hold.lock` now exists (the lock or a permit was granted): `hold` joins R_L, the set
   * the wait-for graph consults. Call once per hold record (not per re-entry). `site` is what
   * `beforeAcquire` returned. With `holdTimeout`, starts an unref'd watchdog timer.
   */
  holdAcquired(hold: Hold, site?: AcquireSite): void {
    const node = hold.lock;
    node.holds.push(hold);
    const limit = this.#options.holdTimeout;
    if (site === undefined && limit === 0) return;
    const state: HoldState = { site, timer: undefined };
    if (limit > 0) {
      state.timer = unrefTimer(() => {
        state.timer = undefined;
        this.#long('hold', node, site, limit);
      }, limit);
    }
    node.holdStates.set(hold, state);
  }

  /**
   * The hold ended (released, or suspended by a Condition wait). Clears its watchdog. O(holds of
   * the lock).
   */
  holdReleased(hold: Hold): void {
    const node = hold.lock;
    const holds = node.holds;
    const index = holds.lastIndexOf(hold);
    if (index === -1) return;
    const last = holds.pop()!;
    if (index < holds.length) holds[index] = last;
    if (node.holdStates.size === 0) return;
    const state = node.holdStates.get(hold);
    if (state === undefined) return;
    if (state.timer !== undefined) clearTimeout(state.timer);
    node.holdStates.delete(hold);
  }

  /**
   * The acquisition is about to block (after `beforeAcquire` allowed it). Registers the waiter
   * in the wait-for graph. When this waiter closes a wait-for cycle it is not registered, the
   * deadlock is recorded, and `reject(new DeadlockError(cycle))` is called once, in a microtask
   * (never from inside `waitStart`): the primitive must then fail this waiter as if aborted — it
   * leaves the queue and takes nothing; if it was granted meanwhile, `reject` should do nothing.
   * Call `waitEnd(ticket)` when the wait ends, however it ends (after a rejection it is a no-op).
   *
   * Cost: O(held) plus, only when every holder of `node` is itself blocked, a search over the
   * blocked waiters reachable from this one. Without `site`, a stack is captured only when the
   * waiter holds something (it may then be part of a deadlock report) or `holdTimeout` is on.
   */
  waitStart(
    held: readonly Hold[],
    node: LockNode,
    reject: (error: DeadlockError) => void,
    site?: AcquireSite,
  ): WaitTicket {
    const options = this.#options;
    const live: Hold[] = [];
    // A task never waits for its own re-entrant lock: a wait on one it holds a level of is a wait
    // for a sibling's inner level (the lock lets it in when that level ends), so those holds do not
    // make it a holder that blocks itself.
    for (const hold of held)
      if (hold.live && !(node.reentrant && hold.lock === node)) live.push(hold);
    // A waiter that holds nothing can never be a step of a deadlock (nobody can wait on it), so
    // only a long-wait report could need its site: contended waits of tasks that hold nothing —
    // the usual case — capture no stack (a capture costs several µs, ~9× a contended hand-off).
    const where =
      site ??
      (options.stacks && (live.length > 0 || options.holdTimeout > 0)
        ? new SiteCapture(options.frameFilters)
        : undefined);
    return this.#waits.start(live, node, reject, where, {
      limit: options.holdTimeout,
      grace: options.deadlockGrace,
      judge: options.stacks,
    });
  }

  /** The wait ended (granted, timed out, aborted or rejected). Idempotent. */
  waitEnd(ticket: WaitTicket): void {
    this.#waits.end(ticket);
  }

  /**
   * Removes a lock from the live graph (call it when the lock is garbage-collected, e.g. from a
   * `FinalizationRegistry`). Findings that name it stay in reports. O(degree + refused edges).
   */
  forgetLock(node: LockNode): void {
    if (node.forgotten || node.keeper !== this) return;
    node.forgotten = true;
    // Its edges go: a chain of holds ordered through it is ordered no more.
    this.#chains.invalidate();
    this.#nodes.delete(node);
    this.#graph.removeNode(node);
    this.#bad.delete(node);
    for (const [from, targets] of this.#bad) {
      for (const [to, bad] of targets)
        if (to === node || bad.lockIds.has(node.id)) targets.delete(to);
      if (targets.size === 0) this.#bad.delete(from);
    }
    for (const state of node.holdStates.values())
      if (state.timer !== undefined) clearTimeout(state.timer);
    node.holdStates.clear();
    node.holds.length = 0;
  }

  /** Lock-order cycles found so far, each once, in the order found. */
  cycles(): Cycle[] {
    return this.#findings.cycles();
  }

  /** Real deadlocks broken so far, each once. */
  deadlocks(): Cycle[] {
    return this.#findings.deadlocks();
  }

  /**
   * Every live hold of every registered lock, with where it was taken when a stack was captured
   * for it (with `holdTimeout`, or the lock's first outermost acquisition). For leak checks at the
   * end of a test. O(locks + holds).
   */
  liveHolds(): { node: LockNode; hold: Hold; site: Site | undefined }[] {
    const out: { node: LockNode; hold: Hold; site: Site | undefined }[] = [];
    for (const node of this.#nodes) {
      for (const hold of node.holds)
        out.push({ node, hold, site: node.holdStates.get(hold)?.site?.site });
    }
    return out;
  }

  /** Sizes of the live structures; for tests, benchmarks and memory checks. */
  stats(): {
    locks: number;
    edges: number;
    refusedEdges: number;
    blockedWaiters: number;
    holds: number;
  } {
    let holds = 0;
    for (const node of this.#nodes) holds += node.holds.length;
    let refusedEdges = 0;
    for (const targets of this.#bad.values()) refusedEdges += targets.size;
    return {
      locks: this.#nodes.size,
      edges: this.#graph.edgeCount,
      refusedEdges,
      blockedWaiters: this.#waits.size,
      holds,
    };
  }

  /**
   * Everything seen so far as a plain-JSON {@link LockGraphReport}. O(locks + edges + findings).
   */
  snapshot(): LockGraphReport {
    const edges: ReportEdge[] = [];
    for (const [from, to, record] of this.#graph.edges()) edges.push(reportEdge(from, to, record));
    for (const [from, targets] of this.#bad) {
      for (const [to, bad] of targets) if (bad.taken) edges.push(reportEdge(from, to, bad.record));
    }
    return this.#findings.report(
      [...this.#nodes].map((node) => node.toReport()),
      edges,
    );
  }

  /**
   * Forgets every edge and finding. Registered locks, live holds and blocked waiters stay: they
   * describe the present, not the history.
   */
  reset(): void {
    this.#chains.invalidate();
    this.#graph.clear();
    this.#bad.clear();
    this.#findings.clear();
  }

  /** First sight of a lock: it is listed in reports from now on and forgotten when collected. */
  #register(node: LockNode): void {
    node.keeper = this;
    this.#nodes.add(node);
  }

  /**
   * Records the order `held → node`, lockdep's way: an edge from the task's most recent live hold
   * only, plus one from every earlier hold that the graph does not already connect to the one after
   * it (see {@link HeldChains}). Afterwards every live hold reaches `node` in the graph, exactly
   * as if an edge had been added from each (the old rule), but a task holding d locks adds O(1)
   * edges per acquisition instead of d. An edge that would close a cycle is refused as a whole
   * acquisition (`'throw'`) or remembered as taken (`'warn'`/`'record'`); either way the cycle is
   * reported with the exact pair: the task's own hold nearest to `node` on the cycle.
   */
  #order(
    held: readonly Hold[],
    node: LockNode,
    first: SiteCapture | undefined,
  ): SiteCapture | undefined {
    const options = this.#options;
    let capture = first;
    const acquirerSite = (): SiteCapture | undefined =>
      (capture ??= options.stacks ? new SiteCapture(options.frameFilters) : undefined);
    const inserted: LockNode[] = [];
    // Counted only once the acquisition is allowed: a refused one records nothing.
    const followed: EdgeRecord[] = [];
    // Warned once everything is recorded: a callback that throws cannot leave half an acquisition.
    const warnings: LockOrderError[] = [];
    const refuse = (error: () => Error): never => {
      for (const from of inserted) this.#graph.removeEdge(from, node);
      throw error();
    };
    /**
     * Whether this acquisition may act for the task that took `hold` (it is that task, work it
     * awaits, or a call it made), so that its edge from `hold` is not doubtful. Needs this
     * acquisition's stack: asked for new edges (which capture it anyway), cycles, and, with a
     * backoff, repeats of doubtful edges. Without stacks there is no evidence either way, and every
     * edge counts as certain.
     */
    const certain = (hold: Hold): boolean =>
      !options.stacks ||
      actsForHolder(
        acquirerSite(),
        this.#holdSite(hold.lock, hold, held),
        scopeDepth(held, hold),
      ) !== 'doubtful';
    /** Orders `hold` before `node`; `true` when the graph now has the edge. */
    const addEdge = (hold: Hold): boolean => {
      const from = hold.lock;
      // A hold of a lock this detector has not seen yet (taken before it was enabled) orders what
      // follows like any other; the lock joins the report with its first edge.
      if (from.keeper !== this) this.#register(from);
      // The same lock again: no edge (it reaches itself). A self-wait is the wait-for graph's.
      if (from === node) return true;
      const known = this.#graph.edge(from, node);
      if (known !== undefined) {
        // Checked again on the 1st…16th repeat, then on every power of two: a capture costs µs.
        if (known.doubtful && recheck(known.count) && certain(hold)) known.doubtful = false;
        followed.push(known);
        return true;
      }
      const bad = this.#bad.get(from)?.get(node);
      if (bad !== undefined) {
        if (options.onCycle === 'throw') {
          // Fatal once certain: this acquisition and every edge of the cycle act for holders.
          const cycle = this.#exactCycle(bad, held, node, acquirerSite, certain(hold));
          if (cycle.doubtful !== true) {
            this.#findings.addCycle(cycle, [...bad.path.slice(0, cycle.locks.length), node]);
            refuse(() => new LockOrderError(cycle));
          }
        }
        followed.push(bad.record);
        bad.taken = true;
        return false;
      }
      const newRecord = (): EdgeRecord => ({
        holder: this.#holdSite(from, hold, held),
        acquirer: acquirerSite(),
        count: 1,
        doubtful: !certain(hold),
      });
      const path = this.#graph.addEdge(from, node, newRecord);
      if (path === undefined) {
        inserted.push(from);
        return true;
      }
      const record = newRecord();
      const entry: BadEdge = {
        record,
        path,
        lockIds: new Set(path.map((lock) => lock.id)),
        taken: true,
      };
      let targets = this.#bad.get(from);
      if (targets === undefined) this.#bad.set(from, (targets = new Map<LockNode, BadEdge>()));
      targets.set(node, entry);
      const cycle = this.#exactCycle(entry, held, node, acquirerSite, !record.doubtful);
      const isNew = this.#findings.addCycle(cycle, [...path.slice(0, cycle.locks.length), node]);
      // A doubtful cycle is never thrown: the acquisition goes ahead, as with 'warn'.
      const fatal = options.onCycle === 'throw' && cycle.doubtful !== true;
      entry.taken = !fatal;
      if (fatal) refuse(() => new LockOrderError(cycle));
      if (isNew && options.onCycle !== 'record') warnings.push(new LockOrderError(cycle));
      return false;
    };
    this.#chains.order(held, addEdge, (from, to) => this.#graph.edge(from, to) !== undefined);
    for (const record of followed) record.count++;
    for (const warning of warnings) options.onWarning?.(warning);
    return capture;
  }

  /**
   * The cycle to report for a refused edge: the graph's path `node → … → from` closed by the
   * task's own live hold that comes first on it — the exact pair "this task holds that lock and
   * asks for `node`" — with that hold's site and this acquisition's site on the closing edge.
   * Doubtful unless `closing` (this acquisition acts for the holder) and every edge on the path is
   * certain.
   */
  #exactCycle(
    bad: BadEdge,
    held: readonly Hold[],
    node: LockNode,
    acquirerSite: () => SiteCapture | undefined,
    closing: boolean,
  ): Cycle {
    const mine = new Map<LockNode, Hold>();
    for (const hold of held) if (hold.live && !hold.lock.forgotten) mine.set(hold.lock, hold);
    const path = bad.path;
    let end = path.length - 1;
    for (let index = 1; index < path.length; index++) {
      if (mine.has(path[index]!)) {
        end = index;
        break;
      }
    }
    const from = path[end]!;
    const pending: PendingEdge[] = [];
    let doubtful = !closing;
    for (let index = 0; index < end; index++) {
      const record = this.#graph.edge(path[index]!, path[index + 1]!);
      if (record?.doubtful === true) doubtful = true;
      pending.push({
        from: path[index]!,
        to: path[index + 1]!,
        holder: record?.holder,
        acquirer: record?.acquirer,
      });
    }
    const hold = mine.get(from);
    const holder = hold === undefined ? bad.record.holder : this.#holdSite(from, hold, held);
    pending.push({ from, to: node, holder, acquirer: acquirerSite() ?? bad.record.acquirer });
    return buildCycle(pending, doubtful);
  }

  /**
   * Where `hold` (an entry of `held`, a task's holds in acquisition order) was taken. Exact when
   * its acquisition captured a stack. Otherwise: for a nested hold, where its lock was first
   * requested under the lock held just before it (that edge's acquirer site); for an outermost
   * hold, the lock's first outermost acquisition. Slow path only.
   */
  #holdSite(node: LockNode, hold: Hold, held: readonly Hold[]): SiteCapture | undefined {
    const exact = node.holdStates.get(hold)?.site;
    if (exact !== undefined) return exact;
    // From the end: the hold asked about is usually the task's most recent one.
    for (let index = held.lastIndexOf(hold) - 1; index >= 0; index--) {
      const outer = held[index]!;
      const previous = outer.lock;
      if (previous === node || !outer.live) continue;
      return (this.#graph.edge(previous, node) ?? this.#bad.get(previous)?.get(node)?.record)
        ?.acquirer;
    }
    return node.topSite;
  }

  #long(kind: 'hold' | 'wait', node: LockNode, site: SiteCapture | undefined, limit: number): void {
    const resolved = site?.site;
    this.#findings.addLong(kind, node, resolved, limit);
    this.#options.onWarning?.(longWarning(kind, node, resolved, limit));
  }
}

/**
 * A directed graph that stays acyclic: every edge that would close a cycle is refused and its
 * cycle returned instead. The graph knows nothing of locks; nodes are opaque ids (`N`, compared
 * with `SameValueZero`, as `Map` keys are) and every edge carries a payload (`E`).
 *
 * Cycle checks use the Pearce–Kelly dynamic topological order: every node carries an integer
 * `ord`, and for each edge `a → b` the invariant `ord(a) < ord(b)` holds. A new edge that already
 * respects the order costs O(1). One that does not is checked by a search restricted to the
 * *affected window* `[ord(to), ord(from)]`: forward from `to` (nodes whose ord ≤ ord(from)) and, if
 * `from` was not reached, backward from `from` (nodes whose ord ≥ ord(to)); then only the visited
 * nodes are renumbered, reusing their own ord values. Reaching `from` in the forward search is the
 * cycle. See D. J. Pearce, P. H. J. Kelly, "A Dynamic Topological Sort Algorithm for Directed
 * Acyclic Graphs", JEA 11 (2007).
 */

/** Internal per-node record. */
interface Vertex<N, E> {
  readonly id: N;
  /** Position in the topological order; unique among live vertices. */
  ord: number;
  /** Successors (by id) and the payload of each edge. */
  readonly out: Map<N, E>;
  /** Predecessors. */
  readonly in: Set<Vertex<N, E>>;
  /** Search epoch in which this vertex was last visited (avoids a visited-set per search). */
  mark: number;
  /** Forward-search parent, meaningful only while `mark` equals the current epoch. */
  parent: Vertex<N, E> | undefined;
}

/**
 * Outcome of {@link LockOrderGraph.addEdge} when the edge is refused: the path of nodes from
 * `to` back to `from`. Together with the refused edge `from → to` it forms the cycle.
 */
export type CyclePath<N> = readonly N[];

/**
 * An acyclic directed graph with incremental cycle detection.
 *
 * Costs: a known edge is two `Map` lookups; a new edge respecting the current order is O(1); any
 * other new edge costs a search bounded by the affected window of the order (usually a small part
 * of the graph). No capacity limits. Refused edges are not remembered here: the caller that wants
 * a repeat to be cheap keeps its own memo (the detector does, with the cycle's report).
 *
 * @example
 * ```ts
 * const graph = new LockOrderGraph<string, string>();
 * graph.addEdge('a', 'b', () => 'a then b'); // undefined: inserted
 * graph.addEdge('b', 'a', () => 'b then a'); // ['a', 'b']: refused, graph unchanged
 * ```
 */
export class LockOrderGraph<N, E> {
  /** Every live node, keyed by id. */
  readonly #vertices = new Map<N, Vertex<N, E>>();
  /** Next ord for a new node: strictly above every live ord, so new nodes go last. */
  #nextOrd = 0;
  /** Incremented per search so `Vertex.mark` needs no reset. */
  #epoch = 0;
  #edgeCount = 0;

  /** Number of live nodes. */
  get nodeCount(): number {
    return this.#vertices.size;
  }

  /** Number of edges in the graph (refused edges are not counted). */
  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** Whether `id` is a node of the graph. */
  hasNode(id: N): boolean {
    return this.#vertices.has(id);
  }

  /** Adds `id` as an isolated node if it is not one already. O(1). */
  addNode(id: N): void {
    this.#vertex(id);
  }

  /** The payload of edge `from → to`, or `undefined` when the graph lacks it. Two lookups. */
  edge(from: N, to: N): E | undefined {
    return this.#vertices.get(from)?.out.get(to);
  }

  /**
   * Inserts `from → to` unless it closes a cycle. Missing nodes are added first.
   *
   * @param capture - builds the edge's payload; called only when the edge is new and inserted
   *   (it is where the expensive stack capture belongs).
   * @returns `undefined` when the edge is in the graph afterwards (new or already known); the
   *   path `[to, …, from]` when the edge would close a cycle. A refused edge is never inserted:
   *   the graph is left exactly as it was.
   */
  addEdge(from: N, to: N, capture: () => E): CyclePath<N> | undefined {
    if (from === to) return [from];
    const source = this.#vertex(from);
    if (source.out.has(to)) return undefined;
    const target = this.#vertex(to);
    if (source.ord > target.ord) {
      const cycle = this.#reorder(source, target);
      if (cycle !== undefined) return cycle;
    }
    source.out.set(to, capture());
    target.in.add(source);
    this.#edgeCount++;
    return undefined;
  }

  /** Removes edge `from → to` if present. The order stays valid: removal never breaks it. */
  removeEdge(from: N, to: N): boolean {
    const source = this.#vertices.get(from);
    const target = this.#vertices.get(to);
    if (source === undefined || target === undefined || !source.out.delete(to)) return false;
    target.in.delete(source);
    this.#edgeCount--;
    return true;
  }

  /** Removes a node and every edge that touches it. O(degree). */
  removeNode(id: N): boolean {
    const vertex = this.#vertices.get(id);
    if (vertex === undefined) return false;
    for (const successor of vertex.out.keys()) this.#vertices.get(successor)?.in.delete(vertex);
    for (const predecessor of vertex.in) predecessor.out.delete(id);
    this.#edgeCount -= vertex.out.size + vertex.in.size;
    this.#vertices.delete(id);
    return true;
  }

  /** Drops every node and edge. */
  clear(): void {
    this.#vertices.clear();
    this.#edgeCount = 0;
    this.#nextOrd = 0;
  }

  /** Every node id, in insertion order. */
  nodes(): IterableIterator<N> {
    return this.#vertices.keys();
  }

  /** Every edge with its payload. */
  *edges(): IterableIterator<[from: N, to: N, payload: E]> {
    for (const vertex of this.#vertices.values()) {
      for (const [to, payload] of vertex.out) yield [vertex.id, to, payload];
    }
  }

  /** The successors of `id`. */
  successors(id: N): IterableIterator<N> {
    return (this.#vertices.get(id)?.out ?? new Map<N, E>()).keys();
  }

  /**
   * Checks the order invariant on every edge; for tests and debugging. O(edges).
   * @returns whether `ord(from) < ord(to)` holds for every edge.
   */
  isTopologicallyOrdered(): boolean {
    for (const vertex of this.#vertices.values()) {
      for (const to of vertex.out.keys()) {
        if (vertex.ord >= this.#vertices.get(to)!.ord) return false;
      }
    }
    return true;
  }

  #vertex(id: N): Vertex<N, E> {
    let vertex = this.#vertices.get(id);
    if (vertex === undefined) {
      vertex = {
        id,
        ord: this.#nextOrd++,
        out: new Map(),
        in: new Set(),
        mark: 0,
        parent: undefined,
      };
      this.#vertices.set(id, vertex);
    }
    return vertex;
  }

  /**
   * Makes room for `source → target` where `ord(source) > ord(target)`. Returns the cycle path
   * when `target` reaches `source` (nothing is changed then); otherwise renumbers the affected
   * window so that the edge respects the order.
   */
  #reorder(source: Vertex<N, E>, target: Vertex<N, E>): CyclePath<N> | undefined {
    const upper = source.ord;
    const lower = target.ord;
    const forwardEpoch = ++this.#epoch;
    const forward: Vertex<N, E>[] = [];
    const stack: Vertex<N, E>[] = [target];
    target.mark = forwardEpoch;
    target.parent = undefined;
    while (stack.length > 0) {
      const vertex = stack.pop()!;
      forward.push(vertex);
      for (const id of vertex.out.keys()) {
        const next = this.#vertices.get(id)!;
        if (next === source) return this.#pathTo(vertex, target, source);
        if (next.mark !== forwardEpoch && next.ord < upper) {
          next.mark = forwardEpoch;
          next.parent = vertex;
          stack.push(next);
        }
      }
    }
    const backwardEpoch = ++this.#epoch;
    const backward: Vertex<N, E>[] = [];
    stack.push(source);
    source.mark = backwardEpoch;
    while (stack.length > 0) {
      const vertex = stack.pop()!;
      backward.push(vertex);
      for (const previous of vertex.in) {
        if (previous.mark !== backwardEpoch && previous.ord > lower) {
          previous.mark = backwardEpoch;
          stack.push(previous);
        }
      }
    }
    // Everything that reaches `source` moves before everything `target` reaches, each group
    // keeping its relative order, into the same set of ord values.
    const byOrd = (a: Vertex<N, E>, b: Vertex<N, E>): number => a.ord - b.ord;
    backward.sort(byOrd);
    forward.sort(byOrd);
    const slots: number[] = [];
    for (const vertex of backward) slots.push(vertex.ord);
    for (const vertex of forward) slots.push(vertex.ord);
    slots.sort((a, b) => a - b);
    let slot = 0;
    for (const vertex of backward) vertex.ord = slots[slot++]!;
    for (const vertex of forward) vertex.ord = slots[slot++]!;
    return undefined;
  }

  /** Path `[target, …, last, source]` from the forward search's parent links. */
  #pathTo(last: Vertex<N, E>, target: Vertex<N, E>, source: Vertex<N, E>): CyclePath<N> {
    const path: N[] = [source.id];
    for (
      let vertex: Vertex<N, E> | undefined = last;
      vertex !== undefined;
      vertex = vertex.parent
    ) {
      path.push(vertex.id);
      if (vertex === target) break;
    }
    return path.reverse();
  }
}

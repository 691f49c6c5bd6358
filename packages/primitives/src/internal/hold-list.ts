/**
 * A task's holds as a persistent list, so that taking and dropping a hold costs O(1) at any
 * nesting depth (issue 8). Frames are immutable — a task forked earlier keeps the frame it was
 * forked with — and used to copy their array on every claim and leave: O(d) per acquisition at
 * depth d, 10,000 nested locks took 100× longer per acquisition than 10. Here a frame's holds are
 * a node `hold` on top of the (shared, never mutated) nodes `below` it: pushing is one node, and
 * dropping the most recent hold — the usual case, `using` blocks nest — is returning `below`.
 *
 * The detector's probe still reads the holds as an array, oldest first (`LockProbe.beforeAcquire`).
 * {@link heldArray} keeps that O(1) amortised too: every node remembers a buffer that holds the
 * path from the root to some node (one array of holds, one of the nodes, kept in step); a node is
 * on that path iff the buffer's node at its depth is itself, and then the buffer cut to its depth
 * is its array. Nesting and un-nesting move along one path, so the buffer is only cut or grown at
 * its end. A task whose path diverged far from its buffer's (a sibling took it) gets a buffer of
 * its own once, so two siblings never take one buffer back and forth at O(d) each.
 */
import type { Hold } from './task-context.ts';

/** How far below a node {@link heldArray} looks for the buffer's path before copying instead. */
const nearTip = 8;

/** The holds of an empty frame: shared, never mutated. */
export const noHolds: readonly Hold[] = Object.freeze([]);

/** One path of the list, materialised: `holds[i]` is `nodes[i].hold`, the node at depth i + 1. */
class HoldBuffer {
  readonly holds: Hold[] = [];
  readonly nodes: HoldNode[] = [];
}

/** `hold` on top of the holds `below` it. Never mutated, except its buffer (a cache). */
export class HoldNode {
  readonly hold: Hold;
  readonly below: HoldNode | undefined;
  /** How many holds this list has (this one and all below). */
  readonly depth: number;
  /**
   * Where this node's path was last materialised (see {@link heldArray}); may be stale. Undefined
   * until the path is first read: a task that only takes and ends holds (the detector off, or a
   * lock taken while holding nothing) allocates no buffer for them.
   */
  buffer: HoldBuffer | undefined;
  /**
   * The node this one stands for: itself, or — when a hold below was dropped out of order and this
   * node was rebuilt on top of the rest — the node it replaces. RLock re-entry levels are owned by
   * a node, not by the hold (see {@link listOwns}), and a rebuilt list keeps what it owned.
   */
  readonly origin: HoldNode;

  /**
   * `buffer`: for a node with nothing below, a buffer it may take over (an ended list's, see
   * task-context.ts `pushLive`); any buffer is safe, since a node is read from it only while the
   * buffer's node at its depth is itself.
   */
  constructor(hold: Hold, below: HoldNode | undefined, origin?: HoldNode, buffer?: HoldBuffer) {
    this.hold = hold;
    this.below = below;
    this.origin = origin ?? this;
    this.depth = below === undefined ? 1 : below.depth + 1;
    this.buffer = below === undefined ? buffer : below.buffer;
    if (this.depth < hold.shallowest) hold.shallowest = this.depth;
  }
}

/**
 * Does the list `top` contain `hold`? Walks down only to the shallowest depth `hold` was ever
 * pushed at, so a hold never pushed answers at once and the most recent one after one step.
 */
export function listHas(top: HoldNode | undefined, hold: Hold): boolean {
  for (let node = top; node !== undefined && node.depth >= hold.shallowest; node = node.below)
    if (node.hold === hold) return true;
  return false;
}

/**
 * Does the list `top` hold `hold` through `owner` (its node, or a node rebuilt from it)? A list
 * that holds the same hold through another node — a copy that leaked into a caller's frame before
 * the owner claimed it where it bound it (see reentry-levels.ts) — does not own it. Walks down
 * only to the shallowest depth `hold` was ever pushed at, as {@link listHas} does.
 */
export function listOwns(top: HoldNode | undefined, hold: Hold, owner: HoldNode): boolean {
  for (let node = top; node !== undefined && node.depth >= hold.shallowest; node = node.below)
    if (node.hold === hold) return node.origin === owner;
  return false;
}

/** The most recent hold of the list `top` that satisfies `test`, if any. O(distance to it). */
export function listFind(
  top: HoldNode | undefined,
  test: (hold: Hold) => boolean,
): Hold | undefined {
  for (let node = top; node !== undefined; node = node.below) if (test(node.hold)) return node.hold;
  return undefined;
}

/**
 * The list `top` without `hold` (`top` itself when `hold` is not in it). O(1) for the most recent
 * hold; a hold released out of order costs the holds above it, which are pushed again.
 */
export function listWithout(top: HoldNode | undefined, hold: Hold): HoldNode | undefined {
  if (top === undefined) return undefined;
  if (top.hold === hold) return top.below;
  const above: HoldNode[] = [];
  let node: HoldNode | undefined = top;
  for (; node !== undefined && node.hold !== hold; node = node.below) {
    if (node.depth < hold.shallowest) return top;
    above.push(node);
  }
  if (node === undefined) return top;
  let rebuilt = node.below;
  for (let index = above.length - 1; index >= 0; index--) {
    const old = above[index]!;
    rebuilt = new HoldNode(old.hold, rebuilt, old.origin);
  }
  return rebuilt;
}

/** Is `node` on the path its buffer holds? */
function onPath(node: HoldNode, buffer: HoldBuffer): boolean {
  return buffer.nodes[node.depth - 1] === node;
}

/**
 * The holds of the list `top`, oldest first, for the probe. O(1) amortised: see the top of this
 * file. The array is shared — valid until the next call, and never to be mutated or kept.
 */
export function heldArray(top: HoldNode | undefined): readonly Hold[] {
  if (top === undefined) return noHolds;
  let buffer = top.buffer ?? bufferBelow(top);
  if (!onPath(top, buffer)) {
    // Climb down to where this list joins the buffer's path; near the tip, regrow it from there.
    const above: HoldNode[] = [];
    let node: HoldNode | undefined = top;
    while (node !== undefined && !onPath(node, buffer) && above.length < nearTip) {
      above.push(node);
      node = node.below;
    }
    if (node === undefined || onPath(node, buffer)) {
      const base = node === undefined ? 0 : node.depth;
      buffer.holds.length = base;
      buffer.nodes.length = base;
      for (let index = above.length - 1; index >= 0; index--) append(buffer, above[index]!);
    } else {
      buffer = materialise(top);
    }
  }
  if (buffer.holds.length !== top.depth) {
    buffer.holds.length = top.depth;
    buffer.nodes.length = top.depth;
  }
  return buffer.holds;
}

/**
 * A buffer for a node that has none (its path was never read since it was pushed): the nearest
 * one below it, within {@link nearTip} nodes, for {@link heldArray} to regrow from; a fresh one
 * when the whole list is that short; otherwise the whole path, materialised.
 */
function bufferBelow(top: HoldNode): HoldBuffer {
  let node = top.below;
  for (let steps = 0; node !== undefined && steps < nearTip; steps++, node = node.below)
    if (node.buffer !== undefined) return node.buffer;
  return node === undefined ? new HoldBuffer() : materialise(top);
}

function append(buffer: HoldBuffer, node: HoldNode): void {
  buffer.holds.push(node.hold);
  buffer.nodes.push(node);
  node.buffer = buffer;
}

/** A new buffer holding the whole path to `top` (which, with every node below, now uses it). */
function materialise(top: HoldNode): HoldBuffer {
  const buffer = new HoldBuffer();
  const path: HoldNode[] = [];
  for (let node: HoldNode | undefined = top; node !== undefined; node = node.below) path.push(node);
  for (let index = path.length - 1; index >= 0; index--) append(buffer, path[index]!);
  return buffer;
}

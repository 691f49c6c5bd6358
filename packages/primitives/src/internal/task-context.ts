/**
 * Which task holds what. A task is an async continuation chain; we follow it with ONE
 * module-level AsyncLocalStorage whose store is an immutable {@link Frame}: the holds the task has.
 * Frames are never mutated: taking a hold creates `frame + hold`, dropping one `frame − hold` (each
 * O(1): the holds are a persistent list, see hold-list.ts), so tasks forked earlier keep the frame
 * they were forked with and never see a sibling's holds.
 * See docs/design.md "Tasks, and who holds a lock" and docs/primitives.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Hold as DetectorHold, LockNode } from '@interlock/core';
import {
  heldArray,
  HoldNode,
  listFind,
  listHas,
  listOwns,
  listWithout,
  noHolds,
} from './hold-list.ts';

/** Releases one level of a hold on the primitive that granted it (what `Guard.release` calls). */
export type HoldReleaser = (hold: Hold) => void;

/**
 * One acquisition of one primitive, shared by every guard and frame that refers to it. It is also
 * the detector's record of the hold: the detector reads `lock` and `live`.
 */
export class Hold implements DetectorHold {
  /** The lock's identity (its detector node). */
  readonly lock: LockNode;
  /** The granting primitive's release of one level; one function per primitive, not per hold. */
  readonly releaser: HoldReleaser;
  /**
   * Recursion depth (RLock re-entry adds to it); 0 once fully released. Other primitives: 1 or 0.
   */
  count = 1;
  /** False once released, and while a Condition waits with this hold's lock released. */
  live = true;
  /**
   * True once the hold has been entered into some task's frame as its own (`using` / `withLock`;
   * an RLock re-entry level from its request, in any style).
   */
  claimed = false;
  /** True when `withLock` runs its callback holding this hold (see core's `Hold.scoped`). */
  scoped = false;
  /**
   * False for an RLock re-entry level until its acquire promise has been delivered to the awaiting
   * continuation (see reentry-levels.ts): until then it blocks every re-entry.
   */
  delivered = true;
  /** True for an RLock re-entry level (a hold above the lock's base hold). */
  reentryLevel = false;
  /**
   * A re-entry level's owner: the frame node that entered it — when it was requested (plain and
   * `tryAcquire` styles), or where it was bound (`using`, `withLock`). A frame owns the level iff
   * its list contains this node (hold-list.ts `listOwns`), not merely the hold: a copy that leaked
   * into a caller's frame at request time is no owner once the level was bound elsewhere.
   */
  owner: HoldNode | undefined = undefined;
  /**
   * Set when source instrumentation bound this hold into a frame: `file:line:column` of the
   * acquire (for leak reports), or `''` when no position was given.
   */
  boundAt: string | undefined = undefined;
  /**
   * The shallowest depth this hold was ever entered at in any frame (Infinity: never), so that
   * looking for it in a frame stops there (hold-list.ts).
   */
  shallowest = Infinity;

  constructor(lock: LockNode, releaser: HoldReleaser) {
    this.lock = lock;
    this.releaser = releaser;
  }
}

/**
 * What one task holds. Immutable: its holds are a persistent list (hold-list.ts), so entering or
 * leaving a hold makes a new frame in O(1) and tasks forked earlier keep theirs.
 */
export class Frame {
  /** The most recent hold, on top of the others; undefined when the frame holds nothing. */
  readonly top: HoldNode | undefined;
  /** Set inside a generator wrapped by `trackYields`: where its frame is kept across `yield`. */
  readonly home: GeneratorHome | undefined;

  constructor(top: HoldNode | undefined, home: GeneratorHome | undefined) {
    this.top = top;
    this.home = home;
  }

  /** The holds, oldest first, as a new array: O(depth), for tests and diagnostics. */
  get holds(): readonly Hold[] {
    return [...heldArray(this.top)];
  }
}

/** The frame a `trackYields` generator resumes in; every hold entered or left in it updates it. */
export interface GeneratorHome {
  current: Frame | undefined;
}

/**
 * The holds of `frame`, oldest first, for the probe: O(1) amortised, shared, valid until the next
 * call (hold-list.ts `heldArray`). Pass it straight to the probe; never keep or mutate it.
 */
export function holdsOf(frame: Frame | undefined): readonly Hold[] {
  // Skips the ended holds on top: a `Lock` or `Semaphore` guard ends its hold in place (guard.ts).
  return frame === undefined ? noHolds : heldArray(liveTop(frame));
}

/**
 * The one store for every primitive. Exported for the detector and tests; do not enterWith on it
 * elsewhere.
 */
export const taskContext = new AsyncLocalStorage<Frame>();

/** The current task's frame, or undefined when it holds nothing tracked. */
export function currentFrame(): Frame | undefined {
  return taskContext.getStore();
}

/** Does `frame` contain `hold`? O(1) for a hold it never had and for its most recent one. */
export function frameHas(frame: Frame | undefined, hold: Hold): boolean {
  return frame !== undefined && listHas(frame.top, hold);
}

/** Does `frame` own the re-entry level `level` (contain its owner node)? See `Hold.owner`. */
export function frameOwns(frame: Frame | undefined, level: Hold): boolean {
  const owner = level.owner;
  return owner !== undefined && frame !== undefined && listOwns(frame.top, level, owner);
}

/** The most recent hold of `frame` that satisfies `test`, if any. */
export function findHold(
  frame: Frame | undefined,
  test: (hold: Hold) => boolean,
): Hold | undefined {
  return frame === undefined ? undefined : listFind(frame.top, test);
}

/**
 * `frame + hold` as a new frame (in the same generator home, if any), without the holds that ended
 * on top of `frame`. O(1) amortised.
 */
export function frameWith(frame: Frame | undefined, hold: Hold): Frame {
  return new Frame(pushLive(frame, hold), frame?.home);
}

/**
 * A node for `hold` on top of the live holds of `frame`. When none is live but the frame still
 * has ended holds (left in place by their guards, guard.ts), the new list takes over the ended
 * top's array buffer (hold-list.ts) instead of allocating one on its first read: a task that nests
 * locks in a loop reuses one buffer.
 */
function pushLive(frame: Frame | undefined, hold: Hold): HoldNode {
  const below = liveTop(frame);
  return new HoldNode(hold, below, undefined, below === undefined ? frame?.top?.buffer : undefined);
}

/**
 * `frame − hold` as a new frame; undefined when nothing is left (outside a generator home). O(1)
 * for the most recent hold.
 */
export function frameWithout(frame: Frame, hold: Hold): Frame | undefined {
  const top = listWithout(frame.top, hold);
  if (frame.home !== undefined) return new Frame(top, frame.home);
  return top === undefined ? undefined : new Frame(top, undefined);
}

/** Makes `next` the current frame for the rest of this synchronous run (and of its generator). */
export function enterFrame(next: Frame | undefined): void {
  if (next?.home !== undefined) next.home.current = next;
  // enterWith(undefined) is how a task goes back to holding nothing.
  taskContext.enterWith(next as Frame);
}

/**
 * Enter `hold` into the current task's frame for the rest of this synchronous run (see Guard). A
 * re-entry level gets a node of its own here, which becomes its owner, even if the frame has it
 * already: entered when it was requested, the level may also have leaked into the requester's
 * caller (reentry-levels.ts), and that copy must stop counting once the level is bound here.
 */
export function claimHold(hold: Hold): void {
  const frame = taskContext.getStore();
  hold.claimed = true;
  if (hold.reentryLevel) {
    const owner = new HoldNode(hold, listWithout(frame?.top, hold));
    hold.owner = owner;
    enterFrame(new Frame(owner, frame?.home));
    return;
  }
  // frameWith drops the holds that ended on top (left in place by their guards, see guard.ts).
  if (!frameHas(frame, hold)) enterFrame(frameWith(frame, hold));
}

/**
 * `frame + hold` for `withLock` to run its callback in; a re-entry level is owned by the new node.
 */
export function frameClaiming(frame: Frame | undefined, hold: Hold): Frame {
  hold.claimed = true;
  const next = frameWith(frame, hold);
  if (hold.reentryLevel) hold.owner = next.top;
  return next;
}

/**
 * Enter the re-entry level `level` into the current task's frame when it is requested, as its
 * owner (plain and `tryAcquire` re-entries are never bound anywhere else). A request runs
 * synchronously in the requester's context, so the requester's continuation has the level: its
 * own nested plain re-entries and its plain `release()` find it, a sibling's frame lacks it. In an
 * async function's first synchronous segment the entry also reaches the caller for the rest of its
 * synchronous run (see reentry-levels.ts for what that allows). Levels that ended on top of the
 * frame are dropped first, so a loop of plain re-entries does not grow it.
 */
export function enterRequested(level: Hold): void {
  const frame = taskContext.getStore();
  const node = pushLive(frame, level);
  level.claimed = true;
  level.owner = node;
  enterFrame(new Frame(node, frame?.home));
}

/** The top of `frame` without the ended holds on top of it. */
function liveTop(frame: Frame | undefined): HoldNode | undefined {
  let top = frame?.top;
  while (top !== undefined && top.hold.count === 0) top = top.below;
  return top;
}

/**
 * Enter `hold` into the current task's frame without claiming it — source instrumentation's
 * `bind` (see ../bind.ts): the detector sees the hold, the lock's ownership rules do not change.
 * Holds that have ended on top of the frame are dropped from the new frame: a plain `release()`
 * that ran where it could not leave the frame would otherwise leave one stale hold per loop turn.
 */
export function enterUnclaimed(hold: Hold): void {
  const frame = taskContext.getStore();
  if (frameHas(frame, hold)) return;
  enterFrame(new Frame(pushLive(frame, hold), frame?.home));
}

/** Drop `hold` from the current task's frame, if it is there. */
export function leaveHold(hold: Hold): void {
  const frame = taskContext.getStore();
  if (frame === undefined) return;
  const top = listWithout(frame.top, hold);
  if (top === frame.top) return;
  enterFrame(
    frame.home === undefined && top === undefined ? undefined : new Frame(top, frame.home),
  );
}

/**
 * Run `fn` outside the current task's frame: it and everything it starts hold nothing, so they
 * can neither re-enter an `RLock` the caller holds nor be mistaken for acting on its behalf. Use it
 * for fire-and-forget work started inside a critical section that may outlive it.
 *
 * Without `detached`, work forked inside a critical section inherits the holder's frame: the
 * holder is assumed to await it (as with `Promise.all` inside `withLock`).
 *
 * @example
 * ```ts
 * await rlock.withLock(async () => {
 *   detached(() => void refreshCacheLater()); // must not re-enter rlock on our behalf
 * });
 * ```
 */
export function detached<T>(fn: () => T): T {
  // A fresh empty frame rather than `exit`: when the caller holds nothing, `exit` is a plain call,
  // and a hold bound in `fn`'s first synchronous segment would then leak into the caller.
  return taskContext.run(new Frame(undefined, undefined), fn);
}

/**
 * Run `fn` as a task of its own: it starts with the caller's frame, but a hold it binds before its
 * first `await` stays in it instead of leaking into the caller. Needed when a guard is handed to
 * an async function that binds it first thing — `consume(await rlock.acquire())` with
 * `async function consume(g) { using _ = g; … }` — because a `using` in an async function's first
 * synchronous segment runs in the caller's context: without `scoped`, the caller and every task it
 * starts afterwards would count as holders (an unrelated later task could re-enter the RLock, and
 * the detector would order its locks after this one). Source instrumentation can wrap every such
 * call; at run time the hand-off is indistinguishable from the callee's own acquisition.
 *
 * @example
 * ```ts
 * const guard = await rlock.acquire();
 * void scoped(() => consume(guard)); // the hold is consume's alone
 * ```
 */
export function scoped<T>(fn: () => T): T {
  // A fresh frame object, even for the same holds: `run` with the store already current is a
  // plain call in Node (nothing would be restored after `fn`'s first synchronous segment).
  return taskContext.run(new Frame(taskContext.getStore()?.top, undefined), fn);
}

/**
 * Gives an async generator a frame of its own that survives its `yield`s. Without it, the body
 * resumes after each `yield` in the frame of whoever called `next()` (the consumer), so a lock
 * held across `yield` is lost there: an RLock re-entry after `yield` waits for itself and nothing
 * is ordered after the held lock. Wrapped, each `next`/`return`/`throw` runs the body in the frame
 * it had when it last yielded (at first, the frame of the code that wraps it — a generator created
 * inside a critical section acts for the holder, like a task forked there), and the consumer never
 * sees the generator's holds.
 *
 * @example
 * ```ts
 * for await (const row of trackYields(rowsUnderLock())) handle(row);
 * ```
 */
export function trackYields<T, R, N>(generator: AsyncGenerator<T, R, N>): AsyncGenerator<T, R, N> {
  const home: GeneratorHome = { current: taskContext.getStore() };
  // A fresh frame object per step: `run` with the store already current is a plain call.
  const step = <V>(call: () => V): V => taskContext.run(new Frame(home.current?.top, home), call);
  const wrapper: AsyncGenerator<T, R, N> = {
    next: (...args: [] | [N]) => step(() => generator.next(...args)),
    return: (value: R | PromiseLike<R>) => step(() => generator.return(value)),
    throw: (error: unknown) => step(() => generator.throw(error)),
    [Symbol.asyncIterator]() {
      return wrapper;
    },
    [Symbol.asyncDispose]: () =>
      step(async () => {
        await generator.return(undefined as R);
      }),
  };
  return wrapper;
}

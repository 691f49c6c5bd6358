/**
 * RLock re-entry as a stack of levels (issue 8, item 1). Every re-entry is a new level — a `Hold`
 * of its own — nested inside the level below it, and owned by one frame node (`Hold.owner`): the
 * node that entered it into the requester's frame when it was requested (plain `await
 * rlock.acquire()` and `tryAcquire()`), or where it was bound (`using`, `withLock`). A task may
 * re-enter at once only if its frame owns the **innermost** live level, so two concurrent children
 * of the holder that both re-enter never run their re-entered sections at the same time: the
 * second waits until the first leaves, then nests inside the level they share.
 *
 * A level blocks everyone, its owner's frame included, until its acquire promise was delivered
 * (`deliverLater`): a request in an async function's first synchronous segment enters the level
 * into the caller's frame too (that segment runs in the caller's context), and siblings the caller
 * starts in the same synchronous run inherit it — they must wait. Such a waiter remembers the
 * levels it found pending in its frame (`disowned`) and is never taken for their owner later.
 * What stays open: a task that got the leaked copy and asks only after the level was delivered
 * (after an `await`) owns it — run time cannot tell it from the requester's own continuation.
 * `using`/`withLock` re-entries are exact (bound where the continuation runs; the leaked copy is
 * another node), and `scoped()` keeps a first segment's entries out of the caller.
 */
import { frameHas, frameOwns, type Frame, type Hold } from './task-context.ts';

/** Which level of the stack a request may nest on, or why not. */
export type ReentryVerdict =
  | { readonly kind: 'reenter' }
  /** The frame holds some level, but a sibling's level is innermost: wait for it to leave. */
  | { readonly kind: 'wait-sibling' }
  /** The frame holds no level that counts: an outsider (or an anonymous holder). */
  | { readonly kind: 'outsider' }
  /**
   * No level is live and the frame holds the base only through source instrumentation's `bind`
   * (in the frame, never claimed): to the lock an anonymous holder, which cannot re-enter (it
   * waits, as without instrumentation); the detector reports it instead of letting it wait for
   * ever. (Re-entry levels are owned from their request, so `bind` never makes one plain-held.)
   */
  | { readonly kind: 'plain-held' };

const reenter: ReentryVerdict = { kind: 'reenter' };
const waitSibling: ReentryVerdict = { kind: 'wait-sibling' };
const outsider: ReentryVerdict = { kind: 'outsider' };
const plainHeld: ReentryVerdict = { kind: 'plain-held' };
const noLevels: readonly Hold[] = [];

/** Marks `level` delivered once the microtasks queued before it (its awaiter's resumption) ran. */
export function deliverLater(level: Hold): void {
  queueMicrotask(() => {
    level.delivered = true;
  });
}

/**
 * The re-entry levels above an RLock's base hold, innermost last. Dead levels on top are dropped
 * as soon as they die; a dead level under a live one stays until the ones above it go.
 */
export class ReentryLevels {
  readonly #levels: Hold[] = [];

  get size(): number {
    return this.#levels.length;
  }

  push(level: Hold): void {
    this.#levels.push(level);
  }

  /** Drops dead levels from the top. */
  compact(): void {
    const levels = this.#levels;
    while (levels.length > 0 && levels[levels.length - 1]!.count === 0) levels.pop();
  }

  /** Every live level, for Condition.wait to suspend; empties the stack. */
  takeAll(): Hold[] {
    const taken = this.#levels.filter((level) => level.count > 0);
    this.#levels.length = 0;
    return taken;
  }

  /** Puts back what `takeAll` took (Condition.wait's re-acquire). */
  restore(levels: readonly Hold[]): void {
    this.#levels.push(...levels);
  }

  /**
   * May a task whose frame is `frame` re-enter now? Walks from the innermost live level (the
   * levels above `base`, then `base`) down: a level not yet delivered → nobody may (wait); a level
   * the frame owns (and does not `disown`) → yes; another's → a sibling is inside: no. At the base,
   * the frame must have it, claimed (see `plain-held`).
   */
  verdict(
    frame: Frame | undefined,
    base: Hold,
    disowned: readonly Hold[] = noLevels,
  ): ReentryVerdict {
    if (frame === undefined) return outsider;
    const levels = this.#levels;
    for (let index = levels.length - 1; index >= 0; index--) {
      const level = levels[index]!;
      if (level.count === 0) continue;
      if (level.delivered && frameOwns(frame, level) && !disowned.includes(level)) return reenter;
      return this.#holdsAny(frame, base, index) ? waitSibling : outsider;
    }
    if (base.count === 0 || !frameHas(frame, base)) return outsider;
    // An unclaimed base in a frame was bound by instrumentation, which must not change what the
    // lock does.
    return base.claimed ? reenter : plainHeld;
  }

  /**
   * The live levels not yet delivered whose owner node is in `frame`: a request from `frame` that
   * must wait now was not made by their owner's continuation (which has not run yet), so `frame`
   * must never be taken for their owner (see the top of this file). `queued` are the levels of
   * requests still waiting, entered into their requesters' frames already.
   */
  pendingIn(frame: Frame | undefined, queued: Iterable<Hold>): Hold[] {
    const found: Hold[] = [];
    if (frame === undefined) return found;
    for (const level of this.#levels)
      if (level.count > 0 && !level.delivered && frameOwns(frame, level)) found.push(level);
    for (const level of queued) if (frameOwns(frame, level)) found.push(level);
    return found;
  }

  /**
   * The level a plain `release()` from `frame` ends: the innermost live level the frame owns
   * (a level of a child still inside, nested above it, stays); at the base, the base if the frame
   * has it or nobody claimed it (anyone may release an anonymous hold, as CPython does when it
   * cannot tell the owner) and no other task's level is open above it. Undefined otherwise.
   * `innermostOnly`: only the innermost live level counts (Condition's "owned by the caller").
   */
  ownerLevel(frame: Frame | undefined, base: Hold, innermostOnly = false): Hold | undefined {
    const levels = this.#levels;
    let passedAnother = false;
    for (let index = levels.length - 1; index >= 0; index--) {
      const level = levels[index]!;
      if (level.count === 0) continue;
      if (frameOwns(frame, level)) return level;
      if (innermostOnly) return undefined;
      passedAnother = true;
    }
    if (base.count === 0) return undefined;
    if (frameHas(frame, base)) return base;
    return !base.claimed && !passedAnother ? base : undefined;
  }

  /** Whether `frame` holds `base` or a live level below `below`. */
  #holdsAny(frame: Frame, base: Hold, below: number): boolean {
    for (let index = below - 1; index >= 0; index--) {
      const level = this.#levels[index]!;
      if (level.count > 0 && frameHas(frame, level)) return true;
    }
    return frameHas(frame, base);
  }
}

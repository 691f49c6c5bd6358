/**
 * RLock re-entry as a stack of levels (issue 8, item 1). Every re-entry is a new level — a `Hold`
 * of its own that the re-entering task's frame claims — nested inside the level below it. A task
 * may re-enter at once only if its frame holds the **innermost** live level, so two concurrent
 * children of the holder that both re-enter never run their re-entered sections at the same time:
 * the second waits until the first leaves, then nests inside the level they share.
 *
 * An unclaimed level is one no frame names: a plain `await rlock.acquire()` or a `tryAcquire()`
 * re-entry (anonymous, see docs/primitives.md), or a `using` re-entry whose continuation has not
 * run yet. The last kind must block everyone — its owner is about to bind it — so a fresh level
 * counts as unclaimed-but-pending until its promise has been delivered; after that an unclaimed
 * level is transparent (its owner is unknown: the task that nests on the level below may go on,
 * which is what a plain re-entry of the same task needs).
 */
import { frameHas, type Frame, type Hold } from './task-context.ts';

/** Which level of the stack a request may nest on, or why not. */
export type ReentryVerdict =
  | { readonly kind: 'reenter' }
  /** The frame holds some level, but a sibling's level is innermost: wait for it to leave. */
  | { readonly kind: 'wait-sibling' }
  /** The frame holds no level that counts: an outsider (or an anonymous holder). */
  | { readonly kind: 'outsider' }
  /**
   * The frame holds the innermost live level only through source instrumentation's `bind` (in the
   * frame, never claimed): to the lock an anonymous holder, which cannot re-enter (it waits, as
   * without instrumentation); the detector reports it instead of letting it wait for ever.
   */
  | { readonly kind: 'plain-held' };

const reenter: ReentryVerdict = { kind: 'reenter' };
const waitSibling: ReentryVerdict = { kind: 'wait-sibling' };
const outsider: ReentryVerdict = { kind: 'outsider' };
const plainHeld: ReentryVerdict = { kind: 'plain-held' };

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
   * levels above `base`, then `base`) down: a level in the frame → yes; a claimed level, or a
   * fresh one not yet delivered, not in the frame → a sibling is inside: no; an unclaimed,
   * delivered level → transparent, keep walking.
   */
  verdict(frame: Frame | undefined, base: Hold): ReentryVerdict {
    if (frame === undefined) return outsider;
    const levels = this.#levels;
    for (let index = levels.length - 1; index >= -1; index--) {
      const level = index === -1 ? base : levels[index]!;
      if (level.count === 0) continue;
      // Claimed levels are what re-entry follows; an unclaimed one in a frame was bound by
      // instrumentation, which must not change what the lock does.
      if (frameHas(frame, level)) return level.claimed ? reenter : plainHeld;
      if (level.claimed || (index >= 0 && !level.delivered))
        return this.#holdsAny(frame, base, index) ? waitSibling : outsider;
    }
    return outsider;
  }

  /**
   * The level a plain `release()` from `frame` ends: the innermost live level, if the frame holds
   * it or nobody claimed it (an anonymous level may be released by anyone, as CPython does when it
   * cannot tell the owner); undefined when a claimed level of another task is innermost.
   */
  ownerLevel(frame: Frame | undefined, base: Hold): Hold | undefined {
    const levels = this.#levels;
    for (let index = levels.length - 1; index >= -1; index--) {
      const level = index === -1 ? base : levels[index]!;
      if (level.count === 0) continue;
      return !level.claimed || frameHas(frame, level) ? level : undefined;
    }
    return undefined;
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

/**
 * Holds entered into a task's frame by source instrumentation (`bind`, see `../bind.ts`) rather
 * than by `using` or `withLock`. Such a hold is in the frame, so it orders later acquisitions and
 * counts in the wait-for graph, but it is never `claimed`: claiming is what lets an `RLock` be
 * re-entered and a non-owner's `release()` be refused, and instrumentation must not change what a
 * program does — only what the detector sees.
 */
import { DeadlockError, type LockNode } from '@interlock/core';
import type { Hold } from './task-context.ts';

/** Releasers handed out by `instrument()`, to the hold they end: `bind` looks them up. */
const releaserHolds = new WeakMap<object, Hold>();

/** Remember that calling `releaser` ends `hold`, so that `bind(releaser)` can enter it. */
export function registerReleaser(releaser: object, hold: Hold): void {
  releaserHolds.set(releaser, hold);
}

/** The hold an instrumented releaser ends, if `value` is one. */
export function releaserHold(value: object): Hold | undefined {
  return releaserHolds.get(value);
}

/**
 * Mark `hold` as bound by instrumentation, with the source position it gave (the first one wins;
 * `''` when none was given).
 */
export function markBound(hold: Hold, site: string | undefined): void {
  hold.boundAt ??= site ?? '';
}

/** The source position instrumentation gave for `hold`, as `file:line:column`. */
export function bindSite(hold: Hold): string | undefined {
  return hold.boundAt === '' ? undefined : hold.boundAt;
}

/**
 * The error for an `RLock` re-acquired by the task that holds it through a plain
 * `await lock.acquire()`: re-entry needs to know the owner, which only `using` and `withLock`
 * establish, so the acquire would wait for ever. Thrown instead of waiting.
 */
export function plainReentryError(node: LockNode): DeadlockError {
  return new DeadlockError(
    { locks: [{ id: node.id, name: node.name }], edges: [{ from: node.id, to: node.id }] },
    {
      reason:
        `re-acquiring ${node.kind} ${JSON.stringify(node.name)}, which this task holds through a plain ` +
        '`await lock.acquire()`. Re-entry needs to know the owner, and only `using` or ' +
        '`withLock` ' +
        'tell it; without them this acquire waits for ever. Hold it with ' +
        '`using guard = await lock.acquire()` or `await lock.withLock(…)`.',
    },
  );
}

/** `holdTimeout` watchdogs: unref'd timers and the warnings they raise. */
import { escapeControls } from './escape.ts';
import { LongHoldWarning, LongWaitWarning } from './errors.ts';
import type { LockNode } from './lock-node.ts';
import { formatSite, type Site } from './report.ts';

/**
 * A timer that does not keep the process alive. Looked up on `globalThis` at call time (fake
 * timers).
 */
export function unrefTimer(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(callback, ms);
  if (
    typeof timer === 'object' &&
    timer !== null &&
    'unref' in timer &&
    typeof timer.unref === 'function'
  )
    timer.unref();
  return timer;
}

/**
 * The warning for a lock held (or waited on) longer than `limit` ms, taken (or requested) at
 * `site`.
 */
export function longWarning(
  kind: 'hold' | 'wait',
  node: LockNode,
  site: Site | undefined,
  limit: number,
): LongHoldWarning | LongWaitWarning {
  const where = site === undefined ? undefined : escapeControls(formatSite(site));
  const lock = { id: node.id, name: node.name };
  return kind === 'hold'
    ? new LongHoldWarning(lock, limit, where)
    : new LongWaitWarning(lock, limit, where);
}

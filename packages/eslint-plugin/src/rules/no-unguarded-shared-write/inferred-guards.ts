import type { TSESTree } from '@typescript-eslint/utils';
import { canonicalId, type HeldSet, type LockRef } from '../../analysis/types.ts';
import type { CallerLocks } from './guards.ts';
import type { WriteEvent } from './write-events.ts';

/** An unlocked write to state that is otherwise written under one lock. */
export interface InconsistentWrite {
  readonly event: WriteEvent;
  readonly lock: LockRef;
  /** Writes of the same state that hold the lock. */
  readonly guardedCount: number;
}

/** At least this many writes must hold the lock before it counts as the state's guard. */
export const minGuardedWrites = 2;

/**
 * SpotBugs' IS2_INCONSISTENT_SYNC for writes: for each module variable or class field (`this.x`,
 * anything under it), count the writes made while holding each lock. When one lock is held at
 * `minGuardedWrites` or more of them and the writes holding no lock at all are at most half as
 * many (at most a third of all writes), the state is taken to be guarded by that lock and each
 * unlocked write is reported. A write that holds some other lock, or sits in a helper every
 * caller of which holds a lock, is not counted as unlocked: we prefer a missed finding.
 */
export function inconsistentWrites(
  events: readonly WriteEvent[],
  heldAt: (node: TSESTree.Node) => HeldSet,
  callers: CallerLocks,
): InconsistentWrite[] {
  const byState = new Map<string, WriteEvent[]>();
  for (const event of events) {
    if (event.location.root !== 'this' && event.location.root !== 'module') continue;
    const list = byState.get(event.location.guardKey) ?? [];
    list.push(event);
    byState.set(event.location.guardKey, list);
  }
  const findings: InconsistentWrite[] = [];
  for (const writes of byState.values()) {
    const counts = new Map<string, { lock: LockRef; count: number }>();
    const unlocked: WriteEvent[] = [];
    for (const event of writes) {
      const held = heldAt(event.node);
      if (held.length === 0) {
        if (!callers.holdAround(event.node, undefined)) unlocked.push(event);
        continue;
      }
      const seen = new Set<string>();
      for (const hold of held) {
        const id = canonicalId(hold.lock);
        if (id === undefined || !hold.definite || seen.has(id)) continue;
        seen.add(id);
        const entry = counts.get(id) ?? { lock: hold.lock, count: 0 };
        entry.count++;
        counts.set(id, entry);
      }
    }
    const best = [...counts.values()].sort((a, b) => b.count - a.count)[0];
    if (
      !best ||
      best.count < minGuardedWrites ||
      unlocked.length === 0 ||
      unlocked.length * 2 > best.count
    )
      continue;
    for (const event of unlocked)
      findings.push({ event, lock: best.lock, guardedCount: best.count });
  }
  return findings;
}

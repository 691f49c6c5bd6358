/**
 * Where the primitives meet the detector: the installed {@link LockProbe} (core's `Detector`
 * itself while the detector is enabled, `undefined` otherwise) and the one way a primitive builds
 * its lock identity. Every lock-like primitive (Lock, RLock, Semaphore, BoundedSemaphore,
 * Condition through its lock, and `instrument()`'s wrappers) calls the probe directly with its
 * `LockNode` and its own `Hold` records; nothing in between decides anything. When no probe is
 * installed each acquire and release pays one `undefined` check.
 */
import { LockNode, type LockProbe } from '@interlock/core';

/**
 * The installed probe; undefined = detector disabled. Read it, do not assign: use {@link setProbe}.
 */
export let probe: LockProbe | undefined;

/**
 * Install (or with undefined, remove) the probe. Locks built before a probe existed have no
 * creation site.
 */
export function setProbe(next: LockProbe | undefined): void {
  probe = next;
}

/** What a primitive states about itself when it builds its identity. */
export interface LockTraits {
  /** What reports show as the kind: `'Lock'`, `'RLock'`, `'Semaphore'`, … */
  readonly kind: string;
  /** The user's name; a unique `${kind}#${n}` is generated when absent. */
  readonly name: string | undefined;
  /** The owning task may take it again without blocking. */
  readonly reentrant: boolean;
  /** At most one holder at a time. */
  readonly exclusive: boolean;
}

let nextId = 0;

/**
 * The lock's one identity: the `LockNode` the detector uses as its graph node. `owner` is the
 * primitive (its collection retires the node). The creation site is captured only when a probe is
 * installed (with the detector's frame filters); a generated name is not part of the cross-process
 * key (its number follows creation order), so the key uses the kind instead.
 */
export function lockNode(traits: LockTraits, owner: object): LockNode {
  const generated = traits.name === undefined;
  const name = traits.name ?? `${traits.kind}#${++nextId}`;
  return new LockNode({
    name,
    keyName: generated ? traits.kind : name,
    kind: traits.kind,
    reentrant: traits.reentrant,
    exclusive: traits.exclusive,
    site: probe?.creationSite(),
    owner,
  });
}

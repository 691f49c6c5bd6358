/**
 * Where a thread primitive lives: a new block of the domain's memory, or the block a received
 * handle names.
 */
import { openHandle } from './handle.ts';
import {
  blockHeaderWords,
  currentDomain,
  currentThread,
  tags,
  type PrimitiveKind,
  type SharedDomain,
} from './shared-memory.ts';

/** Options of a thread primitive's constructor. */
export interface ThreadPrimitiveOptions {
  /** What reports and error messages call it. @default `${kind}#${n}`, unique in the domain */
  name?: string;
}

/** Where the primitive lives: the block's payload starts at `base`. */
export interface Placement {
  readonly domain: SharedDomain;
  readonly index: number;
  readonly name: string;
  /** Fixed-length view of the block; the payload starts at `blockHeaderWords`. */
  readonly view: Int32Array;
}

/**
 * Allocates a new primitive's block, lets `init` write its initial words (`base` = first
 * payload word) before any other thread can see it, and logs it (so every thread's detector can
 * name it).
 */
export function place(
  kind: PrimitiveKind,
  payloadWords: number,
  name: string | undefined,
  init?: (view: Int32Array, base: number) => void,
): Placement {
  const domain = currentDomain();
  const index = domain.allocate(tags[kind], payloadWords);
  const view = domain.blockView(index);
  init?.(view, blockHeaderWords);
  const resolved = name ?? `${kind}#${domain.idAt(index)}`;
  domain.appendRecord({ type: 'primitive', index, kind, name: resolved, thread: currentThread });
  return { domain, index, name: resolved, view };
}

/** The block a received handle names (after checking it; joins its domain). */
export function placeFrom(handle: unknown, kinds: readonly PrimitiveKind[]): Placement {
  const opened = openHandle(handle, kinds);
  return { ...opened, view: opened.domain.blockView(opened.index) };
}

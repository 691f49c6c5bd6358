/**
 * Handles: the structured-cloneable form of a thread primitive. A handle is plain data (the
 * domain's `SharedArrayBuffer`, where the primitive lives in it, its kind and name), so it goes
 * through `workerData` and `postMessage` as is; `X.from(handle)` rebuilds the primitive.
 */
import { argumentError, describeValue } from '../internal/validate.ts';
import { joinDomain, SharedDomain, tags, type PrimitiveKind } from './shared-memory.ts';

/** Marks an object as an interlock thread handle (and its format version). */
const marker = '@interlock/threads';

/** A primitive's structured-cloneable form: pass it to a worker, rebuild it with `X.from`. */
export interface ThreadHandle<K extends PrimitiveKind = PrimitiveKind> {
  readonly [marker]: 1;
  readonly kind: K;
  readonly name: string;
  /** The detector domain's shared memory (every primitive of a domain shares it). */
  readonly memory: SharedArrayBuffer;
  /** Word index of the primitive's block in `memory`. */
  readonly index: number;
}

export function makeHandle<K extends PrimitiveKind>(
  kind: K,
  name: string,
  domain: SharedDomain,
  index: number,
): ThreadHandle<K> {
  return Object.freeze({
    [marker]: 1,
    kind,
    name,
    memory: domain.buffer,
    index,
  });
}

/** "an Event", "an RLock" (said "ar-lock"), "a Lock". */
function article(kind: string): string {
  return /^(?:[AEIOU]|RL)/.test(kind) ? 'an' : 'a';
}

/**
 * Checks a received handle and joins its domain.
 * @throws {TypeError} not a handle, a handle of another kind, or of another detector domain than
 *   the one this thread already belongs to.
 */
export function openHandle(
  handle: unknown,
  kinds: readonly PrimitiveKind[],
): { domain: SharedDomain; index: number; name: string; kind: PrimitiveKind } {
  const expected = `${article(kinds[0]!)} ${kinds.join(' or ')} handle (\`${kinds[0]!.toLowerCase()}.handle\`)`;
  if (
    typeof handle !== 'object' ||
    handle === null ||
    (handle as Partial<ThreadHandle>)[marker] !== 1
  ) {
    throw argumentError(
      'type',
      `Expected \`handle\` to be ${expected}, got ${describeValue(handle)}`,
    );
  }
  const { kind, name, memory, index } = handle as ThreadHandle;
  if (!kinds.includes(kind)) {
    throw argumentError(
      'type',
      `Expected \`handle\` to be ${expected}, got ${article(String(kind))} ${String(kind)} handle`,
    );
  }
  const opened = SharedDomain.open(memory);
  if (opened === undefined || typeof name !== 'string' || opened.tagAt(index) !== tags[kind]) {
    throw argumentError(
      'type',
      `Expected \`handle\` to be ${expected}, got a damaged ${String(kind)} handle`,
    );
  }
  const domain = joinDomain(opened);
  if (domain === undefined) {
    throw argumentError(
      'type',
      `Expected \`handle\` to be ${expected} of this thread's detector, got one from another detector: ` +
        'a thread belongs to the detector of the first handle it receives (or creates); ' +
        'rebuild received handles before creating primitives in a worker',
    );
  }
  return { domain, index, name, kind };
}

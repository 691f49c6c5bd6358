/**
 * Which semaphore permits each thread holds, in shared memory, so that the thread that sees a
 * worker terminated (`worker.terminate()` runs none of the worker's own exit handlers) can report
 * them, as it reports the exclusive locks whose owner word names the dead thread (exits.ts).
 *
 * Each thread that ever holds a permit gets blocks of its own (tag `HeldPermits`): the thread
 * id + 1, then entries `[semaphore block index, permits held]` (index 0 = a free entry). Only
 * the owning thread writes them (plain stores on lines no other thread writes, so a semaphore
 * acquisition pays a few nanoseconds and no contention); the reader runs after the thread is
 * gone. A thread holding permits of more semaphores at once than a block has entries gets
 * another block: nothing is ever left out.
 */
import { blockHeaderWords, currentThread, tags, type SharedDomain } from './shared-memory.ts';

/** Payload words before the entries: thread + 1. */
const threadOffset = 0;
const entriesOffset = 1;
/** Entries per block: with the block header, one block is 64 words (four cache lines). */
const entriesPerBlock = 30;
const payloadWords = entriesOffset + entriesPerBlock * 2;

/** One `[semaphore, permits]` entry of this thread's record: a fixed view of its block. */
interface Entry {
  readonly view: Int32Array;
  readonly at: number;
}

/** This thread's record: each semaphore's entry, and entries free for reuse. */
let domainOfRecord: SharedDomain | undefined;
const entryOf = new Map<number, Entry>();
const freeEntries: Entry[] = [];

function takeEntry(domain: SharedDomain): Entry {
  const free = freeEntries.pop();
  if (free !== undefined) return free;
  const block = domain.allocate(tags.HeldPermits, payloadWords);
  // A fixed-length view: Atomics and plain access through the domain's length-tracking view of
  // its growable buffer are several times slower.
  const view = domain.blockView(block);
  view[blockHeaderWords + threadOffset] = currentThread + 1;
  for (let entry = entriesPerBlock - 1; entry > 0; entry--)
    freeEntries.push({ view, at: blockHeaderWords + entriesOffset + entry * 2 });
  return { view, at: blockHeaderWords + entriesOffset };
}

/**
 * This thread now holds `delta` more (or, negative, fewer) permits of the semaphore whose block
 * is at `index`.
 */
export function notePermits(domain: SharedDomain, index: number, delta: number): void {
  if (domainOfRecord !== domain) {
    // A thread belongs to one domain (docs/threads.md); a new one starts a new record.
    domainOfRecord = domain;
    entryOf.clear();
    freeEntries.length = 0;
  }
  let entry = entryOf.get(index);
  if (entry === undefined) {
    if (delta <= 0) return;
    entry = takeEntry(domain);
    entryOf.set(index, entry);
    entry.view[entry.at + 1] = 0;
    entry.view[entry.at] = index;
  }
  const { view, at } = entry;
  const held = view[at + 1]! + delta;
  if (held > 0) {
    view[at + 1] = held;
    return;
  }
  view[at] = 0;
  view[at + 1] = 0;
  entryOf.delete(index);
  freeEntries.push(entry);
}

/**
 * The permits `thread` still held when it ended, per semaphore block index, from one of its
 * blocks at `block` (undefined when the block is another thread's). Read once the thread is gone.
 */
export function permitsHeldBy(
  domain: SharedDomain,
  block: number,
  thread: number,
): Map<number, number> | undefined {
  const words = domain.words;
  const body = block + blockHeaderWords;
  if (Atomics.load(words, body + threadOffset) !== thread + 1) return undefined;
  const held = new Map<number, number>();
  for (let entry = 0; entry < entriesPerBlock; entry++) {
    const at = body + entriesOffset + entry * 2;
    const index = Atomics.load(words, at);
    const count = Atomics.load(words, at + 1);
    if (index !== 0 && count > 0) held.set(index, count);
  }
  return held;
}

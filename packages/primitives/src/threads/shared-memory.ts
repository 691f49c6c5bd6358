/**
 * The shared memory every thread primitive lives in: one growable `SharedArrayBuffer` per
 * detector domain (a "domain" is the set of threads that share one lock-order graph). Primitives
 * are carved out of it by a bump allocator, so a thread that holds the buffer can reach every
 * primitive and every record ever written (the log), and growth is visible to all threads at
 * once. Running out of the reserved maximum is a loud error, never a silent switch-off.
 *
 * Layout (Int32 words): a header, then blocks `[tag, sizeWords, id, ...payload]`.
 */
import { threadId } from 'node:worker_threads';
import { InterlockError } from '@interlock/core';
import { permitWords } from './permits.ts';

/** Bytes reserved for one domain (address space only: pages are committed as the arena grows). */
export const maxDomainBytes = 1 << 30;
const initialDomainBytes = 64 * 1024;
const magic = 0x494c4b31; // "ILK1"

/** Header word indexes. */
const header = {
  magic: 0,
  domain: 1,
  /** Next free word. */
  bump: 2,
  /** Ids handed out to primitives. */
  nextId: 3,
  /** Word index of the first log record (0 = none). */
  logHead: 4,
  /** Word index of the last log record (0 = none); appenders CAS it. */
  logTail: 5,
  /** Futex word the log's writers bump so replaying threads can wait for news. */
  logSeq: 6,
  /** 1 once `instrumentWebLocks()` ran in any thread: every thread wraps its `navigator.locks`. */
  webLocks: 7,
  /** Detector settings every thread follows (see threads/detector.ts): bumped on each change. */
  detectorEpoch: 8,
  /** 1 while detection is on. */
  detectorEnabled: 9,
  /** 0 throw, 1 warn, 2 record. */
  detectorOnCycle: 10,
  /** 1 when sites are captured. */
  detectorStacks: 11,
  /** The permit counter (`permitWords` words) of the lock that serialises lock-order decisions. */
  graphLock: 12,
} as const;
export const headerWords = header.graphLock + permitWords;

/**
 * Words per cache line. Every block starts on a line of its own and is padded to whole lines,
 * so a lock's hot words (its state and owner) share one line with nothing another lock or the
 * log writes: under contention each line written moves between cores, and a lock straddling
 * two lines, or sharing one with a neighbour, paid for two.
 */
const lineWords = 16;

function wholeLines(words: number): number {
  return Math.ceil(words / lineWords) * lineWords;
}

/** The first block's word index: the header padded to whole cache lines. */
export const arenaStart = wholeLines(headerWords);
export { header as domainHeader };

/** Block tags: what a block of the arena holds. */
export const tags = {
  Lock: 1,
  RLock: 2,
  Semaphore: 3,
  BoundedSemaphore: 4,
  Event: 5,
  Condition: 6,
  Barrier: 7,
  LogRecord: 8,
  /** A thread's entry in the cross-thread wait-for table. */
  ThreadSlot: 9,
  /** The identity of one Web Lock name (no payload). */
  WebLock: 10,
  /** Semaphore permits one thread holds (threads/held-permits.ts). */
  HeldPermits: 11,
} as const;
export type PrimitiveKind = Exclude<
  keyof typeof tags,
  'LogRecord' | 'ThreadSlot' | 'WebLock' | 'HeldPermits'
>;

/** Words before a block's payload: tag, size, id. */
export const blockHeaderWords = 3;

/** The shared memory ran out of its reserved maximum. */
export class SharedMemoryExhaustedError extends InterlockError {
  readonly code = 'ERR_INTERLOCK_SHARED_MEMORY_EXHAUSTED' as const;
  override readonly name = 'SharedMemoryExhaustedError';
}

function randomDomainId(): number {
  // Never 0, so an all-zero buffer is never mistaken for a domain.
  return (crypto.getRandomValues(new Int32Array(1))[0]! | 1) >>> 0;
}

/** One detector domain's memory, as seen from this thread. */
export class SharedDomain {
  readonly buffer: SharedArrayBuffer;
  /**
   * Length-tracking view: follows the buffer as any thread grows it. Atomics through it are
   * several times slower than through a fixed-length view, so hot paths use {@link header} and
   * {@link blockView} instead.
   */
  readonly words: Int32Array;
  /** Fixed view of the header words. */
  readonly header: Int32Array;
  readonly id: number;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.header = new Int32Array(buffer, 0, headerWords);
    this.id = this.words[header.domain]! >>> 0;
  }

  /** A new, empty domain. */
  static create(): SharedDomain {
    const buffer = new SharedArrayBuffer(initialDomainBytes, { maxByteLength: maxDomainBytes });
    const words = new Int32Array(buffer);
    words[header.magic] = magic;
    words[header.domain] = randomDomainId() | 0;
    words[header.bump] = arenaStart;
    words[header.graphLock] = 1;
    words[header.detectorStacks] = 1;
    return new SharedDomain(buffer);
  }

  /** The domain a received buffer holds; undefined when it is not one. */
  static open(buffer: unknown): SharedDomain | undefined {
    if (
      !(buffer instanceof SharedArrayBuffer) ||
      !buffer.growable ||
      buffer.byteLength < headerWords * 4
    )
      return undefined;
    if (Atomics.load(new Int32Array(buffer, 0, 1), 0) !== magic) return undefined;
    return new SharedDomain(buffer);
  }

  /**
   * A block of at least `payloadWords` zeroed words after a `[tag, size, id]` header, on whole
   * cache lines (`size` counts the padding); returns the word
   * index of its header. Grows the buffer when needed (any thread may grow it).
   * @throws {SharedMemoryExhaustedError} the reserved maximum is reached.
   */
  allocate(tag: number, payloadWords: number): number {
    const size = wholeLines(blockHeaderWords + payloadWords);
    const start = Atomics.add(this.words, header.bump, size);
    this.#ensure((start + size) * 4);
    const id = Atomics.add(this.words, header.nextId, 1) + 1;
    Atomics.store(this.words, start + 1, size);
    Atomics.store(this.words, start + 2, id);
    // The tag last: a block is recognisable only once its header is complete.
    Atomics.store(this.words, start, tag);
    return start;
  }

  /** The tag of the block at `index`, or 0 when `index` is not inside the used arena. */
  tagAt(index: number): number {
    if (
      !Number.isSafeInteger(index) ||
      index < arenaStart ||
      index >= Atomics.load(this.words, header.bump)
    )
      return 0;
    if ((index + blockHeaderWords) * 4 > this.buffer.byteLength) return 0;
    return Atomics.load(this.words, index);
  }

  /** A fixed-length view of the whole block at `index` (header words included). */
  blockView(index: number): Int32Array {
    return new Int32Array(this.buffer, index * 4, Atomics.load(this.words, index + 1));
  }

  /** The id of the block at `index`. */
  idAt(index: number): number {
    return Atomics.load(this.words, index + 2);
  }

  /**
   * Appends one record to the domain's log (lock-free: CAS on the tail). Records are never
   * changed or removed; every thread can replay them in order.
   */
  appendRecord(record: unknown): void {
    const bytes = new TextEncoder().encode(JSON.stringify(record));
    const payload = 2 + Math.ceil(bytes.length / 4);
    const start = this.allocate(tags.LogRecord, payload);
    const body = start + blockHeaderWords;
    // [next, byteLength, ...utf8]
    Atomics.store(this.words, body + 1, bytes.length);
    new Uint8Array(this.buffer, (body + 2) * 4, bytes.length).set(bytes);
    for (;;) {
      const tail = Atomics.load(this.words, header.logTail);
      if (Atomics.compareExchange(this.words, header.logTail, tail, start) !== tail) continue;
      if (tail === 0) Atomics.store(this.words, header.logHead, start);
      else Atomics.store(this.words, tail + blockHeaderWords, start);
      break;
    }
    Atomics.add(this.words, header.logSeq, 1);
    Atomics.notify(this.words, header.logSeq);
  }

  /**
   * Reads the records after `cursor` (0 = from the start). Returns them and the new cursor.
   * A record whose link is not yet written is picked up by the next read.
   */
  readRecords(cursor: number): { records: unknown[]; cursor: number } {
    const records: unknown[] = [];
    let at = cursor;
    for (;;) {
      const next =
        at === 0
          ? Atomics.load(this.words, header.logHead)
          : Atomics.load(this.words, at + blockHeaderWords);
      if (next === 0) break;
      const body = next + blockHeaderWords;
      const length = Atomics.load(this.words, body + 1);
      // Copy out of shared memory: TextDecoder refuses shared views.
      const bytes = new Uint8Array(length);
      bytes.set(new Uint8Array(this.buffer, (body + 2) * 4, length));
      records.push(JSON.parse(new TextDecoder().decode(bytes)));
      at = next;
    }
    return { records, cursor: at };
  }

  /** Used bytes (for tests and benchmarks). */
  get usedBytes(): number {
    return Atomics.load(this.words, header.bump) * 4;
  }

  #ensure(bytes: number): void {
    for (;;) {
      const current = this.buffer.byteLength;
      if (current >= bytes) return;
      if (bytes > maxDomainBytes) {
        throw new SharedMemoryExhaustedError(
          `interlock's shared memory is full (${maxDomainBytes} bytes reserved): no more thread primitives or detector records can be created in this domain`,
        );
      }
      try {
        this.buffer.grow(Math.min(maxDomainBytes, Math.max(bytes, current * 2)));
      } catch (error) {
        // Another thread grew it first (a shared buffer never shrinks): look again.
        if (!(error instanceof RangeError)) throw error;
      }
    }
  }
}

let joined: SharedDomain | undefined;

/** This thread's domain, created on first use. */
export function currentDomain(): SharedDomain {
  if (joined !== undefined) return joined;
  joined = SharedDomain.create();
  onJoin(joined);
  return joined;
}

/** This thread's domain if it has one yet. */
export function joinedDomain(): SharedDomain | undefined {
  return joined;
}

/**
 * Joins the domain of a received buffer (the first one a thread sees becomes its domain).
 * Returns undefined when the buffer is another domain than the one this thread joined.
 */
export function joinDomain(domain: SharedDomain): SharedDomain | undefined {
  if (joined === undefined) {
    joined = domain;
    onJoin(domain);
    return domain;
  }
  return joined.id === domain.id ? joined : undefined;
}

const joinListeners: ((domain: SharedDomain) => void)[] = [];
function onJoin(domain: SharedDomain): void {
  for (const listener of joinListeners) listener(domain);
}
/** Runs `listener` when this thread joins (or creates) its domain; at once if it already has. */
export function whenJoined(listener: (domain: SharedDomain) => void): void {
  joinListeners.push(listener);
  if (joined !== undefined) listener(joined);
}

/** This thread's number in reports (`0` is the main thread). */
export const currentThread = threadId;

import rule from '../../src/rules/no-unguarded-shared-write.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

// Four lines of header: every case's own code starts on line 5.
const header = `import { Lock } from '@interlock/primitives';
import { Mutex } from 'async-mutex';
declare function pause(): Promise<void>;
declare function load(key: string): Promise<number>;
`;

// Written under its mutex in two places, without it in `reset()` (lines 5–16; the class is left
// open).
const meter = `export class Meter {
  readonly mutex = new Mutex();
  total = 0;
  async add(n: number) {
    await this.mutex.runExclusive(() => { this.total += n; });
  }
  async sub(n: number) {
    await this.mutex.runExclusive(() => { this.total -= n; });
  }
  reset() {
    this.total = 0;
  }`;

typedRuleTester().run('no-unguarded-shared-write', rule, {
  valid: [
    // The seed's counter with the lock held from the read to the write.
    `${header}const mutex = new Mutex();
let counter = 0;
export async function increment() {
  await mutex.runExclusive(async () => {
    const current = counter;
    await pause();
    counter = current + 1;
  });
}`,
    // The same with a releaser and try/finally.
    `${header}const mutex = new Mutex();
let counter = 0;
export async function increment() {
  const release = await mutex.acquire();
  try {
    const current = counter;
    await pause();
    counter = current + 1;
  } finally {
    release();
  }
}`,
    // The written value does not come from the stale read (require-atomic-updates reported these).
    `${header}let counter = 0;
export async function reset() {
  const before = counter;
  await pause();
  counter = 0;
  return before;
}`,
    // Assigning an awaited value to shared state reads nothing before the await.
    `${header}let cached: number | undefined;
export async function refresh() {
  cached = await load('config');
}`,
    // A local that no other task can see.
    `${header}export async function sum(keys: string[]) {
  let total = 0;
  for (const key of keys) {
    const before = total;
    const value = await load(key);
    total = before + value;
  }
  return total;
}`,
    // Re-checked after the await (optimistic concurrency): the write only happens if nobody moved
    // it.
    `${header}let version = 0;
export async function bump() {
  const seen = version;
  await pause();
  if (version !== seen) return false;
  version = seen + 1;
  return true;
}`,
    // A merge with a fresh read keeps both updates.
    `${header}let highest = 0;
export async function record(key: string) {
  const candidate = highest + 1;
  await pause();
  highest = Math.max(highest, candidate);
  return load(key);
}`,
    // Read after the await: nothing stale.
    `${header}let counter = 0;
export async function increment() {
  await pause();
  counter = counter + 1;
}`,
    // The await comes before the read in evaluation order.
    `${header}let counter = 0;
export async function add(key: string) {
  counter = (await load(key)) + counter;
}`,
    // A property of a fresh local object is nobody else's.
    `${header}export async function build() {
  const stats = { count: 0 };
  const before = stats.count;
  await pause();
  stats.count = before + 1;
  return stats;
}`,
    // Web Locks: the request's callback holds the lock from the read to the write.
    `${header}let counter = 0;
export async function increment() {
  await navigator.locks.request('counter', async () => {
    const current = counter;
    await pause();
    counter = current + 1;
  });
}`,
    // @guardedBy, written under the lock, set up in the constructor and the field initialiser.
    `${header}export class Inbox {
  readonly #mutex = new Mutex();
  /** @guardedBy #mutex */
  #items: string[] = [];
  /** @guardedBy #mutex */
  #size: number;
  constructor() {
    this.#size = 0;
  }
  async add(item: string) {
    await this.#mutex.runExclusive(() => {
      this.#items.push(item);
      this.#size++;
    });
  }
}`,
    // A helper whose every caller holds the lock.
    `${header}export class Buffer {
  readonly mutex = new Mutex();
  /** @guardedBy mutex */
  items: string[] = [];
  async flush() {
    await this.mutex.runExclusive(async () => {
      await pause();
      this.#clear();
    });
  }
  #clear() {
    this.items = [];
  }
}`,
    // A helper that says so.
    `${header}const lock = new Lock();
/** @guardedBy lock */
let entries: string[] = [];
/** @requiresLock lock */
export function clearEntries() {
  entries = [];
}
export async function add(entry: string) {
  using guard = await lock.acquire();
  entries.push(entry);
}`,
    // Check-then-act that checks again inside the lock (double-checked locking done right).
    `${header}export class Cache {
  readonly mutex = new Mutex();
  readonly values = new Map<string, number>();
  async get(key: string) {
    if (!this.values.has(key)) {
      await this.mutex.runExclusive(async () => {
        if (this.values.has(key)) return;
        this.values.set(key, await load(key));
      });
    }
    return this.values.get(key);
  }
}`,
    // Inferred guards need one lock at two or more writes and at most half as many unlocked writes.
    `${header}${meter}
  zero() {
    this.total = 0;
  }
}`,
    // Shared memory done with Atomics, a typed array over a plain ArrayBuffer, and a lock every
    // worker shares.
    `${header}const shared = new Int32Array(new SharedArrayBuffer(16));
const local = new Int32Array(4);
export async function tick(i: number) {
  Atomics.add(shared, i, 1);
  local[i]++;
  await navigator.locks.request('slots', () => {
    shared[i] = shared[i] + 1;
  });
}`,
    // Synchronous code cannot interleave.
    `${header}let counter = 0;
export function increment() {
  const current = counter;
  counter = current + 1;
}`,
    // A stale read of another variable is not a stale read of this one.
    `${header}let counter = 0;
let other = 0;
export async function copy() {
  const value = other;
  await pause();
  counter = value + 1;
}`,
    // What an awaited call returns for the old value is the callee's new value (found on real code:
    // a lock token renewed on a heartbeat, overlapping renewals already prevented by the caller).
    `${header}declare function renew(token: string): Promise<string>;
let token = 'initial';
export async function heartbeat() {
  const renewed = await renew(token);
  token = renewed;
}`,
    `${header}declare function renew(token: string): Promise<string>;
let token = 'initial';
export async function heartbeat() {
  token = await renew(token);
}`,
    // Found on real code: sequential test steps on a variable the test callbacks share; each new
    // record comes from a call given the old one's id (require-atomic-updates' classic false
    // report).
    `${header}declare function accept(options: { id: string }): Promise<{ id: string; threadId: string }>;
declare function waitFor(options: { threadId: string }): Promise<{ id: string; threadId: string }>;
let record = { id: 'a', threadId: 't' };
export async function step() {
  const next = waitFor({ threadId: record.threadId });
  record = await accept({ id: record.id });
  record = await next;
}`,
    // Found on real code: the local is first a copy of the shared value, then replaced by a fresh
    // one.
    `${header}export async function strategy(mediator: { pickup?: number }, fallback: number) {
  let pickup = mediator.pickup ?? fallback;
  if (!pickup) {
    const answer = await load('features');
    if (answer > 1) {
      pickup = 2;
    } else {
      pickup = answer;
    }
    mediator.pickup = pickup;
  }
  return pickup;
}`,
    // Properties of objects count as shared only where the code uses locks (RacerD's rule): a UI
    // handler renaming a tree node it was given (found on real code) is not concurrent code.
    `${header}export async function rename(node: { uri: string; label: string }, to: string) {
  const next = node.uri.replace(node.label, to);
  await pause();
  node.uri = next;
}`,
    `${header}export class Node {
  uri = '';
  async rename(to: string) {
    const next = this.uri + to;
    await pause();
    this.uri = next;
  }
}`,
    // Found on real code: save, override, await, restore — the old value is put back, not computed
    // on.
    `${header}export const proxy = { delay: 0 };
export async function withDelay<T>(ms: number, fn: () => Promise<T>) {
  const original = proxy.delay;
  proxy.delay = ms;
  const result = await fn();
  proxy.delay = original;
  return result;
}`,
    // Lazy initialisation writes back the value it found, or a new one.
    `${header}declare function create(): Promise<object>;
let view: object | undefined;
export async function show() {
  const current = view ?? (await create());
  view = current;
  return current;
}`,
    // A busy flag: set before the await, cleared after; neither value comes from the old one.
    `${header}let syncing = false;
export async function sync() {
  if (syncing) return;
  syncing = true;
  await pause();
  syncing = false;
}`,
    // Awaited first, added after: the compound write reads the current value.
    `${header}let total = 0;
export async function add(key: string) {
  const value = await load(key);
  total += value;
}`,
    // A property set after handing the object to an awaited call reads nothing stale.
    `${header}declare function sign(headers: Record<string, string>): Promise<void>;
const mutex = new Mutex();
export async function send(headers: Record<string, string>) {
  await sign(headers);
  headers['x-signed'] = 'yes';
  await mutex.runExclusive(() => undefined);
}`,
  ],
  invalid: [
    {
      // A value computed before the await and only copied afterwards is still computed from the
      // stale read.
      code: `${header}let counter = 0;
export async function increment() {
  const next = counter + 1;
  await pause();
  counter = next;
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 9,
          column: 3,
          data: { target: 'counter', readLine: 7, pauseLine: 8 },
        },
      ],
    },
    {
      // The seed's counter race.
      code: `${header}let counter = 0;
export async function increment() {
  const current = counter;
  await pause();
  counter = current + 1;
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 9,
          column: 3,
          data: { target: 'counter', readLine: 7, pauseLine: 8 },
        },
      ],
    },
    {
      // `x += await …` reads x before it waits.
      code: `${header}let total = 0;
export async function add(key: string) {
  total += await load(key);
}`,
      errors: [{ messageId: 'lostUpdate', line: 7, column: 3 }],
    },
    {
      code: `${header}export class Account {
  balance = 0;
  readonly audit = new Mutex();
  async deposit(key: string) {
    this.balance = this.balance + (await load(key));
  }
  async check() {
    await this.audit.runExclusive(() => undefined);
  }
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 9,
          column: 5,
          data: { target: 'this.balance', readLine: 9, pauseLine: 9 },
        },
      ],
    },
    {
      // A captured counter updated by concurrent callbacks.
      code: `${header}export async function countAll(keys: string[]) {
  let done = 0;
  await Promise.all(keys.map(async (key) => {
    const before = done;
    await load(key);
    done = before + 1;
  }));
  return done;
}`,
      errors: [{ messageId: 'lostUpdate', line: 10, column: 5 }],
    },
    {
      // A stale array spread into the new value.
      code: `${header}export class Log {
  lines: string[] = [];
  readonly mutex = new Mutex();
  async append(key: string) {
    const lines = this.lines;
    const value = await load(key);
    this.lines = [...lines, String(value)];
  }
  async flush() {
    await this.mutex.runExclusive(() => undefined);
  }
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 11,
          column: 5,
          data: { target: 'this.lines', readLine: 9, pauseLine: 10 },
        },
      ],
    },
    {
      // A property of an object the caller passed in.
      code: `${header}const mutex = new Mutex();
export async function retry(job: { attempts: number }) {
  const attempts = job.attempts;
  await pause();
  job.attempts = attempts + 1;
  await mutex.runExclusive(() => undefined);
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 9,
          column: 3,
          data: { target: 'job.attempts', readLine: 7, pauseLine: 8 },
        },
      ],
    },
    {
      // Read outside the lock, written inside it: the lock comes too late.
      code: `${header}const mutex = new Mutex();
let counter = 0;
export async function increment() {
  const current = counter;
  await mutex.runExclusive(() => {
    counter = current + 1;
  });
}`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 10,
          column: 5,
          data: { target: 'counter', readLine: 8, pauseLine: 9 },
        },
      ],
    },
    {
      // The lock is let go before the await.
      code: `${header}const mutex = new Mutex();
let counter = 0;
export async function increment() {
  const release = await mutex.acquire();
  const current = counter;
  release();
  await pause();
  counter = current + 1;
}`,
      errors: [{ messageId: 'lostUpdate', line: 12, column: 3 }],
    },
    {
      // Web Locks: read before the request.
      code: `${header}let counter = 0;
export async function increment() {
  const current = counter;
  await navigator.locks.request('counter', () => {
    counter = current + 1;
  });
}`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 5 }],
    },
    {
      // Check-then-act: checked outside the lock, acted on inside it without checking again.
      code: `${header}export class Cache {
  readonly mutex = new Mutex();
  readonly values = new Map<string, number>();
  async get(key: string) {
    if (!this.values.has(key)) {
      await this.mutex.runExclusive(async () => {
        this.values.set(key, await load(key));
      });
    }
    return this.values.get(key);
  }
}`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 11,
          column: 9,
          data: { target: 'this.values', checkLine: 9, lock: 'Cache.mutex' },
        },
      ],
    },
    {
      // Early return as the check, a releaser as the lock.
      code: `${header}export class Session {
  readonly mutex = new Mutex();
  token: number | undefined;
  async login() {
    if (this.token !== undefined) return this.token;
    const release = await this.mutex.acquire();
    try {
      this.token = await load('token');
    } finally {
      release();
    }
    return this.token;
  }
}`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 12,
          column: 7,
          data: { target: 'this.token', checkLine: 9, lock: 'Session.mutex' },
        },
      ],
    },
    {
      // Declared guards: every kind of write outside the lock.
      code: `${header}export class Inbox {
  readonly mutex = new Mutex();
  /** @guardedBy mutex */
  items: string[] = [];
  /** @guardedBy mutex */
  size = 0;
  /** @guardedBy mutex */
  byId: Record<string, string> = {};
  add(item: string) {
    this.items.push(item);
    this.size++;
    delete this.byId[item];
    this.items = [];
  }
}`,
      errors: [
        {
          messageId: 'unguardedWrite',
          line: 14,
          column: 5,
          data: { target: 'this.items', lock: 'mutex', what: '`push()` call' },
        },
        {
          messageId: 'unguardedWrite',
          line: 15,
          column: 5,
          data: { target: 'this.size', lock: 'mutex', what: 'write' },
        },
        {
          messageId: 'unguardedWrite',
          line: 16,
          column: 5,
          data: { target: 'this.byId', lock: 'mutex', what: '`delete`' },
        },
        { messageId: 'unguardedWrite', line: 17, column: 5 },
      ],
    },
    {
      // A module variable guarded by a module lock; the other lock does not count.
      code: `${header}const lock = new Lock();
const other = new Lock();
/** @guardedBy lock */
let entries: string[] = [];
export async function reset() {
  using guard = await other.acquire();
  entries = [];
}`,
      errors: [
        {
          messageId: 'unguardedWrite',
          line: 11,
          column: 3,
          data: { target: 'entries', lock: 'lock', what: 'write' },
        },
      ],
    },
    {
      code: `${header}/** @guardedBy missingLock */
let entries: string[] = [];
export function reset() {
  entries = [];
}`,
      errors: [{ messageId: 'unknownGuard', line: 6, column: 5, data: { lock: 'missingLock' } }],
    },
    {
      // Inferred: written under the mutex in two places, without it in one.
      code: `${header}${meter}
}`,
      errors: [
        {
          messageId: 'inconsistentWrite',
          line: 15,
          column: 5,
          data: { target: 'this.total', lock: 'Meter.mutex', guarded: 2 },
        },
      ],
    },
    {
      // Shared memory: three read-modify-writes, two with an Atomics suggestion.
      code: `${header}const counts = new Int32Array(new SharedArrayBuffer(64));
const sums = new Float64Array(new SharedArrayBuffer(64));
export function tally(i: number, n: number) {
  counts[i]++;
  counts[i] += n;
  counts[i] = counts[i] * 2;
  sums[i] += n;
}`,
      errors: [
        {
          messageId: 'sharedMemory',
          line: 8,
          column: 3,
          suggestions: [
            {
              messageId: 'useAtomics',
              output: `${header}const counts = new Int32Array(new SharedArrayBuffer(64));
const sums = new Float64Array(new SharedArrayBuffer(64));
export function tally(i: number, n: number) {
  Atomics.add(counts, i, 1);
  counts[i] += n;
  counts[i] = counts[i] * 2;
  sums[i] += n;
}`,
            },
          ],
        },
        {
          messageId: 'sharedMemory',
          line: 9,
          column: 3,
          suggestions: [
            {
              messageId: 'useAtomics',
              output: `${header}const counts = new Int32Array(new SharedArrayBuffer(64));
const sums = new Float64Array(new SharedArrayBuffer(64));
export function tally(i: number, n: number) {
  counts[i]++;
  Atomics.add(counts, i, n);
  counts[i] = counts[i] * 2;
  sums[i] += n;
}`,
            },
          ],
        },
        { messageId: 'sharedMemory', line: 10, column: 3, suggestions: [] },
        { messageId: 'sharedMemory', line: 11, column: 3, suggestions: [] },
      ],
    },
    {
      // Shared memory through a parameter typed for it.
      code: `${header}export function release(slots: Int32Array<SharedArrayBuffer>) {
  slots[0] = slots[0] - 1;
}`,
      errors: [
        {
          messageId: 'sharedMemory',
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: 'useAtomics',
              output: `${header}export function release(slots: Int32Array<SharedArrayBuffer>) {
  Atomics.sub(slots, 0, 1);
}`,
            },
          ],
        },
      ],
    },
    {
      // Reads, on request.
      code: `${header}export class Inbox {
  readonly mutex = new Mutex();
  /** @guardedBy mutex */
  items: string[] = [];
  count() {
    return this.items.length;
  }
}`,
      options: [{ checkReads: true }],
      errors: [
        {
          messageId: 'unguardedRead',
          line: 10,
          column: 12,
          data: { target: 'this.items', lock: 'mutex' },
        },
      ],
    },
  ],
});

// Without type information: same-file locks, and no shared-memory check (it needs the types).
untypedRuleTester().run('no-unguarded-shared-write (no type information)', rule, {
  valid: [
    `const counts = new Int32Array(new SharedArrayBuffer(64));
export function tick(i: number) { counts[i]++; }`,
  ],
  invalid: [
    {
      code: `import { Mutex } from 'async-mutex';
declare function pause(): Promise<void>;
const mutex = new Mutex();
/** @guardedBy mutex */
let counter = 0;
export async function bump() {
  counter++;
  await mutex.runExclusive(async () => {
    const c = counter;
    await pause();
    counter = c + 1;
  });
}`,
      errors: [{ messageId: 'unguardedWrite', line: 7, column: 3 }],
    },
  ],
});

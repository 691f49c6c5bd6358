import rule from '../../src/rules/no-self-deadlock.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

const imports = `import { Lock, RLock, Semaphore, Condition } from '@interlock/primitives';
import { Mutex, Semaphore as MutexSemaphore, withTimeout, tryAcquire } from 'async-mutex';
import AwaitLock from 'await-lock';
import { sharedLock, sharedRLock, sharedMutex, updateShared, updateSharedMutex, updateSharedLater, updateSharedIndirect } from './shared-locks.ts';
`;

typedRuleTester().run('no-self-deadlock', rule, {
  valid: [
    // Correlated branches on an expression: only when nothing between the tests can change it.
    // Reassigned in between.
    `${imports}
class Store {
  readonly lock = new Lock();
  exclusive = false;
  async run() {
    if (this.exclusive) await this.lock.acquire();
    this.exclusive = false;
    if (this.exclusive) await this.lock.acquire();
  }
}`,
    // An object on the path replaced in between.
    `${imports}
class Store {
  readonly lock = new Lock();
  state = { exclusive: false };
  async run() {
    if (this.state.exclusive) await this.lock.acquire();
    this.state = { exclusive: true };
    if (this.state.exclusive) await this.lock.acquire();
  }
}`,
    // A call in between may change it.
    `${imports}
const lock = new Lock();
export async function f(opts: { exclusive: boolean }, reset: () => void) {
  if (opts.exclusive) await lock.acquire();
  reset();
  if (opts.exclusive) await lock.acquire();
}`,
    // An await of something else in between lets other code run.
    `${imports}
const lock = new Lock();
declare function tick(): Promise<void>;
export async function f(opts: { exclusive: boolean }) {
  if (opts.exclusive) await lock.acquire();
  await tick();
  if (opts.exclusive) await lock.acquire();
}`,
    // Different members, different expressions, a key computed at run time: nothing correlates.
    `${imports}
const lock = new Lock();
export async function f(opts: { a: boolean; b: boolean }) {
  if (opts.a) await lock.acquire();
  if (opts.b) await lock.acquire();
}`,
    `${imports}
const lock = new Lock();
export async function f(a: boolean, b: boolean) {
  if (a && b) await lock.acquire();
  if (a || b) await lock.acquire();
}`,
    `${imports}
const lock = new Lock();
export async function f(opts: Record<string, boolean>, key: string) {
  if (opts[key]) await lock.acquire();
  if (opts[key]) await lock.acquire();
}`,
    // Taken when the flag is set, re-taken when it is not: never both.
    `${imports}
const lock = new Lock();
export async function f(opts: { exclusive: boolean }) {
  if (opts.exclusive) await lock.acquire();
  if (!opts.exclusive) await lock.acquire();
}`,
    // Sequential acquisitions: the first guard is disposed at the end of its block.
    `${imports}
const lock = new Lock();
export async function f() {
  { using g = await lock.acquire(); }
  using h = await lock.acquire();
}`,
    // An RLock is re-entrant.
    `${imports}
const lock = new RLock();
export async function f() {
  using g = await lock.acquire();
  using h = await lock.acquire();
}`,
    // Hand-over-hand up a tree: the recursive call takes the parent's lock, not the one held.
    `${imports}
interface TreeNode { lock: Mutex; parent?: TreeNode }
export async function lockUp(node: TreeNode): Promise<void> {
  const release = await node.lock.acquire();
  try {
    if (node.parent) await lockUp(node.parent);
  } finally {
    release();
  }
}`,
    // Every call makes its own lock: recursion does not meet the caller's.
    `${imports}
export async function fresh(depth: number): Promise<void> {
  const lock = new Lock();
  await lock.withLock(async () => {
    if (depth > 0) await fresh(depth - 1);
  });
}`,
    // A lock callback nobody waits for runs in its own time: the caller's lock is not its to wait
    // on.
    `${imports}
const a = new Mutex();
const b = new Mutex();
export async function f() {
  const release = await a.acquire();
  try {
    void b.runExclusive(async () => {
      await a.runExclusive(() => undefined);
    });
  } finally {
    release();
  }
}`,
    // Likewise through a call: the helper does not wait for its callback.
    `${imports}
const a = new Mutex();
const b = new Mutex();
function kick() {
  void b.runExclusive(async () => {
    await a.runExclusive(() => undefined);
  });
}
export async function f() {
  await a.runExclusive(async () => {
    kick();
  });
}`,
    // Two different locks.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function f() {
  using g = await a.acquire();
  using h = await b.acquire();
}`,
    // Released in finally before re-acquiring.
    `${imports}
const lock = new Lock();
export async function f() {
  await lock.acquire();
  try { work(); } finally { lock.release(); }
  await lock.withLock(() => work());
}
declare function work(): void;`,
    // A try-acquire never waits.
    `${imports}
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  using h = lock.tryAcquire();
}`,
    // A callback that runs later does not run under the lock.
    `${imports}
const lock = new Lock();
export async function f() {
  await lock.withLock(() => {
    setTimeout(() => void lock.withLock(() => undefined), 0);
  });
}`,
    // async-mutex: runExclusive after the releaser was called.
    `${imports}
const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  release();
  await mutex.runExclusive(() => undefined);
}`,
    // async-mutex: tryAcquire(m) rejects instead of waiting.
    `${imports}
const mutex = new Mutex();
export async function f() {
  await mutex.runExclusive(async () => {
    await tryAcquire(mutex).acquire().catch(() => undefined);
  });
}`,
    // A semaphore may have permits left.
    `${imports}
const sem = new Semaphore(2);
export async function f() {
  using a = await sem.acquire();
  using b = await sem.acquire();
}`,
    // Web Locks: two different names.
    `${imports}
export async function f() {
  await navigator.locks.request('a', async () => {
    await navigator.locks.request('b', async () => undefined);
  });
}`,
    // Web Locks: shared requests of one name do not exclude each other.
    `${imports}
export async function f() {
  await navigator.locks.request('cache', { mode: 'shared' }, async () => {
    await navigator.locks.request('cache', { mode: 'shared' }, async () => undefined);
  });
}`,
    // Web Locks: ifAvailable never waits.
    `${imports}
export async function f() {
  await navigator.locks.request('cache', async () => {
    await navigator.locks.request('cache', { ifAvailable: true }, async () => undefined);
  });
}`,
    // Two instances of one class are different locks.
    `${imports}
class Account { readonly lock = new Lock(); }
export async function transfer(a: Account, b: Account) {
  using g = await a.lock.acquire();
  using h = await b.lock.acquire();
}`,
    // A lock taken in only one branch is not held for sure after the if.
    `${imports}
const lock = new Lock();
export async function f(flag: boolean) {
  if (flag) await lock.acquire();
  await lock.withLock(() => undefined);
}`,
    // Calls: the callee takes the lock only in a timer callback.
    `${imports}
export async function f() {
  await sharedLock.withLock(async () => {
    await updateSharedLater();
  });
}`,
    // Calls: the callee's lock is reached through another instance.
    `${imports}
class Store {
  readonly lock = new Lock();
  async save() { await this.lock.withLock(() => undefined); }
  async copyTo(other: Store) {
    await this.lock.withLock(async () => { await other.save(); });
  }
}`,
    // An acquire left pending cannot block the task that made it.
    `${imports}
const lock = new Lock();
export async function f(items: number[]) {
  using g = await lock.acquire();
  items.forEach(() => { void lock.withLock(() => undefined); });
  const pending = lock.acquire();
  g.release();
  (await pending).release();
}`,
    // Released by a closure: where the hold ends is unknown, so it is no longer held for sure.
    `${imports}
const lock = new Lock();
export async function f() {
  const holder = await lock.acquire();
  setTimeout(() => holder.release(), 100);
  using next = await lock.acquire();
}`,
    `${imports}
const lock = new Lock();
export async function f() {
  await lock.acquire();
  await (async () => lock.release())();
  (await lock.acquire()).release();
}`,
    // Through a call that is not waited for.
    `${imports}
export async function f() {
  using g = await sharedLock.acquire();
  void updateShared();
}`,
    // A shared RLock imported from another file.
    `${imports}
export async function f() {
  await sharedRLock.withLock(async () => {
    using g = await sharedRLock.acquire();
  });
}`,
    // A Condition on its default RLock is re-entrant.
    `${imports}
const cond = new Condition();
export async function f() {
  await cond.withLock(async () => {
    using g = await cond.acquire();
  });
}`,
    // await-lock: released before acquiring again.
    `${imports}
const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  lock.release();
  await lock.acquireAsync();
  lock.release();
}`,
    // Correlated branches: different conditions prove nothing.
    `${imports}
const lock = new Lock();
export async function f(a: boolean, b: boolean) {
  if (a) await lock.acquire();
  try {
    if (b) await lock.acquire();
  } finally {
    if (a) lock.release();
  }
}`,
    // The same name, but reassigned in between: the two tests may disagree.
    `${imports}
const lock = new Lock();
export async function f(flag: boolean) {
  if (flag) await lock.acquire();
  flag = !flag;
  if (flag) await lock.acquire();
}`,
    // Released under the same condition before it is taken again.
    `${imports}
const lock = new Lock();
export async function f(exclusive: boolean) {
  if (exclusive) await lock.acquire();
  if (exclusive) lock.release();
  if (exclusive) await lock.acquire();
  if (exclusive) lock.release();
}`,
    // Held on the true branch, taken again on the false one.
    `${imports}
const lock = new Lock();
export async function f(exclusive: boolean) {
  if (exclusive) await lock.acquire();
  if (!exclusive) await lock.acquire();
}`,
    // A lock from a Map has no identity: two lookups may be two locks.
    `${imports}
const locks = new Map<string, Mutex>();
export async function f(a: string, b: string) {
  await locks.get(a)!.runExclusive(async () => {
    await locks.get(b)!.runExclusive(() => undefined);
  });
}`,
    // A getter that returns one field of another class instance is that instance's field.
    `${imports}
class Account { readonly #lock = new Lock(); lock() { return this.#lock; } }
export async function f(a: Account, b: Account) {
  await a.lock().withLock(async () => {
    await b.lock().withLock(() => undefined);
  });
}`,
    // An RLock re-entered with using, or from withLock, has an owner.
    `${imports}
const r = new RLock();
export async function f() {
  using outer = await r.acquire();
  await r.withLock(async () => undefined);
}`,
    `${imports}
const r = new RLock();
export async function f() {
  await r.withLock(async () => {
    using inner = await r.acquire();
  });
}`,
  ],
  invalid: [
    // Correlated branches on the same expression, unchanged in between (issue 11).
    {
      code: `${imports}
class Store {
  readonly lock = new Lock();
  exclusive = false;
  async run() {
    if (this.exclusive) await this.lock.acquire();
    try {
      if (this.exclusive) await this.lock.acquire();
    } finally {
      if (this.exclusive) this.lock.release();
    }
  }
}`,
      errors: [
        { messageId: 'selfDeadlock', line: 12, column: 33, data: { lock: 'Store.lock', line: 10 } },
      ],
    },
    {
      code: `${imports}
const mutex = new Mutex();
export async function f(opts: { exclusive: boolean }, items: number[]) {
  if (opts.exclusive) await mutex.acquire();
  let total = 0;
  for (const item of items) total += item;
  if (opts.exclusive) await mutex.runExclusive(() => total);
}`,
      errors: [
        { messageId: 'selfDeadlock', line: 11, column: 29, data: { lock: 'mutex', line: 8 } },
      ],
    },
    {
      code: `${imports}
const lock = new Lock();
export async function f(a: boolean, b: boolean) {
  if (a && b) await lock.acquire();
  if (a && b) await lock.acquire();
}`,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 21, data: { lock: 'lock', line: 8 } }],
    },
    {
      code: `${imports}
class Store {
  readonly lock = new Lock();
  shared = false;
  async run() {
    if (!this.shared) {
      await this.lock.acquire();
    }
    if (!this.shared) await this.lock.acquire();
  }
}`,
      errors: [
        { messageId: 'selfDeadlock', line: 13, column: 29, data: { lock: 'Store.lock', line: 11 } },
      ],
    },
    // Correlated branches: held exactly when `exclusive`, taken again under the same test.
    {
      code: `${imports}
const lock = new Lock();
export async function f(exclusive: boolean) {
  if (exclusive) await lock.acquire();
  try {
    if (exclusive) await lock.acquire();
  } finally {
    if (exclusive) lock.release();
  }
}`,
      errors: [
        { messageId: 'selfDeadlock', line: 10, column: 26, data: { lock: 'lock', line: 8 } },
      ],
    },
    {
      code: `${imports}
const mutex = new Mutex();
async function save() { await mutex.runExclusive(() => undefined); }
export async function f(options: { locked: boolean }) {
  const locked = options.locked;
  if (!locked) {
    // nothing
  } else {
    await mutex.acquire();
  }
  if (locked) await save();
  if (locked) mutex.release();
}`,
      errors: [{ messageId: 'selfDeadlockViaCall', line: 15, column: 21 }],
    },
    // Locks reached through getters have their field's identity.
    {
      code: `${imports}
export class Store {
  readonly #mutex = new Mutex();
  get mutex() { return this.#mutex; }
  getMutex() { return this.#mutex; }
  async save() {
    await this.mutex.runExclusive(async () => {
      await this.getMutex().runExclusive(() => undefined);
    });
  }
}`,
      errors: [
        {
          messageId: 'selfDeadlock',
          line: 12,
          column: 13,
          data: { lock: 'Store.#mutex', line: 11 },
        },
      ],
    },
    // Plain-style RLock holds have no owner: re-entry waits forever.
    {
      code: `${imports}
const r = new RLock();
export async function f() {
  await r.acquire();
  try {
    await r.withLock(async () => undefined);
  } finally {
    r.release();
  }
}`,
      errors: [{ messageId: 'plainReentry', line: 10, column: 11, data: { lock: 'r', line: 8 } }],
    },
    {
      code: `${imports}
const ready = new Condition();
async function check() {
  using g = await ready.acquire();
}
export async function f() {
  const g = await ready.acquire();
  try {
    await check();
  } finally {
    g.release();
  }
}`,
      errors: [{ messageId: 'plainReentryViaCall', line: 13, column: 11 }],
    },
    {
      code: `${imports}
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  using h = await lock.acquire();
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 19, data: { lock: 'lock', line: 8 } }],
    },
    {
      code: `${imports}
const lock = new Lock();
export async function f() {
  await lock.withLock(async () => {
    await lock.withLock(() => undefined);
  });
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 11 }],
    },
    {
      code: `${imports}
const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  try {
    await mutex.runExclusive(() => undefined);
  } finally {
    release();
  }
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 10, column: 11 }],
    },
    {
      code: `${imports}
export async function f() {
  await navigator.locks.request('cache', async () => {
    await navigator.locks.request('cache', async () => undefined);
  });
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 8, column: 11, data: { lock: "'cache'", line: 7 } },
      ],
    },
    {
      code: `${imports}
const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  try {
    await lock.acquireAsync();
  } finally {
    lock.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 10, column: 11 }],
    },
    {
      code: `${imports}
class Account {
  readonly lock = new Lock();
  async deposit() {
    using g = await this.lock.acquire();
    await this.audit();
  }
  async audit() {
    await this.lock.withLock(() => undefined);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'selfDeadlockViaCall',
          line: 10,
          column: 11,
          data: { callee: 'audit', lock: 'Account.lock', via: '', line: 9 },
        },
      ],
    },
    {
      code: `${imports}
export async function f() {
  using g = await sharedLock.acquire();
  await updateShared();
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlockViaCall', line: 8, column: 9 }],
    },
    {
      code: `${imports}
export async function f() {
  await sharedLock.withLock(async () => {
    await updateSharedIndirect();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'selfDeadlockViaCall',
          line: 8,
          column: 11,
          data: {
            callee: 'updateSharedIndirect',
            lock: 'sharedLock',
            via: ' (through `updateShared()`)',
            line: 7,
          },
        },
      ],
    },
    {
      code: `${imports}
export async function f() {
  await sharedMutex.runExclusive(async () => {
    await updateSharedMutex();
  });
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlockViaCall', line: 8, column: 11 }],
    },
    {
      code: `${imports}
const lock = new Lock();
const alias = lock;
export async function f() {
  using g = await lock.acquire();
  await alias.withLock(() => undefined);
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 10, column: 9 }],
    },
    {
      // Returned to withLock, which waits for it.
      code: `${imports}
const lock = new Lock();
export function f() {
  return lock.withLock(() => lock.withLock(() => undefined));
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 8, column: 30 }],
    },
    {
      code: `${imports}
const lock = new Lock();
const cond = new Condition(lock);
export async function f() {
  await cond.withLock(async () => {
    using g = await lock.acquire();
  });
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 10, column: 21 }],
    },
    {
      code: `${imports}
const lock = new Lock();
export async function f() {
  const g = lock.tryAcquire();
  if (!g) return;
  try {
    await lock.acquire();
  } finally {
    g.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 11, column: 11 }],
    },
    {
      code: `${imports}
const mutex = new Mutex();
export async function f() {
  await mutex.runExclusive(async () => {
    await withTimeout(mutex, 100).acquire();
  });
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 11 }],
    },
    {
      // Mutual recursion: b's summary must not keep what was cut while a's was being made.
      code: `${imports}
const x = new Lock();
const y = new Lock();
async function a(n: number): Promise<void> {
  await y.withLock(() => undefined);
  if (n > 0) await b(n - 1);
}
async function b(n: number): Promise<void> {
  await x.withLock(() => undefined);
  if (n > 0) await a(n - 1);
}
export async function f() {
  using g = await x.acquire();
  await a(1);
}
export async function h() {
  using g = await y.acquire();
  await b(1);
}`,
      output: null,
      errors: [
        {
          messageId: 'selfDeadlockViaCall',
          line: 18,
          column: 9,
          data: { callee: 'a', lock: 'x', via: ' (through `b()`)', line: 17 },
        },
        {
          messageId: 'selfDeadlockViaCall',
          line: 22,
          column: 9,
          data: { callee: 'b', lock: 'y', via: ' (through `a()`)', line: 21 },
        },
      ],
    },
    {
      // The held lock passed to a function that acquires its parameter.
      code: `${imports}
const lock = new Lock();
async function touch(target: Lock) {
  await target.withLock(() => undefined);
}
export async function f() {
  using g = await lock.acquire();
  await touch(lock);
}`,
      output: null,
      errors: [
        {
          messageId: 'selfDeadlockViaCall',
          line: 12,
          column: 9,
          data: { callee: 'touch', lock: 'lock', via: '', line: 11 },
        },
      ],
    },
    {
      // A default import names the binding behind \`export default\`.
      code: `${imports}import defaultMutex from './shared-locks.ts';
export async function f() {
  await sharedMutex.runExclusive(async () => {
    await defaultMutex.runExclusive(() => undefined);
  });
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 8, column: 11, data: { lock: 'sharedMutex', line: 7 } },
      ],
    },
    {
      // A re-export through a barrel, renamed on the way, is still the one lock.
      code: `${imports}import { reexportedLock } from './reexported-locks.ts';
export async function f() {
  using g = await sharedLock.acquire();
  await reexportedLock.withLock(() => undefined);
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 8, column: 9, data: { lock: 'sharedLock', line: 7 } },
      ],
    },
    {
      // A namespace import names the exported binding.
      code: `${imports}import * as locks from './shared-locks.ts';
export async function f() {
  using g = await sharedLock.acquire();
  await locks.sharedLock.withLock(() => undefined);
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 8, column: 9, data: { lock: 'sharedLock', line: 7 } },
      ],
    },
    {
      // In a static method `this.lock` is `Store.lock`.
      code: `${imports}
export class Store {
  static readonly lock = new Mutex();
  static async save() {
    await Store.lock.runExclusive(() => this.flush());
  }
  static async flush() {
    await this.lock.runExclusive(() => undefined);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'selfDeadlockViaCall',
          line: 9,
          column: 41,
          data: { callee: 'flush', lock: 'Store.lock', via: '', line: 9 },
        },
      ],
    },
    {
      // One lock under two import names.
      code: `${imports}import { sharedLock as renamed } from './shared-locks.ts';
export async function f() {
  using g = await sharedLock.acquire();
  await renamed.withLock(() => undefined);
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 8, column: 9, data: { lock: 'sharedLock', line: 7 } },
      ],
    },
    {
      // worker_threads flavour: acquire() blocks the thread and returns the guard at once.
      code: `import { Lock } from '@interlock/primitives/threads';
const lock = new Lock();
export function f() {
  using a = lock.acquire();
  using b = lock.acquire();
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 5, column: 13 }],
    },
  ],
});

// Without type information only same-file declarations are known, and calls are not followed.
untypedRuleTester().run('no-self-deadlock (no type information)', rule, {
  valid: [
    `${imports}
export async function f() {
  using g = await sharedLock.acquire();
  await updateShared();
}`,
    `${imports}
export async function f(lock: Lock) {
  using g = await lock.acquire();
  using h = await lock.acquire();
}`,
  ],
  invalid: [
    {
      code: `${imports}
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  await lock.withLock(() => undefined);
}`,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 9 }],
    },
    {
      code: `${imports}
class Store {
  readonly mutex = new Mutex();
  async f() {
    await this.mutex.runExclusive(() => this.mutex.runExclusive(() => undefined));
  }
}`,
      output: null,
      errors: [
        { messageId: 'selfDeadlock', line: 9, column: 41, data: { lock: 'Store.mutex', line: 9 } },
      ],
    },
  ],
});

import rule from '../../src/rules/no-unmanaged-acquire.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

const imports = `import { Lock, Semaphore, Condition } from '@interlock/primitives';
import { Mutex, Semaphore as MutexSemaphore } from 'async-mutex';
import AwaitLock from 'await-lock';
declare function work(): void;
`;

// A user's own lock type, declared through settings.interlock.locks.
const customLock = `
declare class SpinLock { lock(): Promise<void>; unlock(): void; }
const spin = new SpinLock();
`;
const customSettings = {
  interlock: {
    locks: [{ type: { from: 'file', name: 'SpinLock' }, acquire: ['lock'], release: ['unlock'] }],
  },
};

typedRuleTester().run('no-unmanaged-acquire', rule, {
  valid: [
    `${imports}const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  work();
}`,
    `${imports}const lock = new Lock();
export async function f() {
  await using g = await lock.acquire();
  work();
}`,
    `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  try {
    work();
  } finally {
    lock.release();
  }
}`,
    `${imports}const lock = new Lock();
export async function f() {
  const g = await lock.acquire();
  try {
    work();
  } finally {
    g.release();
  }
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  try {
    work();
  } finally {
    release();
  }
}`,
    `${imports}const sem = new MutexSemaphore(3);
export async function f() {
  const [, release] = await sem.acquire();
  try {
    work();
  } finally {
    release();
  }
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  await mutex.runExclusive(() => work());
}`,
    `${imports}const lock = new Lock();
export async function f() {
  await lock.withLock(() => work());
}`,
    `${imports}export async function f() {
  await navigator.locks.request('cache', async () => work());
}`,
    `${imports}const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  try {
    work();
  } finally {
    lock.release();
  }
}`,
    `${imports}const lock = new Lock();
export function f() {
  const g = lock.tryAcquire();
  if (g) {
    try {
      work();
    } finally {
      g.release();
    }
  }
}`,
    `${imports}const lock = new Lock();
export function f() {
  using g = lock.tryAcquire();
  if (g) work();
}`,
    `${imports}const lock = new AwaitLock();
export function f() {
  if (lock.tryAcquire()) {
    try {
      work();
    } finally {
      lock.release();
    }
  }
}`,
    // The caller manages what is returned or passed on.
    `${imports}const lock = new Lock();
export function take() {
  return lock.acquire();
}`,
    `${imports}const lock = new Lock();
declare function register(guard: Disposable): void;
export async function f() {
  const g = await lock.acquire();
  register(g);
}`,
    `${imports}const a = new Lock();
const b = new Lock();
export async function f() {
  const [ga, gb] = await Promise.all([a.acquire(), b.acquire()]);
  using both = new DisposableStack();
  both.use(ga);
  both.use(gb);
}`,
    // Seen in real code: the releaser is handed to a closure that runs later; its owner ends the
    // hold.
    `${imports}const mutex = new Mutex();
export async function f() {
  const releaseLock = await mutex.acquire();
  return (async () => {
    work();
  })().finally(() => {
    releaseLock();
  });
}`,
    `${imports}const mutex = new Mutex();
export async function lockOnce(): Promise<() => void> {
  const release = await mutex.acquire();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}`,
    // A lock wrapper's own acquire method: the function never releases the lock, its caller does.
    `${imports}class KeyedMutex {
  readonly #locks = new Map<string, Mutex>();
  async acquire(key: string) {
    const mutex = this.#locks.get(key)!;
    await mutex.acquire();
  }
  release(key: string) {
    this.#locks.get(key)?.release();
  }
}`,
    `${imports}const lock = new Lock();
export async function enter() {
  await lock.acquire();
}`,
    // Not a lock: a look-alike is not recognised by its method names.
    `${imports}class Pool { async acquire() { return 1; } release() {} }
const pool = new Pool();
export async function f() {
  await pool.acquire();
  work();
  pool.release();
}`,
    // async-mutex has no Disposable guard: preferUsing leaves it alone.
    {
      code: `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  try {
    work();
  } finally {
    release();
  }
}`,
      options: [{ preferUsing: true }],
    },
    {
      code: `${imports}${customLock}
export async function f() {
  await spin.lock();
  try {
    work();
  } finally {
    spin.unlock();
  }
}`,
      settings: customSettings,
    },
    // Precision on real code: statements that cannot throw may sit between the acquire and the try.
    `${imports}const mutex = new Mutex();
const waiting = new Set<string>();
export async function drain() {
  const release = await mutex.acquire();
  let flushed = false;
  const names = Array.from(waiting);
  waiting.clear();
  try {
    flushed = names.length > 0;
    work();
  } finally {
    release();
  }
  return flushed;
}`,
    `${imports}const lock = new Lock();
export async function f(items: string[]) {
  await lock.acquire();
  const label = \`items: \${items.length}\`;
  items.push(label);
  try { work(); } finally { lock.release(); }
}`,
    // A readers' gate: acquired in a loop, left through break; the last reader releases in finally.
    `${imports}export class ReadGate {
  private readers = 0;
  private mu = new Mutex();
  async withRead<T>(fn: () => Promise<T>): Promise<T> {
    while (this.readers === 0) {
      if (this.mu.isLocked()) { await new Promise((resolve) => setTimeout(resolve, 10)); continue; }
      await this.mu.acquire();
      break;
    }
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.readers === 0) this.mu.release();
    }
  }
}`,
    // Gate lock: one method acquires (and releases on one branch), a sibling only releases.
    `${imports}export class Sessions {
  private readonly gate = new Mutex();
  private open = 0;
  constructor(private readonly max: number) {}
  async acquireSession() {
    if (this.gate.isLocked()) {
      await this.gate.acquire();
      if (this.open < this.max) this.gate.release();
    }
    this.open++;
    if (this.open >= this.max) await this.gate.acquire();
  }
  releaseSession() {
    this.open--;
    if (this.gate.isLocked() && this.open < this.max) this.gate.release();
  }
}`,
    // The same hand-off between module functions.
    `${imports}const gate = new Lock();
export async function enter() {
  await gate.acquire();
}
export function leave() {
  gate.release();
}`,
    // A finally that tests the releaser itself releases on every path that acquired.
    `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  try { work(); } finally { if (release) release(); }
}`,
    // Acquire immediately followed by its release (a barrier: wait for the current holder).
    // Nothing that can throw runs in between, so no path leaves the lock held.
    `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  lock.release();
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  await mutex.acquire();
  mutex.release();
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  release();
}`,
    `${imports}const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  let drained = true;
  lock.release();
  return drained;
}`,
    // Only a push onto an array (cannot throw, see cannot-throw.ts) between acquire and release.
    `${imports}class Store {
  readonly lock = new Lock();
  readonly items: number[] = [];
  async add(item: number) {
    await this.lock.acquire();
    this.items.push(item);
    this.lock.release();
  }
}`,
    `${imports}const sem = new Semaphore(2);
export async function f() {
  await sem.acquire();
  sem.release();
}`,
  ],
  invalid: [
    // Precision on real code: a statement that can throw between acquire and try is still reported.
    {
      code: `${imports}const mutex = new Mutex();
const waiting = new Map<string, () => void>();
export async function f(name: string) {
  const release = await mutex.acquire();
  const names = Array.from(waiting);
  waiting.get(name)!();
  try { work(); } finally { release(); }
  return names;
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 8, column: 25 }],
    },
    // A sibling that acquires as well as releases is an ordinary user, not a gate's other half.
    {
      code: `${imports}export class Store {
  private readonly lock = new Mutex();
  async save() {
    await this.lock.acquire();
    work();
    this.lock.release();
  }
  async load() {
    await this.lock.acquire();
    try { work(); } finally { this.lock.release(); }
  }
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 8, column: 11 }],
    },
    // A finally that releases only when a local flag says so.
    {
      code: `${imports}const sem = new MutexSemaphore(2);
export async function f(flag: boolean) {
  await sem.acquire();
  try {
    work();
  } finally {
    if (flag) sem.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'conditionalRelease',
          line: 7,
          column: 9,
          data: { lock: 'sem', method: 'acquire', condition: 'flag' },
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  let done = false;
  await lock.acquire();
  try {
    work();
    done = true;
  } finally {
    if (!done) lock.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'conditionalRelease', line: 8, column: 9 }],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  work();
  lock.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 9,
          data: { lock: 'lock', method: 'acquire' },
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  using guard = await lock.acquire();
  work();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  const g = await lock.acquire();
  work();
  g.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 19,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  work();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  work();
  release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 25,
          data: { lock: 'mutex', method: 'acquire' },
          suggestions: [],
        },
      ],
    },
    {
      code: `${imports}const sem = new MutexSemaphore(2);
export async function f() {
  const [, release] = await sem.acquire();
  work();
  release();
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 7, column: 29, suggestions: [] }],
    },
    {
      code: `${imports}const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  work();
  lock.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 9,
          data: { lock: 'lock', method: 'acquireAsync' },
          suggestions: [],
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  try {
    await lock.acquire();
    work();
  } finally {
    lock.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'acquireInsideTry',
          line: 8,
          column: 11,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  using guard = await lock.acquire();
  work();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}const mutex = new Mutex();
export async function f() {
  try {
    await mutex.acquire();
    work();
  } finally {
    mutex.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'acquireInsideTry', line: 8, column: 11, suggestions: [] }],
    },
    {
      // Something between the acquire and the try can throw and leak the lock.
      code: `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  work();
  try {
    work();
  } finally {
    lock.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 7, column: 9, suggestions: [] }],
    },
    {
      code: `${imports}const lock = new Lock();
export function f() {
  const g = lock.tryAcquire();
  if (g) {
    work();
    g.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 13,
          data: { lock: 'lock', method: 'tryAcquire' },
          suggestions: [],
        },
      ],
    },
    {
      code: `${imports}const lock = new AwaitLock();
export function f() {
  if (lock.tryAcquire()) {
    work();
    lock.release();
  }
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 7, column: 7, suggestions: [] }],
    },
    {
      code: `${imports}class Store {
  readonly lock = new Lock();
  readonly items: number[] = [];
  async add(item: number) {
    await this.lock.acquire();
    this.items.push(item);
    work();
    this.lock.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 9,
          column: 11,
          data: { lock: 'Store.lock', method: 'acquire' },
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}class Store {
  readonly lock = new Lock();
  readonly items: number[] = [];
  async add(item: number) {
    using guard = await this.lock.acquire();
    this.items.push(item);
    work();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  try {
    work();
  } finally {
    lock.release();
  }
}`,
      options: [{ preferUsing: true }],
      output: null,
      errors: [
        {
          messageId: 'preferUsing',
          line: 7,
          column: 9,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  using guard = await lock.acquire();
  work();
}`,
            },
          ],
        },
      ],
    },
    {
      // Statements follow the try: the guard gets a block of its own, so the lock is not held over
      // them.
      code: `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  try {
    work();
  } finally {
    lock.release();
  }
  await lock.withLock(work);
}`,
      options: [{ preferUsing: true }],
      output: null,
      errors: [
        {
          messageId: 'preferUsing',
          line: 7,
          column: 9,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  {
    using guard = await lock.acquire();
    work();
  }
  await lock.withLock(work);
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export async function f() {
  const g = await lock.acquire();
  work();
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 7, column: 19, suggestions: [] }],
    },
    {
      code: `${imports}const cond = new Condition();
export async function f() {
  await cond.acquire();
  cond.notify();
  cond.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 7,
          column: 9,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const cond = new Condition();
export async function f() {
  using guard = await cond.acquire();
  cond.notify();
}`,
            },
          ],
        },
      ],
    },
    {
      // The try has a block of its own, so unwrapping it there cannot clash with the outer `value`.
      code: `${imports}const lock = new Lock();
export async function f() {
  const value = 1;
  {
    try {
      await lock.acquire();
      const value = 2;
      work();
    } finally {
      lock.release();
    }
  }
  return value;
}`,
      output: null,
      errors: [
        {
          messageId: 'acquireInsideTry',
          line: 10,
          column: 13,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  const value = 1;
  {
    using guard = await lock.acquire();
    const value = 2;
    work();
  }
  return value;
}`,
            },
          ],
        },
      ],
    },
    {
      // The try body declares a name its block already has: unwrapping would clash, so the body
      // keeps a block of its own.
      code: `${imports}const lock = new Lock();
export async function f() {
  const value = 1;
  work();
  try {
    await lock.acquire();
    const value = 2;
    work();
  } finally {
    lock.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'acquireInsideTry',
          line: 10,
          column: 11,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `${imports}const lock = new Lock();
export async function f() {
  const value = 1;
  work();
  {
    using guard = await lock.acquire();
    const value = 2;
    work();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      // The guard is read after the try: neither unwrapping (held too long) nor a block (out of
      // scope).
      code: `${imports}const lock = new Lock();
export async function f() {
  const g = await lock.acquire();
  try {
    work();
  } finally {
    g.release();
  }
  return g.released;
}`,
      options: [{ preferUsing: true }],
      output: null,
      errors: [{ messageId: 'preferUsing', line: 7, column: 19, suggestions: [] }],
    },
    {
      code: `${imports}${customLock}
export async function f() {
  await spin.lock();
  work();
  spin.unlock();
}`,
      settings: customSettings,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 10,
          column: 9,
          data: { lock: 'spin', method: 'lock' },
          suggestions: [],
        },
      ],
    },
    {
      // worker_threads flavour: the blocking acquire holds the lock as soon as it returns.
      code: `import { Lock } from '@interlock/primitives/threads';
declare function work(): void;
const lock = new Lock();
export function f() {
  const g = lock.acquire();
  work();
  g.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 5,
          column: 13,
          suggestions: [
            {
              messageId: 'useUsing',
              output: `import { Lock } from '@interlock/primitives/threads';
declare function work(): void;
const lock = new Lock();
export function f() {
  using g = lock.acquire();
  work();
}`,
            },
          ],
        },
      ],
    },
  ],
});

untypedRuleTester().run('no-unmanaged-acquire (no type information)', rule, {
  valid: [
    `${imports}const mutex = new Mutex();
export async function f() {
  await mutex.acquire();
  mutex.release();
}`,
    `${imports}export async function f(lock: Lock) {
  await lock.acquire();
  work();
}`,
  ],
  invalid: [
    {
      code: `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  work();
  release();
}`,
      output: null,
      errors: [{ messageId: 'unmanaged', line: 7, column: 25, suggestions: [] }],
    },
  ],
});

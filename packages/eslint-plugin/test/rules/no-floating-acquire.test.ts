import rule from '../../src/rules/no-floating-acquire.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

const imports = `import { Lock, Semaphore, Condition } from '@interlock/primitives';
import { Mutex, Semaphore as MutexSemaphore } from 'async-mutex';
import AwaitLock from 'await-lock';
declare function work(): void;
`;

typedRuleTester().run('no-floating-acquire', rule, {
  valid: [
    `${imports}const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
}`,
    `${imports}const lock = new Lock();
export async function f() {
  await lock.acquire();
  try { work(); } finally { lock.release(); }
}`,
    `${imports}const lock = new Lock();
export function f() {
  return lock.acquire();
}`,
    `${imports}const lock = new Lock();
export const f = () => lock.acquire();`,
    `${imports}const lock = new Lock();
export function f() {
  const pending = lock.acquire();
  return pending;
}`,
    `${imports}const lock = new Lock();
export function f() {
  lock.acquire().then((g) => { work(); g.release(); }, () => undefined);
}`,
    `${imports}const a = new Lock();
const b = new Lock();
export async function f() {
  const guards = await Promise.all([a.acquire(), b.acquire()]);
  for (const g of guards) g.release();
}`,
    `${imports}const lock = new Lock();
export function f() {
  using g = lock.tryAcquire();
  if (g) work();
}`,
    `${imports}const lock = new AwaitLock();
export function f() {
  if (lock.tryAcquire()) {
    try { work(); } finally { lock.release(); }
  }
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  const release = await mutex.acquire();
  release();
}`,
    `${imports}const sem = new MutexSemaphore(2);
export async function f() {
  const [value, release] = await sem.acquire();
  release();
  return value;
}`,
    // The callback forms hand the lock back themselves; no-floating-promises covers their promise.
    `${imports}const mutex = new Mutex();
export function f() {
  void mutex.runExclusive(() => work());
}`,
    `${imports}export function f() {
  void navigator.locks.request('cache', async () => work());
}`,
    `${imports}const lock = new AwaitLock();
export async function f() {
  await lock.acquireAsync();
  lock.release();
}`,
    // Waiting for the lock to be free is not an acquire.
    `${imports}const mutex = new Mutex();
export function f() {
  void mutex.waitForUnlock();
}`,
    `${imports}class Pool { acquire() { return Promise.resolve(1); } }
export function f(pool: Pool) {
  pool.acquire();
}`,
    // worker_threads flavour: a blocking acquire that returns the guard, released through the lock.
    `import { Lock } from '@interlock/primitives/threads';
declare function work(): void;
const lock = new Lock();
export function f() {
  lock.acquire();
  try { work(); } finally { lock.release(); }
}`,
  ],
  invalid: [
    {
      code: `${imports}const lock = new Lock();
export function f() {
  lock.acquire();
  work();
}`,
      output: null,
      errors: [
        { messageId: 'floating', line: 7, column: 3, data: { lock: 'lock', method: 'acquire' } },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export function f() {
  void lock.acquire();
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 8 }],
    },
    {
      code: `${imports}const mutex = new Mutex();
export function f() {
  mutex.acquire();
}`,
      output: null,
      errors: [
        { messageId: 'floating', line: 7, column: 3, data: { lock: 'mutex', method: 'acquire' } },
      ],
    },
    {
      code: `${imports}const sem = new MutexSemaphore(4);
export function f() {
  sem.acquire();
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 3 }],
    },
    {
      code: `${imports}const lock = new AwaitLock();
export function f() {
  lock.acquireAsync();
}`,
      output: null,
      errors: [
        {
          messageId: 'floating',
          line: 7,
          column: 3,
          data: { lock: 'lock', method: 'acquireAsync' },
        },
      ],
    },
    {
      code: `${imports}const lock = new Lock();
export function f() {
  const pending = lock.acquire();
  work();
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 19 }],
    },
    {
      code: `${imports}const locks = [new Lock(), new Lock()];
export function f() {
  locks.forEach((lock) => lock.acquire());
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 27 }],
    },
    {
      code: `${imports}const lock = new Lock();
export function f() {
  lock.tryAcquire();
  work();
}`,
      output: null,
      errors: [
        {
          messageId: 'droppedTryResult',
          line: 7,
          column: 3,
          data: { lock: 'lock', method: 'tryAcquire' },
        },
      ],
    },
    {
      code: `${imports}const lock = new AwaitLock();
export function f() {
  lock.tryAcquire();
}`,
      output: null,
      errors: [{ messageId: 'droppedTryResult', line: 7, column: 3 }],
    },
    {
      code: `${imports}class Store {
  readonly lock = new Semaphore(2);
  start() {
    this.lock.acquire();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'floating',
          line: 8,
          column: 5,
          data: { lock: 'Store.lock', method: 'acquire' },
        },
      ],
    },
    {
      code: `${imports}const cond = new Condition();
export function f() {
  cond.acquire();
  cond.notify();
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 3 }],
    },
  ],
});

untypedRuleTester().run('no-floating-acquire (no type information)', rule, {
  valid: [`${imports}export function f(lock: Lock) { lock.acquire(); }`],
  invalid: [
    {
      code: `${imports}const lock = new Lock();
export function f() {
  lock.acquire();
}`,
      output: null,
      errors: [{ messageId: 'floating', line: 7, column: 3 }],
    },
  ],
});

import rule from '../../src/rules/require-condition-lock.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

const imports = `import { Lock, Condition, Event } from '@interlock/primitives';
import { Mutex } from 'async-mutex';
const cond = new Condition();
const queue: number[] = [];
`;

typedRuleTester().run('require-condition-lock', rule, {
  valid: [
    `${imports}export async function put(item: number) {
  using g = await cond.acquire();
  queue.push(item);
  cond.notify();
}`,
    `${imports}export async function take() {
  return cond.withLock(async () => {
    while (queue.length === 0) await cond.wait();
    return queue.shift();
  });
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  await cond.waitFor(() => queue.length > 0);
}`,
    `${imports}export async function put(item: number) {
  await cond.acquire();
  try {
    queue.push(item);
    cond.notifyAll();
  } finally {
    cond.release();
  }
}`,
    // The condition's own lock is held.
    `${imports}const lock = new Lock();
const ready = new Condition(lock);
export async function put(item: number) {
  using g = await lock.acquire();
  queue.push(item);
  ready.notify();
}`,
    `${imports}const lock = new Lock();
const ready = new Condition(lock);
export async function put(item: number) {
  await lock.withLock(() => {
    queue.push(item);
    ready.notifyAll();
  });
}`,
    // A helper called in this file: its caller may hold the lock.
    `${imports}function wake() {
  cond.notify();
}
export async function put(item: number) {
  using g = await cond.acquire();
  queue.push(item);
  wake();
}`,
    `${imports}class Channel {
  readonly cond = new Condition();
  readonly items: number[] = [];
  #signal() {
    this.cond.notify();
  }
  async put(item: number) {
    using g = await this.cond.acquire();
    this.items.push(item);
    this.#signal();
  }
}`,
    // A condition received as a parameter is the caller's to lock.
    `${imports}export function signal(c: Condition) {
  c.notify();
}`,
    // A callback handed to unknown code may run under the lock.
    `${imports}declare function underLock(fn: () => void): void;
export function f() {
  underLock(() => cond.notify());
}`,
    `${imports}export function f() {
  using g = cond.tryAcquire();
  if (g) cond.notify();
}`,
    `${imports}export async function f(items: number[]) {
  using g = await cond.acquire();
  items.forEach((item) => {
    queue.push(item);
    cond.notify();
  });
}`,
    // Web Locks and async-mutex callbacks that take the condition's lock inside.
    `${imports}export async function f() {
  await navigator.locks.request('producer', async () => {
    using g = await cond.acquire();
    queue.push(1);
    cond.notify();
  });
}`,
    `${imports}const mutex = new Mutex();
export async function f() {
  await mutex.runExclusive(() => cond.withLock(() => cond.notify()));
}`,
    // An Event needs no lock.
    `${imports}const done = new Event();
export async function f() {
  done.set();
  await done.wait();
}`,
    `${imports}class Box {
  readonly #cond = new Condition();
  async put() {
    using g = await this.#cond.acquire();
    this.#cond.notify();
  }
}`,
    // Two Conditions built out of sight (from handles, in a worker) may share the held lock.
    `${imports}declare function conditions(): { notFull: Condition; notEmpty: Condition };
const { notFull, notEmpty } = conditions();
export async function put(item: number) {
  using g = await notFull.acquire();
  queue.push(item);
  notEmpty.notify();
}`,
  ],
  invalid: [
    // The same Conditions with no lock held at all: whichever lock they share, it is not held.
    {
      code: `${imports}declare function conditions(): { notFull: Condition; notEmpty: Condition };
const { notFull, notEmpty } = conditions();
export function put(item: number) {
  queue.push(item);
  notEmpty.notify();
}`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 9,
          data: { cond: 'notEmpty', method: 'notify', lock: 'notEmpty' },
        },
      ],
    },
    {
      code: `${imports}export function put(item: number) {
  queue.push(item);
  cond.notify();
}`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 7,
          column: 3,
          data: { cond: 'cond', method: 'notify', lock: 'cond' },
        },
      ],
    },
    {
      code: `${imports}queue.push(1);
cond.notifyAll();`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 6,
          column: 1,
          data: { cond: 'cond', method: 'notifyAll', lock: 'cond' },
        },
      ],
    },
    {
      code: `${imports}export async function take() {
  while (queue.length === 0) await cond.wait();
  return queue.shift();
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 6, column: 36 }],
    },
    {
      code: `${imports}export async function take() {
  await cond.waitFor(() => queue.length > 0);
}`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 6,
          column: 9,
          data: { cond: 'cond', method: 'waitFor', lock: 'cond' },
        },
      ],
    },
    {
      code: `${imports}export async function put(item: number) {
  {
    using g = await cond.acquire();
    queue.push(item);
  }
  cond.notify();
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 10, column: 3 }],
    },
    {
      code: `${imports}export async function put(item: number) {
  await cond.acquire();
  try {
    queue.push(item);
  } finally {
    cond.release();
  }
  cond.notify();
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 12, column: 3 }],
    },
    {
      code: `${imports}export async function put(item: number) {
  await cond.withLock(() => {
    queue.push(item);
    setTimeout(() => cond.notify(), 0);
  });
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 8, column: 22 }],
    },
    {
      code: `${imports}const a = new Lock();
const b = new Lock();
const ready = new Condition(a);
export async function put(item: number) {
  using g = await b.acquire();
  queue.push(item);
  ready.notify();
}`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 11,
          column: 3,
          data: { cond: 'ready', method: 'notify', lock: 'a' },
        },
      ],
    },
    {
      code: `${imports}class Channel {
  readonly cond = new Condition();
  readonly items: number[] = [];
  put(item: number) {
    this.items.push(item);
    this.cond.notify();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'lockNotHeld',
          line: 10,
          column: 5,
          data: { cond: 'Channel.cond', method: 'notify', lock: 'Channel.cond' },
        },
      ],
    },
    {
      code: `${imports}export async function put(item: number) {
  await navigator.locks.request('queue', async () => {
    queue.push(item);
    cond.notify();
  });
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 8, column: 5 }],
    },
    {
      code: `${imports}const mutex = new Mutex();
export async function put(item: number) {
  await mutex.runExclusive(() => {
    queue.push(item);
    cond.notify();
  });
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 9, column: 5 }],
    },
    {
      // Called elsewhere, but it takes the lock itself and notifies after letting go.
      code: `${imports}async function put(item: number) {
  await cond.withLock(() => queue.push(item));
  cond.notify();
}
export async function main() {
  await put(1);
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 7, column: 3 }],
    },
  ],
});

untypedRuleTester().run('require-condition-lock (no type information)', rule, {
  valid: [
    `${imports}export async function put() {
  using g = await cond.acquire();
  cond.notify();
}`,
  ],
  invalid: [
    {
      code: `${imports}export function put(item: number) {
  queue.push(item);
  cond.notify();
}`,
      output: null,
      errors: [{ messageId: 'lockNotHeld', line: 7, column: 3 }],
    },
  ],
});

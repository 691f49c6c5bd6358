import rule from '../../src/rules/condition-wait-in-loop.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

const imports = `import { Lock, Condition, Event, Barrier } from '@interlock/primitives';
import { Mutex } from 'async-mutex';
const cond = new Condition();
const queue: number[] = [];
`;

typedRuleTester().run('condition-wait-in-loop', rule, {
  valid: [
    // A wrapper hands the wait's outcome to its caller, which loops.
    `${imports}async function waitABit() {
  return cond.wait({ timeout: 10 });
}
export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) await waitABit();
  return queue.shift();
}`,
    `${imports}const waitOnce = async () => await cond.wait();
export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) await waitOnce();
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) await cond.wait();
  return queue.shift();
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  do {
    await cond.wait();
  } while (queue.length === 0);
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  for (;;) {
    if (queue.length > 0) return queue.shift();
    await cond.wait();
  }
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) {
    if (!(await cond.wait({ timeout: 100 }))) return undefined;
  }
  return queue.shift();
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  await cond.waitFor(() => queue.length > 0);
  return queue.shift();
}`,
    `${imports}export async function take() {
  return cond.withLock(async () => {
    while (queue.length === 0) await cond.wait();
    return queue.shift();
  });
}`,
    `${imports}const lock = new Lock();
const ready = new Condition(lock);
export async function take() {
  using g = await lock.acquire();
  while (queue.length === 0) await ready.wait();
}`,
    // An Event's wait is a level-triggered flag: no predicate to re-check.
    `${imports}const started = new Event();
export async function f() {
  await started.wait();
}`,
    `${imports}const barrier = new Barrier(2);
export async function f() {
  await barrier.wait();
}`,
    // async-mutex: waiting for a lock to be free is not a condition wait.
    `${imports}const mutex = new Mutex();
export async function f() {
  if (mutex.isLocked()) await mutex.waitForUnlock();
}`,
    // Web Locks have no condition variable; waiting inside a request is unrelated.
    `${imports}const started = new Event();
export async function f() {
  await navigator.locks.request('job', async () => {
    await started.wait();
  });
}`,
    `${imports}export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) {
    try {
      await cond.wait();
    } catch {
      return undefined;
    }
  }
}`,
    `${imports}export async function notifyOne() {
  using g = await cond.acquire();
  queue.push(1);
  cond.notify();
}`,
    `${imports}class Channel {
  readonly #cond = new Condition();
  readonly #items: number[] = [];
  async get() {
    using g = await this.#cond.acquire();
    while (this.#items.length === 0) await this.#cond.wait();
    return this.#items.shift();
  }
}`,
    `${imports}declare const other: { wait(): Promise<void> };
export async function f() {
  await other.wait();
}`,
  ],
  invalid: [
    {
      code: `${imports}export async function take() {
  using g = await cond.acquire();
  if (queue.length === 0) await cond.wait();
  return queue.shift();
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 7,
          column: 33,
          data: { lock: 'cond', method: 'wait' },
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) await cond.wait();
  return queue.shift();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}export async function take() {
  using g = await cond.acquire();
  if (queue.length === 0) {
    await cond.wait();
  }
  return queue.shift();
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 8,
          column: 11,
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}export async function take() {
  using g = await cond.acquire();
  while (queue.length === 0) {
    await cond.wait();
  }
  return queue.shift();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}export async function take() {
  using g = await cond.acquire();
  await cond.wait();
  return queue.shift();
}`,
      output: null,
      errors: [{ messageId: 'waitNotInLoop', line: 7, column: 9, suggestions: [] }],
    },
    {
      code: `${imports}export async function take() {
  using g = await cond.acquire();
  if (queue.length === 0) {
    await cond.wait();
  } else {
    queue.length = 0;
  }
}`,
      output: null,
      errors: [{ messageId: 'waitNotInLoop', line: 8, column: 11, suggestions: [] }],
    },
    {
      code: `${imports}export async function take() {
  return cond.withLock(async () => {
    if (queue.length === 0) await cond.wait();
    return queue.shift();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 7,
          column: 35,
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}export async function take() {
  return cond.withLock(async () => {
    while (queue.length === 0) await cond.wait();
    return queue.shift();
  });
}`,
            },
          ],
        },
      ],
    },
    {
      // A loop around the function does not re-check anything inside the callback.
      code: `${imports}export async function drain() {
  using g = await cond.acquire();
  while (queue.length > 0) {
    queue.forEach(async () => { await cond.wait(); });
  }
}`,
      output: null,
      errors: [{ messageId: 'waitNotInLoop', line: 8, column: 39, suggestions: [] }],
    },
    {
      // Iterating over items is not re-checking a predicate.
      code: `${imports}export async function each(items: number[]) {
  using g = await cond.acquire();
  for (const item of items) {
    queue.push(item);
    await cond.wait();
  }
}`,
      output: null,
      errors: [{ messageId: 'waitNotInLoop', line: 9, column: 11, suggestions: [] }],
    },
    {
      code: `${imports}const lock = new Lock();
const ready = new Condition(lock);
export async function take() {
  using g = await lock.acquire();
  if (queue.length === 0) await ready.wait({ timeout: 1000 });
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 9,
          column: 33,
          data: { lock: 'ready', method: 'wait' },
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}const lock = new Lock();
const ready = new Condition(lock);
export async function take() {
  using g = await lock.acquire();
  while (queue.length === 0) await ready.wait({ timeout: 1000 });
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}class Channel {
  readonly cond = new Condition();
  readonly items: number[] = [];
  async get() {
    using g = await this.cond.acquire();
    if (this.items.length === 0) await this.cond.wait();
    return this.items.shift();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 10,
          column: 40,
          data: { lock: 'Channel.cond', method: 'wait' },
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}class Channel {
  readonly cond = new Condition();
  readonly items: number[] = [];
  async get() {
    using g = await this.cond.acquire();
    while (this.items.length === 0) await this.cond.wait();
    return this.items.shift();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${imports}export async function take() {
  using g = await cond.acquire();
  const woke = await cond.wait({ timeout: 10 });
  return woke ? queue.shift() : undefined;
}`,
      output: null,
      errors: [{ messageId: 'waitNotInLoop', line: 7, column: 22, suggestions: [] }],
    },
  ],
});

untypedRuleTester().run('condition-wait-in-loop (no type information)', rule, {
  valid: [
    `${imports}export async function f(c: Condition) { if (queue.length === 0) await c.wait(); }`,
  ],
  invalid: [
    {
      code: `${imports}export async function take() {
  if (queue.length === 0) await cond.wait();
}`,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 6,
          column: 33,
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${imports}export async function take() {
  while (queue.length === 0) await cond.wait();
}`,
            },
          ],
        },
      ],
    },
  ],
});

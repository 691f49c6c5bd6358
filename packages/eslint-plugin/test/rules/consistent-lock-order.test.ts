import rule from '../../src/rules/consistent-lock-order.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

// Three lines, so the code under test starts on line 4.
const imports = `import { Lock, RLock, Semaphore, Condition } from '@interlock/primitives';
import { Mutex, Semaphore as MutexSemaphore } from 'async-mutex';
import AwaitLock from 'await-lock';`;

/**
 * A function (four lines) that takes `inner` inside `outer` with await-lock's acquire and release.
 */
function awaitLockNesting(name: string, outer: string, inner: string): string {
  return `export async function ${name}() {
  await ${outer}.acquireAsync();
  try { await ${inner}.acquireAsync(); ${inner}.release(); } finally { ${outer}.release(); }
}`;
}

typedRuleTester().run('consistent-lock-order', rule, {
  valid: [
    // One order everywhere.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); using y = await b.acquire(); }
export async function two() { using x = await a.acquire(); using y = await b.acquire(); }`,
    // Not nested: the first guard ends with its block.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); using y = await b.acquire(); }
export async function two() { { using y = await b.acquire(); } using x = await a.acquire(); }`,
    // A try-acquire never waits, so it cannot close a cycle.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); using y = b.tryAcquire(); }
export async function two() { using y = await b.acquire(); using x = await a.acquire(); }`,
    // Held on one branch only: not a nesting we can be sure of.
    `${imports}
const a = new Mutex();
const b = new Mutex();
export async function one(fast: boolean) {
  if (!fast) await a.acquire();
  await b.runExclusive(() => undefined);
  if (!fast) a.release();
}
export async function two() { await b.runExclusive(() => a.runExclusive(() => undefined)); }`,
    // Counting semaphores in both orders: several holders at once, not a lock order.
    `${imports}
const a = new MutexSemaphore(2);
const b = new MutexSemaphore(2);
export async function one() { await a.runExclusive(() => b.runExclusive(() => undefined)); }
export async function two() { await b.runExclusive(() => a.runExclusive(() => undefined)); }`,
    // Web Locks in shared mode never exclude each other.
    `${imports}
export async function one() {
  await navigator.locks.request('a', { mode: 'shared' }, () => navigator.locks.request('b', { mode: 'shared' }, () => undefined));
}
export async function two() {
  await navigator.locks.request('b', { mode: 'shared' }, () => navigator.locks.request('a', { mode: 'shared' }, () => undefined));
}`,
    // A lock callback nobody waits for runs after its caller may have let go.
    `${imports}
const a = new Mutex();
const b = new Mutex();
export async function one() { await a.runExclusive(() => { void b.runExclusive(() => undefined); }); }
export async function two() { await b.runExclusive(() => a.runExclusive(() => undefined)); }`,
    // A timer runs later, with nothing held.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); setTimeout(() => void b.withLock(() => undefined), 0); }
export async function two() { using y = await b.acquire(); using x = await a.acquire(); }`,
    // A pending acquire does not block its task.
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); const pending = b.acquire(); return pending; }
export async function two() { using y = await b.acquire(); using x = await a.acquire(); }`,
    // Locks of unknown identity match nothing.
    `${imports}
declare function lockFor(key: string): Lock;
export async function one() { using x = await lockFor('a').acquire(); using y = await lockFor('b').acquire(); }
export async function two() { using y = await lockFor('b').acquire(); using x = await lockFor('a').acquire(); }`,
    // Same class, ordered first by comparing ids.
    `${imports}
class Account { readonly lock = new Mutex(); constructor(readonly id: number) {} }
export async function transfer(from: Account, to: Account) {
  const [first, second] = from.id < to.id ? [from, to] : [to, from];
  await first.lock.runExclusive(() => second.lock.runExclusive(() => undefined));
}`,
    // Same class, ordered first by a sort.
    `${imports}
class Account { readonly lock = new Lock(); constructor(readonly id: number) {} }
export async function transfer(from: Account, to: Account) {
  const [first, second] = [from, to].sort((x, y) => x.id - y.id);
  using g1 = await first!.lock.acquire();
  using g2 = await second!.lock.acquire();
}`,
    // Two fields of one class, always in the same order.
    `${imports}
class Bank {
  readonly accounts = new Lock();
  readonly ledger = new Lock();
  async post() { using a = await this.accounts.acquire(); using l = await this.ledger.acquire(); }
  async close() { await this.accounts.withLock(() => this.ledger.withLock(() => undefined)); }
}`,
    // The declared order is kept.
    {
      code: `${imports}
const accounts = new Lock();
const ledger = new Lock();
export async function post() { using a = await accounts.acquire(); using l = await ledger.acquire(); }`,
      options: [{ order: [['accounts', 'ledger']] }],
    },
    // @acquiredBefore is kept.
    `${imports}
/** @acquiredBefore ledger */
const accounts = new Mutex();
const ledger = new Mutex();
export async function post() { await accounts.runExclusive(() => ledger.runExclusive(() => undefined)); }`,
    // await-lock in one order.
    `${imports}
const a = new AwaitLock();
const b = new AwaitLock();
${awaitLockNesting('one', 'a', 'b')}
${awaitLockNesting('two', 'a', 'b')}`,
    // A cycle through locks the options ignore.
    {
      code: `${imports}
const legacyA = new Lock();
const b = new Lock();
export async function one() { using x = await legacyA.acquire(); using y = await b.acquire(); }
export async function two() { using y = await b.acquire(); using x = await legacyA.acquire(); }`,
      options: [{ ignore: ['^legacy'] }],
    },
    // A function that only returns its lock's promise is waited for by its caller, in one order.
    `${imports}
const a = new Mutex();
const b = new Mutex();
function withB<T>(fn: () => T) { return b.runExclusive(fn); }
export async function one() { await a.runExclusive(() => withB(() => undefined)); }
export async function two() { await a.runExclusive(() => b.runExclusive(() => undefined)); }`,
    // A Web Lock asked for with ifAvailable never waits: no edge into it.
    `${imports}
export async function one() {
  await navigator.locks.request('cache', () => navigator.locks.request('db', () => undefined));
}
export async function two() {
  await navigator.locks.request('db', () => navigator.locks.request('cache', { ifAvailable: true }, () => undefined));
}`,
    // A lock created in each call is a new one every time: no order between calls.
    `${imports}
export async function one(shared: Lock) {
  const local = new Lock();
  using x = await shared.acquire();
  using y = await local.acquire();
}`,
  ],
  invalid: [
    {
      // @acquiredAfter on the held lock, broken.
      code: `${imports}
const accounts = new Lock();
/** @acquiredAfter accounts */
const ledger = new Lock();
export async function audit() { await ledger.withLock(() => accounts.withLock(() => undefined)); }`,
      errors: [
        {
          messageId: 'declaredOrder',
          line: 7,
          data: {
            acquired: 'accounts',
            held: 'ledger',
            heldLine: 7,
            via: '',
            first: 'accounts',
            second: 'ledger',
            origin: '`@acquiredAfter` at file.ts:6',
          },
        },
      ],
    },
    {
      // Ignoring one lock of a three-lock ring leaves no cycle, but the others' two-lock cycle
      // stays.
      code: `${imports}
const legacy = new Lock();
const a = new Lock();
const b = new Lock();
export async function one() { await a.withLock(() => legacy.withLock(() => undefined)); }
export async function two() { await legacy.withLock(() => a.withLock(() => undefined)); }
export async function three() { await a.withLock(() => b.withLock(() => undefined)); }
export async function four() { await b.withLock(() => a.withLock(() => undefined)); }`,
      options: [{ ignore: ['^legacy$'] }],
      errors: [
        { messageId: 'cycle', line: 9 },
        { messageId: 'cycle', line: 10 },
      ],
    },
    {
      // The seed's two-lock deadlock, with interlock's Lock and using guards.
      code: `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); using y = await b.acquire(); }
export async function two() { using y = await b.acquire(); using x = await a.acquire(); }`,
      errors: [
        {
          messageId: 'cycle',
          line: 6,
          data: {
            acquired: 'b',
            held: 'a',
            heldLine: 6,
            via: '',
            others: expectOthers('`a` is taken while `b` is held at ', 7),
          },
        },
        {
          messageId: 'cycle',
          line: 7,
          data: {
            acquired: 'a',
            held: 'b',
            heldLine: 7,
            via: '',
            others: expectOthers('`b` is taken while `a` is held at ', 6),
          },
        },
      ],
    },
    {
      // async-mutex: callbacks returned to their lock callback run while it is held.
      code: `${imports}
const a = new Mutex();
const b = new Mutex();
export async function one() { await a.runExclusive(() => b.runExclusive(() => undefined)); }
export async function two() { await b.runExclusive(async () => { await a.runExclusive(() => undefined); }); }`,
      errors: [
        { messageId: 'cycle', line: 6 },
        { messageId: 'cycle', line: 7 },
      ],
    },
    {
      // async-mutex: acquire and release in finally.
      code: `${imports}
const a = new Mutex();
const b = new Mutex();
export async function one() {
  const releaseA = await a.acquire();
  try {
    const releaseB = await b.acquire();
    try { /* work */ } finally { releaseB(); }
  } finally { releaseA(); }
}
export async function two() {
  await b.runExclusive(() => a.runExclusive(() => undefined));
}`,
      errors: [
        { messageId: 'cycle', line: 9 },
        { messageId: 'cycle', line: 14 },
      ],
    },
    {
      // await-lock.
      code: `${imports}
const a = new AwaitLock();
const b = new AwaitLock();
${awaitLockNesting('one', 'a', 'b')}
${awaitLockNesting('two', 'b', 'a')}`,
      errors: [
        { messageId: 'cycle', line: 8 },
        { messageId: 'cycle', line: 12 },
      ],
    },
    {
      // Web Locks by name.
      code: `${imports}
export async function one() {
  await navigator.locks.request('cache', () => navigator.locks.request('db', () => undefined));
}
export async function two() {
  await navigator.locks.request('db', async () => {
    await navigator.locks.request('cache', { signal: AbortSignal.timeout(100) }, () => undefined);
  });
}`,
      errors: [
        {
          messageId: 'cycle',
          line: 5,
          data: {
            acquired: "'db'",
            held: "'cache'",
            heldLine: 5,
            via: '',
            others: expectOthers("`'cache'` is taken while `'db'` is held at ", 9),
          },
        },
        { messageId: 'cycle', line: 9 },
      ],
    },
    {
      // Through a call: one() takes b inside save().
      code: `${imports}
const a = new Lock();
const b = new Lock();
async function save() { await b.withLock(() => undefined); }
export async function one() { await a.withLock(() => save()); }
export async function two() { using y = await b.acquire(); using x = await a.acquire(); }`,
      errors: [
        {
          messageId: 'cycle',
          line: 7,
          data: {
            acquired: 'b',
            held: 'a',
            heldLine: 7,
            via: ', through `save()`',
            others: expectOthers('`a` is taken while `b` is held at ', 8),
          },
        },
        { messageId: 'cycle', line: 8 },
      ],
    },
    {
      // Across three files through calls: accounts → ledger (post) → audit (recordAudit); and
      // lock-order-audit.ts takes accounts inside audit. Both cycles are reported here.
      code: `${imports}
import { accounts } from './lock-order-locks.ts';
import { post } from './lock-order-ledger.ts';
export async function transfer() {
  await accounts.withLock(() => post('x'));
}`,
      errors: [
        {
          messageId: 'cycle',
          line: 7,
          data: {
            acquired: 'ledger',
            held: 'accounts',
            heldLine: 7,
            via: ', through `post()`',
            others: expectOthers(
              '`audit` is taken while `ledger` is held at lock-order-ledger.ts:',
              6,
              ', through `recordAudit()`, and `accounts` is taken while `audit` is held at ' +
                'lock-order-audit.ts:14',
            ),
          },
        },
        {
          messageId: 'cycle',
          line: 7,
          data: {
            acquired: 'audit',
            held: 'accounts',
            heldLine: 7,
            via: ', through `post()` → `recordAudit()`',
            others: expectOthers(
              '`accounts` is taken while `audit` is held at lock-order-audit.ts:',
              14,
            ),
          },
        },
      ],
    },
    {
      // Three locks in a ring in one file.
      code: `${imports}
const a = new RLock();
const b = new RLock();
const c = new RLock();
export async function one() { await a.withLock(() => b.withLock(() => undefined)); }
export async function two() { await b.withLock(() => c.withLock(() => undefined)); }
export async function three() { await c.withLock(() => a.withLock(() => undefined)); }`,
      errors: [
        { messageId: 'cycle', line: 7 },
        { messageId: 'cycle', line: 8 },
        { messageId: 'cycle', line: 9 },
      ],
    },
    {
      // Class methods: two fields of one class, in both orders.
      code: `${imports}
class Bank {
  readonly accounts = new Mutex();
  readonly ledger = new Mutex();
  async post() { await this.accounts.runExclusive(() => this.ledger.runExclusive(() => undefined)); }
  async audit() { await this.ledger.runExclusive(() => this.accounts.runExclusive(() => undefined)); }
}`,
      errors: [
        {
          messageId: 'cycle',
          line: 7,
          data: {
            acquired: 'Bank.ledger',
            held: 'Bank.accounts',
            heldLine: 7,
            via: '',
            others: expectOthers('`Bank.accounts` is taken while `Bank.ledger` is held at ', 8),
          },
        },
        { messageId: 'cycle', line: 8 },
      ],
    },
    {
      // A Condition is its lock.
      code: `${imports}
const a = new Lock();
const ready = new Condition(a);
const b = new Lock();
export async function one() { await ready.withLock(() => b.withLock(() => undefined)); }
export async function two() { await b.withLock(() => a.withLock(() => undefined)); }`,
      errors: [
        { messageId: 'cycle', line: 7 },
        { messageId: 'cycle', line: 8 },
      ],
    },
    {
      // Same class, taken in argument order.
      code: `${imports}
class Account { readonly lock = new Mutex(); constructor(readonly id: number) {} }
export async function transfer(from: Account, to: Account, amount: number) {
  await from.lock.runExclusive(() => to.lock.runExclusive(() => amount));
}`,
      errors: [
        {
          messageId: 'sameClass',
          line: 6,
          data: {
            acquired: 'to.lock',
            held: 'from.lock',
            heldLine: 6,
            via: '',
            field: 'Account.lock',
          },
        },
      ],
    },
    {
      // Same class: this and another instance.
      code: `${imports}
export class Account {
  readonly lock = new Lock();
  async transferTo(other: Account) {
    using mine = await this.lock.acquire();
    using theirs = await other.lock.acquire();
  }
}`,
      errors: [{ messageId: 'sameClass', line: 8 }],
    },
    {
      // The declared order, broken.
      code: `${imports}
const accounts = new Lock();
const ledger = new Lock();
export async function audit() { using l = await ledger.acquire(); using a = await accounts.acquire(); }`,
      options: [{ order: [['accounts', 'ledger']] }],
      errors: [
        {
          messageId: 'declaredOrder',
          line: 6,
          data: {
            acquired: 'accounts',
            held: 'ledger',
            heldLine: 6,
            via: '',
            first: 'accounts',
            second: 'ledger',
            origin: 'the `order` option',
          },
        },
      ],
    },
    {
      // @acquiredBefore, broken.
      code: `${imports}
/** @acquiredBefore ledger */
const accounts = new Mutex();
const ledger = new Mutex();
export async function audit() { await ledger.runExclusive(() => accounts.runExclusive(() => undefined)); }`,
      errors: [{ messageId: 'declaredOrder', line: 7 }],
    },
  ],
});

/** The `others` part of a cycle message naming one site of file.ts (or the given prefix's file). */
function expectOthers(prefix: string, line: number, rest = ''): string {
  return prefix.endsWith(':') ? `${prefix}${line}${rest}` : `${prefix}file.ts:${line}${rest}`;
}

untypedRuleTester().run('consistent-lock-order (no type information)', rule, {
  valid: [
    `${imports}
const a = new Lock();
const b = new Lock();
export async function one() { using x = await a.acquire(); using y = await b.acquire(); }
export async function two() { await a.withLock(() => b.withLock(() => undefined)); }`,
  ],
  invalid: [
    {
      code: `${imports}
const a = new Mutex();
const b = new Mutex();
export async function one() { await a.runExclusive(() => b.runExclusive(() => undefined)); }
export async function two() { await b.runExclusive(() => a.runExclusive(() => undefined)); }`,
      errors: [
        { messageId: 'cycle', line: 6 },
        { messageId: 'cycle', line: 7 },
      ],
    },
  ],
});

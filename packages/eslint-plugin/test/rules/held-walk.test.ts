import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { AST_NODE_TYPES, type TSESLint } from '@typescript-eslint/utils';
import { fileFactsFor } from '../../src/analysis/held-walk.ts';
import { lockModelFor } from '../../src/analysis/lock-model.ts';

// The held-lock walk that every rule shares, observed through its write facts: each `at = 'x'`
// records which locks are held there (`name` held for sure, `name?` maybe held).
function heldAtMarks(code: string): Record<string, string[]> {
  const marks: Record<string, string[]> = {};
  const probe: TSESLint.RuleModule<never> = {
    meta: { type: 'problem', messages: {}, schema: [] },
    defaultOptions: [],
    create(context) {
      return {
        Program() {
          for (const { node, held } of fileFactsFor(context.sourceCode, lockModelFor(context)).writes) {
            if (node.type !== AST_NODE_TYPES.AssignmentExpression || node.left.type !== AST_NODE_TYPES.Identifier || node.left.name !== 'at') continue;
            if (node.right.type !== AST_NODE_TYPES.Literal) continue;
            marks[String(node.right.value)] = held.map((hold) => `${hold.lock.display}${hold.definite ? '' : '?'}`);
          }
        },
      };
    },
  };
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser },
      plugins: { probe: { rules: { held: probe as never } } },
      rules: { 'probe/held': 'error' },
    },
  ], 'file.ts');
  expect(messages.filter((message) => message.fatal)).toEqual([]);
  return marks;
}

const prelude = `import { Lock, Condition } from '@interlock/primitives';
import { Mutex } from 'async-mutex';
const a = new Lock();
const b = new Lock();
const mutex = new Mutex();
let at = '';
`;

describe('held-lock walk', () => {
  it('holds a using guard to the end of its block', () => {
    expect(heldAtMarks(`${prelude}
async function f() {
  at = 'before';
  {
    using g = await a.acquire();
    at = 'inside';
  }
  at = 'after';
}`)).toEqual({ before: [], inside: ['a'], after: [] });
  });

  it('holds a statement acquire until its release, and a finally releases on every path', () => {
    expect(heldAtMarks(`${prelude}
async function f() {
  await a.acquire();
  try {
    at = 'try';
  } finally {
    at = 'finally';
    a.release();
  }
  at = 'after';
}`)).toEqual({ try: ['a'], finally: ['a'], after: [] });
  });

  it('ends an async-mutex hold at its releaser', () => {
    expect(heldAtMarks(`${prelude}
async function f() {
  const release = await mutex.acquire();
  at = 'held';
  release();
  at = 'released';
}`)).toEqual({ held: ['mutex'], released: [] });
  });

  it('merges branches: held on one side only is maybe held; a returning branch does not vote', () => {
    expect(heldAtMarks(`${prelude}
async function f(x: boolean) {
  if (x) await a.acquire();
  at = 'one-side';
}
async function g(x: boolean) {
  await b.acquire();
  if (x) {
    b.release();
    return;
  }
  at = 'returned-branch';
}`)).toEqual({ 'one-side': ['a?'], 'returned-branch': ['b'] });
  });

  it('narrows a try-acquire by its check', () => {
    expect(heldAtMarks(`${prelude}
function f() {
  const g = a.tryAcquire();
  at = 'unchecked';
  if (!g) return;
  at = 'checked';
}`)).toEqual({ unchecked: ['a?'], checked: ['a'] });
  });

  it('enters callbacks that run now, not callbacks that run later', () => {
    expect(heldAtMarks(`${prelude}
async function f(items: number[]) {
  await a.withLock(() => {
    at = 'callback';
    items.forEach(() => { at = 'forEach'; });
    setTimeout(() => { at = 'timer'; }, 0);
    void Promise.resolve().then(() => { at = 'then'; });
    new Promise<void>((resolve) => { at = 'executor'; resolve(); });
  });
  await navigator.locks.request('name', async () => { at = 'web-lock'; });
}`)).toEqual({ callback: ['a'], forEach: ['a'], timer: [], then: [], executor: ['a'], 'web-lock': ["'name'"] });
  });

  it('keeps locks held across await and through loops, and nests', () => {
    expect(heldAtMarks(`${prelude}
async function f(items: number[]) {
  using g = await a.acquire();
  await Promise.resolve();
  for (const item of items) {
    using h = await b.acquire();
    at = 'nested';
  }
  at = 'after-loop';
}`)).toEqual({ nested: ['a', 'b'], 'after-loop': ['a'] });
  });

  it('stops treating a hold as certain once a closure may release it', () => {
    expect(heldAtMarks(`${prelude}
async function f() {
  const guard = await a.acquire();
  at = 'before';
  setTimeout(() => guard.release(), 10);
  at = 'after';
}`)).toEqual({ before: ['a'], after: ['a?'] });
  });
});

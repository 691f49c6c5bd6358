import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { AST_NODE_TYPES, type TSESLint } from '@typescript-eslint/utils';
import { fileFactsFor } from '../../src/analysis/held-walk.ts';
import { lockModelFor } from '../../src/analysis/lock-model.ts';
import { fixturesDir } from './rule-tester.ts';

// The held-lock walk that every rule shares, observed through its write facts: each `at = 'x'`
// records which locks are held there (`name` held for sure, `name?` maybe held).
// `typed` lints it as the fixture project's `file.ts`, with type information.
function heldAtMarks(code: string, typed = false): Record<string, string[]> {
  const marks: Record<string, string[]> = {};
  const probe: TSESLint.RuleModule<never> = {
    meta: { type: 'problem', messages: {}, schema: [] },
    defaultOptions: [],
    create(context) {
      return {
        Program() {
          for (const { node, held } of fileFactsFor(context.sourceCode, lockModelFor(context))
            .writes) {
            if (
              node.type !== AST_NODE_TYPES.AssignmentExpression ||
              node.left.type !== AST_NODE_TYPES.Identifier ||
              node.left.name !== 'at'
            )
              continue;
            if (node.right.type !== AST_NODE_TYPES.Literal) continue;
            marks[String(node.right.value)] = held.map(
              (hold) => `${hold.lock.display}${hold.definite ? '' : '?'}`,
            );
          }
        },
      };
    },
  };
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tseslint.parser,
          ...(typed
            ? { parserOptions: { projectService: true, tsconfigRootDir: fixturesDir } }
            : {}),
        },
        plugins: { probe: { rules: { held: probe as never } } },
        rules: { 'probe/held': 'error' },
      },
    ],
    typed ? join(fixturesDir, 'file.ts') : 'file.ts',
  );
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
  it('lists the writes of a file that calls no lock method, with nothing held (no walk runs)', () => {
    const code = `import { Lock } from '@interlock/primitives';
export const unused = new Lock();
let at = '';
export class C { field = (at = 'field'); }
export function f() { at = 'one'; for (const x of [1]) at = x > 0 ? 'two' : 'three'; }`;
    expect(heldAtMarks(code)).toEqual({ field: [], one: [] });
    expect(heldAtMarks(code, true)).toEqual({ field: [], one: [] });
  });

  it('holds a using guard to the end of its block', () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  at = 'before';
  {
    using g = await a.acquire();
    at = 'inside';
  }
  at = 'after';
}`),
    ).toEqual({ before: [], inside: ['a'], after: [] });
  });

  it('holds a statement acquire until its release, and a finally releases on every path', () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  await a.acquire();
  try {
    at = 'try';
  } finally {
    at = 'finally';
    a.release();
  }
  at = 'after';
}`),
    ).toEqual({ try: ['a'], finally: ['a'], after: [] });
  });

  it('ends an async-mutex hold at its releaser', () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  const release = await mutex.acquire();
  at = 'held';
  release();
  at = 'released';
}`),
    ).toEqual({ held: ['mutex'], released: [] });
  });

  it('merges branches: held on one side only is maybe held; a returning branch does not vote', () => {
    expect(
      heldAtMarks(`${prelude}
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
}`),
    ).toEqual({ 'one-side': ['a?'], 'returned-branch': ['b'] });
  });

  it('narrows a try-acquire by its check', () => {
    expect(
      heldAtMarks(`${prelude}
function f() {
  const g = a.tryAcquire();
  at = 'unchecked';
  if (!g) return;
  at = 'checked';
}`),
    ).toEqual({ unchecked: ['a?'], checked: ['a'] });
  });

  it('enters callbacks that run now, not callbacks that run later', () => {
    expect(
      heldAtMarks(`${prelude}
async function f(items: number[]) {
  await a.withLock(() => {
    at = 'callback';
    items.forEach(() => { at = 'forEach'; });
    setTimeout(() => { at = 'timer'; }, 0);
    void Promise.resolve().then(() => { at = 'then'; });
    new Promise<void>((resolve) => { at = 'executor'; resolve(); });
  });
  await navigator.locks.request('name', async () => { at = 'web-lock'; });
}`),
    ).toEqual({
      callback: ['a'],
      forEach: ['a'],
      timer: [],
      then: [],
      executor: ['a'],
      'web-lock': ["'name'"],
    });
  });

  it("gives a lock callback nobody waits for the caller's locks only as maybe held", () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  using g = await a.acquire();
  await b.withLock(() => { at = 'awaited'; });
  void b.withLock(() => { at = 'floating'; });
}`),
    ).toEqual({ awaited: ['a', 'b'], floating: ['a?', 'b'] });
  });

  it('with types, enters array-method callbacks only on arrays, Maps, Sets and typed arrays', () => {
    expect(
      heldAtMarks(
        `${prelude}
declare const lazy: { map(fn: () => void): unknown; forEach(fn: () => void): Promise<void> };
declare const unknownThing: any;
export async function f(items: number[], table: Map<string, number>, tuple: [number, number]) {
  await a.withLock(() => {
    items.forEach(() => { at = 'array'; });
    table.forEach(() => { at = 'map'; });
    tuple.map(() => { at = 'tuple'; });
    lazy.map(() => { at = 'lazy'; });
    void lazy.forEach(() => { at = 'stream'; });
    unknownThing.forEach(() => { at = 'any'; });
  });
}`,
        true,
      ),
    ).toEqual({ array: ['a'], map: ['a'], tuple: ['a'], lazy: [], stream: [], any: [] });
  });

  it('keeps locks held across await and through loops, and nests', () => {
    expect(
      heldAtMarks(`${prelude}
async function f(items: number[]) {
  using g = await a.acquire();
  await Promise.resolve();
  for (const item of items) {
    using h = await b.acquire();
    at = 'nested';
  }
  at = 'after-loop';
}`),
    ).toEqual({ nested: ['a', 'b'], 'after-loop': ['a'] });
  });

  it('keeps an outer using guard (maybe held) past an inner block that changed it', () => {
    expect(
      heldAtMarks(`${prelude}
async function f(early: boolean) {
  using g = await a.acquire();
  {
    if (early) g.release();
    at = 'inner';
  }
  at = 'outer';
}`),
    ).toEqual({ inner: ['a?'], outer: ['a?'] });
  });

  it('treats a nested function declaration that releases a hold as a closure', () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  const guard = await a.acquire();
  at = 'before';
  function done() {
    guard.release();
  }
  at = 'after';
  return done;
}`),
    ).toEqual({ before: ['a'], after: ['a?'] });
  });

  it('stops treating a hold as certain once a closure may release it', () => {
    expect(
      heldAtMarks(`${prelude}
async function f() {
  const guard = await a.acquire();
  at = 'before';
  setTimeout(() => guard.release(), 10);
  at = 'after';
}`),
    ).toEqual({ before: ['a'], after: ['a?'] });
  });
});

/**
 * The source instrumentation: which awaits it wraps, that it moves no line and maps every
 * position back exactly, and that it leaves alone what it must not touch.
 */
import { SourceMap } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bindPreamble, instrumentSource } from '../src/transform/index.ts';

const FILE = '/app/src/bank.ts';
const PREAMBLE = bindPreamble('@interlock/primitives/bind', 'module');

function instrumented(code: string, file = FILE): string {
  const result = instrumentSource(code, file);
  if (result === undefined) throw new Error('expected the source to be instrumented');
  return result.code;
}

describe('instrumentSource: what is wrapped', () => {
  it('wraps an awaited acquire and appends the import on a new last line', () => {
    const code = 'async function f(lock) {\n  await lock.acquire();\n}\n';
    expect(instrumented(code)).toBe(
      'async function f(lock) {\n  __interlock_bind(await lock.acquire(), ' +
        '"/app/src/bank.ts:2:14");\n}\n' +
        `\n${PREAMBLE}\n`,
    );
  });

  // [name, awaited expression, where V8 (and so the site) puts the call: the method name]
  it.each([
    ['acquireAsync', 'await lock.acquireAsync()', 'acquireAsync'],
    ['parenthesised', 'await (lock.acquire())', 'acquire'],
    ['optional chain', 'await lock?.acquire()', 'acquire'],
    ['as', 'await (lock.acquire() as Promise<unknown>)', 'acquire'],
    ['non-null', 'await lock!.acquire()!', 'acquire'],
    ['computed name', "await lock['acquire']()", "'acquire'"],
    ['with options', 'await lock.acquire({ timeout: 5 })', 'acquire'],
    ['Promise.all over acquires', 'await Promise.all(locks.map((l) => l.acquire()))', 'acquire'],
  ])('%s', (_name, expression, method) => {
    const code = `async function f(lock: any) { ${expression}; }`;
    const column = code.indexOf(method) + 1;
    expect(instrumented(code).split('\n')[0]).toBe(
      `async function f(lock: any) { __interlock_bind(${expression}, "/app/src/bank.ts:1:${column}"); }`,
    );
  });

  it('wraps the value of a using declaration and of an assignment alike', () => {
    const code =
      'async function f(m) {\n  using g = await m.acquire();\n  const release = await ' +
      'm.acquire();\n}';
    const lines = instrumented(code).split('\n');
    expect(lines[1]).toBe(
      '  using g = __interlock_bind(await m.acquire(), "/app/src/bank.ts:2:21");',
    );
    expect(lines[2]).toBe(
      '  const release = __interlock_bind(await m.acquire(), "/app/src/bank.ts:3:27");',
    );
  });

  it('nested awaits close inside out', () => {
    const code = 'async function f(m) { await await m.acquire(); }';
    expect(instrumented(code).split('\n')[0]).toBe(
      'async function f(m) { __interlock_bind(await __interlock_bind(await m.acquire(), ' +
        '"/app/src/bank.ts:1:37"), "/app/src/bank.ts:1:37"); }',
    );
  });

  it('positions count UTF-16 code units, as stack traces do', () => {
    const code = "const note = 'ünïcödé ✓';\nasync function f(m) { await m.acquire(); }";
    expect(instrumented(code).split('\n')[1]).toContain('"/app/src/bank.ts:2:31"');
  });

  it('uses require for CommonJS, hoisted as a function declaration', () => {
    const result = instrumentSource(
      "'use strict';\nasync function f(m) { await m.acquire(); }",
      '/app/x.cjs',
      { format: 'commonjs' },
    );
    const lines = result?.code.split('\n') ?? [];
    expect(lines[0]).toBe("'use strict';");
    expect(lines.at(-2)).toBe(
      'function __interlock_bind(value, site) { return ' +
        'require("@interlock/primitives/bind").bind(value, site); } ' +
        'function __interlock_name(name, target, value) { return ' +
        'require("@interlock/primitives/bind").nameNextLock(name, target, value); }',
    );
  });
});

describe('instrumentSource: what is left alone', () => {
  it('skips a file that never says acquire, before parsing', () => {
    expect(instrumentSource('await (', FILE)).toBeUndefined();
  });

  it('passes a file that fails to parse through unchanged', () => {
    expect(instrumentSource('async function f(m) { await m.acquire( }', FILE)).toBeUndefined();
  });

  it('leaves acquires that are not awaited, and awaits of other calls', () => {
    const code =
      'async function f(m) { const p = m.acquire(); m.acquire().then(() => 1); await ' +
      'm.runExclusive(() => 1); await p; }';
    expect(instrumentSource(code, FILE)).toBeUndefined();
  });

  it('does not mistake a method merely called acquired or a string for an acquire', () => {
    const code =
      "async function f(m) { await m.acquired(); await m['acquire' + 'x'](); await 'acquire'; }";
    expect(instrumentSource(code, FILE)).toBeUndefined();
  });
});

describe('instrumentSource: positions', () => {
  const code = [
    "import { Lock } from '@interlock/primitives';",
    'const a = new Lock({ name: "a" });',
    'export async function transfer(b: Lock): Promise<void> {',
    '  await a.acquire(); const x = await b.acquire() as unknown; await (Promise.all([a, ' +
      'b].map((l) => l.acquire())));',
    '  throw new Error("here");',
    '}',
  ].join('\n');

  it('moves no line', () => {
    const out = instrumented(code);
    const lines = out.split('\n');
    const original = code.split('\n');
    for (const [index, line] of original.entries()) {
      if (!line.includes('acquire()')) expect(lines[index]).toBe(line);
    }
    expect(lines.length).toBe(original.length + 2);
  });

  it('maps every token of an instrumented line back to its original line and column', () => {
    const result = instrumentSource(code, FILE);
    if (result === undefined) throw new Error('not instrumented');
    const map = new SourceMap(
      JSON.parse(result.map.toString()) as ConstructorParameters<typeof SourceMap>[0],
    );
    const generatedLine = result.code.split('\n')[3]!;
    const originalLine = code.split('\n')[3]!;
    // Each identifier, paren and dot of the original appears in order in the generated line.
    let from = 0;
    for (const match of originalLine.matchAll(/[A-Za-z_$][\w$]*|[().[\]]/g)) {
      const generatedColumn = generatedLine.indexOf(match[0], from);
      expect(generatedColumn).toBeGreaterThanOrEqual(0);
      from = generatedColumn + match[0].length;
      if (generatedLine.slice(generatedColumn).startsWith('__interlock_bind')) continue;
      const entry = map.findEntry(3, generatedColumn);
      expect(entry, `${match[0]} at ${generatedColumn}`).toMatchObject({
        originalLine: 3,
        originalColumn: match.index,
      });
    }
  });
});

describe('instrumentSource: naming async-mutex locks (nameLocks)', () => {
  const IMPORT = "import { Mutex, Semaphore, withTimeout, tryAcquire } from 'async-mutex';\n";

  function named(code: string): string {
    const result = instrumentSource(IMPORT + code, FILE, { nameLocks: true });
    if (result === undefined) throw new Error('expected the source to be instrumented');
    return result.code.split('\n').slice(1, -2).join('\n');
  }

  it.each([
    [
      'a variable',
      'export const accounts = new Mutex();',
      'export const accounts = (__interlock_name("accounts", Mutex), new Mutex());',
    ],
    [
      'through withTimeout and tryAcquire',
      'const a = withTimeout(new Mutex(), 5), b = tryAcquire(new Mutex() as any);',
      'const a = withTimeout((__interlock_name("a", Mutex), new Mutex()), 5), ' +
        'b = tryAcquire((__interlock_name("b", Mutex), new Mutex()) as any);',
    ],
    [
      'a class field, private and static fields',
      'class Ledger { readonly lock = new Mutex(); #pool = new Semaphore(2); ' +
        'static all = new Mutex; }',
      'class Ledger { readonly lock = (__interlock_name("Ledger.lock", Mutex), new Mutex()); ' +
        '#pool = new Semaphore(__interlock_name("Ledger.#pool", Semaphore, 2)); ' +
        'static all = (__interlock_name("Ledger.all", Mutex), new Mutex); }',
    ],
    [
      'this.x in a constructor and in an arrow function inside a method',
      'class Q { constructor() { this.lock = new Mutex(); } ' +
        'm() { (() => { this.b = new Mutex(); })(); } }',
      'class Q { constructor() { this.lock = (__interlock_name("Q.lock", Mutex), new Mutex()); } ' +
        'm() { (() => { this.b = (__interlock_name("Q.b", Mutex), new Mutex()); })(); } }',
    ],
    [
      'a class expression, by its variable',
      'const Jobs = class { running = new Mutex() };',
      'const Jobs = class { running = (__interlock_name("Jobs.running", Mutex), new Mutex()) };',
    ],
    [
      'an assignment to a variable or a property path',
      'let a; a = new Mutex(); state.locks.main = new Mutex();',
      'let a; a = (__interlock_name("a", Mutex), new Mutex()); ' +
        'state.locks.main = (__interlock_name("state.locks.main", Mutex), new Mutex());',
    ],
    [
      'with arguments: around the last one, after every other is evaluated',
      'const pool = new Semaphore(size(), cancelled); const s = new Semaphore(...args);',
      'const pool = new Semaphore(size(), __interlock_name("pool", Semaphore, cancelled)); ' +
        'const s = new Semaphore(...__interlock_name("s", Semaphore, args));',
    ],
  ])('%s', (_name, code, expected) => {
    expect(named(code)).toBe(expected);
  });

  it('follows aliases and namespace imports', () => {
    const code =
      "import { Mutex as AsyncMutex } from 'async-mutex';\nimport * as am from 'async-mutex';\n" +
      'const a = new AsyncMutex(); const b = new am.Semaphore(1); const c = am.withTimeout(new ' +
      'am.Mutex(), 1);';
    expect(instrumentSource(code, FILE, { nameLocks: true })?.code.split('\n')[2]).toBe(
      'const a = (__interlock_name("a", AsyncMutex), new AsyncMutex()); ' +
        'const b = new am.Semaphore(__interlock_name("b", am.Semaphore, 1)); ' +
        'const c = am.withTimeout((__interlock_name("c", am.Mutex), new am.Mutex()), 1);',
    );
  });

  it('leaves alone what has no name a reader would use', () => {
    const code =
      'make(new Mutex()); const { a } = { a: new Mutex() }; const list = [new Mutex()];\n' +
      'function f() { this.lock = new Mutex(); return new Mutex(); }\n' +
      'class C { [key] = new Mutex(); }\n';
    expect(instrumentSource(IMPORT + code, FILE, { nameLocks: true })).toBeUndefined();
  });

  it('names nothing without nameLocks, nor in a file that does not import async-mutex', () => {
    expect(instrumentSource(IMPORT + 'const a = new Mutex();', FILE)).toBeUndefined();
    const code = [
      "import { Mutex } from './my-mutex';",
      "import type { Semaphore } from 'async-mutex';",
      "import { type Mutex as M } from 'async-mutex';",
      'const a = new Mutex(); const b = new Semaphore(1); const c = new M();',
    ].join('\n');
    expect(instrumentSource(code, FILE, { nameLocks: true })).toBeUndefined();
  });

  it('instruments a file that creates a lock without ever acquiring it', () => {
    const result = instrumentSource(IMPORT + 'export const a = new Mutex();', FILE, {
      nameLocks: true,
    });
    expect(result?.named).toBe(1);
    expect(result?.wrapped).toBe(0);
  });

  it('moves no line, and maps the new expression back to its exact position', () => {
    const code =
      IMPORT +
      'class Ledger {\n  readonly lock = new Mutex();\n' +
      '  async f() { await this.lock.acquire(); }\n}\n';
    const result = instrumentSource(code, FILE, { nameLocks: true });
    if (result === undefined) throw new Error('not instrumented');
    const lines = result.code.split('\n');
    expect(lines.length).toBe(code.split('\n').length + 2);
    const map = new SourceMap(
      JSON.parse(result.map.toString()) as ConstructorParameters<typeof SourceMap>[0],
    );
    const generatedColumn = lines[2]!.indexOf('new Mutex()');
    expect(map.findEntry(2, generatedColumn)).toMatchObject({
      originalLine: 2,
      originalColumn: code.split('\n')[2]!.indexOf('new Mutex()'),
    });
  });
});

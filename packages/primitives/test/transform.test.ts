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
        'require("@interlock/primitives/bind").bind(value, site); }',
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

import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ProgramModel } from '../../src/analysis/program-model.ts';
import { lockUsageTest } from '../../src/analysis/lock-usage.ts';
import { readSettings } from '../../src/analysis/settings.ts';
import { oneFileProgram } from '../support/one-file-program.ts';

// The text test that picks the files a whole-program analysis walks. It may say "maybe" for a
// file without locks (a cost), never "no" for a file that takes one (a missed cycle).
function mayAcquire(text: string, settings: Record<string, unknown> = {}): boolean {
  const { program, sourceFile } = oneFileProgram(text);
  return new ProgramModel(program, readSettings(settings)).mayAcquire(sourceFile);
}

describe('ProgramModel.mayAcquire', () => {
  it.each([
    ['await lock.acquire();'],
    ['const g = await lock.acquire ({ timeout: 1 });'],
    ['await mutex.runExclusive(() => 1);'],
    ["await mutex['runExclusive'](() => 1);"],
    ['await lock.withLock<void>(() => undefined);'],
    ['await awaitLock.acquireAsync();'],
    ['if (awaitLock.tryAcquire()) awaitLock.release();'],
    ["await navigator.locks.request('cache', () => 1);"],
    ["const { locks } = navigator; await locks.request('cache', () => 1);"],
    ["declare const manager: LockManager; await manager.request('cache', () => 1);"],
  ])('says maybe for %s', (text) => {
    expect(mayAcquire(text)).toBe(true);
  });

  it.each([
    ["await client.request('/items');"],
    ["const { locks } = globalThis as never; await client.request('/items', () => 1);"],
    ['release(); lock.release(); notify();'],
    ['const acquired = true; const acquireCount = 2;'],
    ['export function reacquire() {}'],
  ])('says no for %s', (text) => {
    expect(mayAcquire(text)).toBe(false);
  });

  it('knows the acquire methods of settings.interlock.locks', () => {
    const settings = {
      interlock: { locks: [{ type: 'SpinLock', acquire: ['lock'], release: ['unlock'] }] },
    };
    expect(mayAcquire('spin.lock();', settings)).toBe(true);
    expect(mayAcquire('spin.lock();')).toBe(false);
  });
});

describe('lockUsageTest.mayUseLocks (which linted files the held-lock walk runs on)', () => {
  const test = lockUsageTest(readSettings({}));
  it.each([
    ['cond.notify();'],
    ['lock.release();'],
    ['await cond.wait();'],
    ['await lock.acquire();'],
    ['navigator.locks.query();'],
    ['declare const manager: LockManager;'],
  ])('says maybe for %s', (text) => {
    expect(test.mayUseLocks(text)).toBe(true);
  });
  it.each([
    ['let total = 0; total += 1;'],
    ["await client.request('/x');"],
    ['const released = items.map((x) => x);'],
  ])('says no for %s', (text) => {
    expect(test.mayUseLocks(text)).toBe(false);
  });
});

// A LockManager can reach a file that never names Web Locks: imported under another name,
// destructured, or as a parameter whose type has another name. Only the type checker can tell
// those `request(` calls from an HTTP client's, so it is asked — but only about calls that
// could be a Web Lock request, never about `http.request(…)` on a module.
describe('ProgramModel.requestsWebLock (a `request(` in a file that never names Web Locks)', () => {
  const dir = '/virtual';
  const allFiles: Readonly<Record<string, string>> = {
    'locks.ts': `export const coordinator = navigator.locks;
export type Coordinator = typeof coordinator;`,
    'alias.ts': `import { coordinator as manager } from './locks.ts';
export const run = () => manager.request('a', async () => 1);`,
    'destructured.ts': `const { locks: manager } = navigator;
export const run = () => manager.request('a', async () => 1);`,
    'parameter.ts': `import type { Coordinator } from './locks.ts';
export const run = (manager: Coordinator) => manager.request('a', () => 1);`,
    'element.ts': `import { coordinator } from './locks.ts';
export const run = () => coordinator['request']('a', { mode: 'shared' }, () => 1);`,
    'http.ts': `declare const client: { request(path: string, done?: () => void): Promise<string> };
export const one = () => client.request('/items');
export const two = () => client.request('/items', () => undefined);`,
    'node-http.ts': `import * as http from './fake-http.ts';
import * as api from './fake-http.ts';
export const get = () => http.request('/items', () => undefined);
export const list = () => api['request']('/items', () => undefined);`,
    'fake-http.ts': `export function request(path: string, done: () => void): void {
  done();
}`,
  };

  function typedProgram(files: Readonly<Record<string, string>> = allFiles): {
    program: ts.Program;
    typeQuestions: () => number;
  } {
    const options: ts.CompilerOptions = {
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const virtual = (name: string) =>
      name.startsWith(`${dir}/`) ? files[name.slice(dir.length + 1)] : undefined;
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) => {
      const text = virtual(name);
      return text === undefined
        ? getSourceFile(name, version)
        : ts.createSourceFile(name, text, ts.ScriptTarget.ESNext, true);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => virtual(name) !== undefined || fileExists(name);
    const directoryExists = host.directoryExists?.bind(host);
    host.directoryExists = (name) => name === dir || (directoryExists?.(name) ?? false);
    const roots = Object.keys(files).map((name) => `${dir}/${name}`);
    const program = ts.createProgram(roots, options, host);
    // Count the type questions the model asks (it takes its checker from the program).
    const checker = program.getTypeChecker();
    let questions = 0;
    const getTypeAtLocation = checker.getTypeAtLocation.bind(checker);
    checker.getTypeAtLocation = (node) => {
      questions += 1;
      return getTypeAtLocation(node);
    };
    return { program, typeQuestions: () => questions };
  }

  const sourceFile = (program: ts.Program, name: string) =>
    program.getSourceFile(`${dir}/${name}`)!;

  it('has a program that type-checks (so every name above resolves)', () => {
    const { program } = typedProgram();
    expect(ts.getPreEmitDiagnostics(program).map((d) => d.messageText)).toEqual([]);
  });

  it.each(['alias.ts', 'destructured.ts', 'parameter.ts', 'element.ts'])(
    'says yes for %s, whose text never names Web Locks',
    (name) => {
      const { program } = typedProgram();
      const model = new ProgramModel(program, readSettings({}));
      const file = sourceFile(program, name);
      expect(lockUsageTest(readSettings({})).mayUseLocks(file.text)).toBe(false);
      expect(model.requestsWebLock(file)).toBe(true);
      expect(model.mayAcquire(file)).toBe(true);
      expect(model.mayUseLocks(file)).toBe(true);
    },
  );

  it("says no for an HTTP client's request with one or two arguments", () => {
    const { program } = typedProgram();
    const model = new ProgramModel(program, readSettings({}));
    const file = sourceFile(program, 'http.ts');
    expect(model.requestsWebLock(file)).toBe(false);
    expect(model.mayAcquire(file)).toBe(false);
    expect(model.mayUseLocks(file)).toBe(false);
  });

  it('asks no type about a one-argument request or a request on a module', () => {
    const { program, typeQuestions } = typedProgram();
    const model = new ProgramModel(program, readSettings({}));
    expect(model.mayUseLocks(sourceFile(program, 'node-http.ts'))).toBe(false);
    expect(typeQuestions()).toBe(0);
    // `client.request('/items', cb)` could be a Web Lock request by its syntax: one question.
    expect(model.mayUseLocks(sourceFile(program, 'http.ts'))).toBe(false);
    expect(typeQuestions()).toBe(1);
  });

  it('asks nothing when no file of the program mentions Web Locks', () => {
    const { program, typeQuestions } = typedProgram({
      'http.ts': allFiles['http.ts']!,
      'locks.ts': 'export {};',
    });
    const model = new ProgramModel(program, readSettings({}));
    expect(model.mayUseLocks(sourceFile(program, 'http.ts'))).toBe(false);
    expect(typeQuestions()).toBe(0);
  });
});

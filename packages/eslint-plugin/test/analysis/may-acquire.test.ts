import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ProgramModel } from '../../src/analysis/program-model.ts';
import { lockUsageTest } from '../../src/analysis/lock-usage.ts';
import { readSettings } from '../../src/analysis/settings.ts';

// The text test that picks the files a whole-program analysis walks. It may say "maybe" for a
// file without locks (a cost), never "no" for a file that takes one (a missed cycle).
function mayAcquire(text: string, settings: Record<string, unknown> = {}): boolean {
  const fileName = '/virtual/file.ts';
  const host = ts.createCompilerHost({ noEmit: true, types: [], noLib: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) =>
    name === fileName
      ? ts.createSourceFile(name, text, ts.ScriptTarget.ESNext, true)
      : getSourceFile(name, version);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram([fileName], { noEmit: true, types: [], noLib: true }, host);
  const model = new ProgramModel(program, readSettings(settings));
  return model.mayAcquire(program.getSourceFile(fileName)!);
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

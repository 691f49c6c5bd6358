import { describe, expect, it } from 'vitest';
import { fileRelevance } from '../../src/analysis/file-relevance.ts';
import type { AnyContext } from '../../src/analysis/lock-model.ts';
import { lockUsageTest } from '../../src/analysis/lock-usage.ts';
import { readSettings } from '../../src/analysis/settings.ts';
import { oneFileProgram } from '../support/one-file-program.ts';

// fileRelevance remembers only the file it answered last (every rule of a file asks in a row),
// and with types it takes the program model's answer for the file's `ts.SourceFile`. Neither
// may hand one file's answer to another, nor the program's text's answer to a changed text.
const fileName = '/virtual/linted.ts';

function programWith(text: string): ReturnType<typeof oneFileProgram> {
  return oneFileProgram(text, fileName);
}

/** A rule context for `text`; typed when a program (and the file's node in it) is given. */
function contextFor(text: string, typed?: ReturnType<typeof programWith>): AnyContext {
  const ast = { type: 'Program' };
  const parserServices = typed && {
    program: typed.program,
    esTreeNodeToTSNodeMap: {
      get: (node: unknown) => (node === ast ? typed.sourceFile : undefined),
    },
  };
  return {
    sourceCode: { text, ast, parserServices },
    settings: {},
    cwd: '/virtual',
    filename: fileName,
  } as unknown as AnyContext;
}

describe('fileRelevance', () => {
  it('answers each file for itself when rules of two files ask in turn', () => {
    const locking = contextFor('await lock.acquire();');
    const plain = contextFor('const total = 1 + 2;');
    const annotated = contextFor('/** @guardedBy lock */ let count = 0;');
    for (let round = 0; round < 2; round += 1) {
      expect(fileRelevance(locking)).toMatchObject({ mayAcquire: true, annotated: false });
      expect(fileRelevance(plain)).toMatchObject({ mayUseLocks: false, annotated: false });
      expect(fileRelevance(annotated)).toMatchObject({ mayUseLocks: false, annotated: true });
    }
  });

  it("takes the program's answer for the file's own text", () => {
    const text = 'await lock.acquire();';
    expect(fileRelevance(contextFor(text, programWith(text)))).toMatchObject({
      mayAcquire: true,
      mayUseLocks: true,
    });
    const plain = 'const total = 1 + 2;';
    expect(fileRelevance(contextFor(plain, programWith(plain)))).toMatchObject({
      mayAcquire: false,
      mayUseLocks: false,
    });
  });

  it("tests the linted text when it is no longer the program's (a re-parse after a fix)", () => {
    const program = programWith('const total = 1 + 2;');
    expect(fileRelevance(contextFor('await lock.acquire();', program))).toMatchObject({
      mayAcquire: true,
    });
    const stale = programWith('await lock.acquire();');
    expect(fileRelevance(contextFor('const total = 1 + 2;', stale))).toMatchObject({
      mayAcquire: false,
      mayUseLocks: false,
    });
  });
});

describe('lockUsageTest', () => {
  it('gives each settings object its own tests when they alternate', () => {
    const spin = readSettings({
      interlock: { locks: [{ type: 'SpinLock', acquire: ['lock'], release: ['unlock'] }] },
    });
    const plain = readSettings({});
    for (let round = 0; round < 2; round += 1) {
      expect(lockUsageTest(spin).mayAcquire('spin.lock();')).toBe(true);
      expect(lockUsageTest(plain).mayAcquire('spin.lock();')).toBe(false);
    }
  });
});

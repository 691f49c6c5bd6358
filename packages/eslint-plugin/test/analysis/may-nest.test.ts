import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Linter } from 'eslint';
import plugin from '../../src/index.ts';
import { mayNest } from '../../src/analysis/may-nest.ts';
import { programEntry } from '../../src/analysis/program-entry.ts';
import { readSettings } from '../../src/analysis/settings.ts';
import {
  createTypeAwareESLint,
  harnessProblems,
  PLUGIN_NAMESPACE,
} from '../support/lint-harness.ts';
import { fixturesDir } from '../rules/rule-tester.ts';

// The lock-order graph converts and walks only the files `mayNest` keeps (analysis/may-nest.ts).
// A wrong "no" loses every cycle through that file, so each nesting form must be kept, and the
// cycle found from whichever file is linted alone (fixtures/nesting-project).
const projectDir = path.join(fixturesDir, 'nesting-project');
const tsconfigPath = path.join(projectDir, 'tsconfig.json');

function projectProgram(): ts.Program {
  const config = ts.readConfigFile(tsconfigPath, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, projectDir);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
}

describe('mayNest', () => {
  const program = projectProgram();
  const entry = programEntry(program, readSettings({}));
  const nests = (file: string): boolean => {
    const sourceFile = program.getSourceFile(path.join(projectDir, file));
    if (!sourceFile) throw new Error(`${file} is not in the fixture program`);
    return mayNest(entry, sourceFile);
  };

  it.each([
    ['direct.ts', 'an acquire inside a lock callback'],
    ['through-call.ts', "a call of another file's function that takes a lock"],
    ['top-level.ts', 'a nesting at the top level of a module'],
    ['reverse.ts', 'a lock callback inside a lock callback'],
  ])('keeps %s (%s)', (file) => {
    expect(nests(file)).toBe(true);
  });

  it.each([
    ['locks.ts', 'one lock per function'],
    ['apart.ts', 'two locks in two functions, and a call that takes none'],
    ['semaphore.ts', 'a counting semaphore around a lock'],
    ['lock-free.ts', '`acquire(` on something that is no lock'],
  ])('rules out %s (%s)', (file) => {
    expect(nests(file)).toBe(false);
  });
});

describe('consistent-lock-order over files the graph keeps', () => {
  const ruleId = `${PLUGIN_NAMESPACE}/consistent-lock-order`;
  const config: Linter.Config = {
    files: ['**/*.ts'],
    plugins: { [PLUGIN_NAMESPACE]: plugin },
    rules: { [ruleId]: 'error' },
  };

  async function findingsAlone(file: string): Promise<string[]> {
    // A fresh ESLint (and program) per file, as an editor lints one file.
    const eslint = createTypeAwareESLint({ cwd: projectDir, tsconfigPath, configs: [config] });
    const results = await eslint.lintFiles([path.join(projectDir, file)]);
    expect(harnessProblems(results)).toEqual([]);
    return results.flatMap((result) =>
      result.messages.map((message) => `${message.line}: ${message.message}`),
    );
  }

  it.each([
    ['direct.ts', 6],
    ['through-call.ts', 7],
    ['top-level.ts', 5],
  ])('linting %s alone reports its edge (line %i) against reverse.ts', async (file, line) => {
    const findings = await findingsAlone(file);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(new RegExp(`^${line}: Lock order cycle: `));
    expect(findings[0]).toContain('reverse.ts:7');
  });

  it('linting reverse.ts alone finds the cycle through a file the graph keeps', async () => {
    const findings = await findingsAlone('reverse.ts');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^7: Lock order cycle: `accounts` is taken here while `ledger`/);
    expect(findings[0]).toContain('direct.ts:6');
  });

  it.each([['apart.ts'], ['semaphore.ts'], ['locks.ts']])('reports nothing in %s', async (file) => {
    expect(await findingsAlone(file)).toEqual([]);
  });
});

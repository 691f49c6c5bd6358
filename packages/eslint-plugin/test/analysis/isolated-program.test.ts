import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ESLint, Linter, Rule } from 'eslint';
import plugin from '../../src/index.ts';
import {
  createTypeAwareESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
  PLUGIN_NAMESPACE,
} from '../support/lint-harness.ts';
import { fixturesDir } from '../rules/rule-tester.ts';

// typescript-estree's single-run mode (CI=true, the eslint CLI, TSESTREE_SINGLE_RUN=true) builds
// each project's program once per process; any later parse of the same file (a --fix pass, or a
// second ESLint instance) gets an isolated one-file program instead: `noResolve`, every file name
// read as the linted text, current directory ''. Asking its checker about bank.ts' imports made
// TypeScript throw while naming a module in an error (normalizeSlashes of undefined). The rules
// treat it as no program; the lock-order graph is taken from the real program an earlier parse
// of the file belonged to, with the file's current text (src/analysis/reparsed-program.ts).
const projectDir = path.join(fixturesDir, 'lock-order-project');
const bank = path.join(projectDir, 'bank.ts');
const lockOrder = `${PLUGIN_NAMESPACE}/consistent-lock-order`;

// Two fixers standing in for any rule's `--fix`: one moves every line down by one, the other
// stops bank.ts waiting for post() while `accounts` is held (its edge of the cycle goes away).
const fixers: Record<string, Rule.RuleModule> = {
  'add-header': {
    meta: { type: 'layout', fixable: 'code', schema: [] },
    create: (context) => ({
      Program(node) {
        if (context.sourceCode.text.startsWith('// checked\n')) return;
        context.report({
          node,
          message: 'header',
          fix: (fixer) => fixer.insertTextBeforeRange([0, 0], '// checked\n'),
        });
      },
    }),
  },
  'stop-waiting-for-post': {
    meta: { type: 'problem', fixable: 'code', schema: [] },
    create: (context) => ({
      'AwaitExpression:has(> CallExpression[callee.name="post"])'(node: Rule.Node) {
        const start = node.range![0];
        context.report({
          node,
          message: 'post',
          fix: (fixer) => fixer.replaceTextRange([start, start + 'await'.length], 'void'),
        });
      },
    }),
  },
};

function singleRunESLint(
  configs: readonly Linter.Config[] = [everyRuleOn(plugin)],
  fix = false,
): ESLint {
  return createTypeAwareESLint({
    cwd: projectDir,
    tsconfigPath: path.join(projectDir, 'tsconfig.json'),
    configs,
    fix,
  });
}

function withFixer(name: string): Linter.Config[] {
  return [
    {
      files: ['**/*.ts'],
      plugins: { [PLUGIN_NAMESPACE]: plugin, test: { rules: fixers } },
      rules: { [lockOrder]: 'error', [`test/${name}`]: 'error' },
    },
  ];
}

async function lockOrderMessages(
  eslint: ESLint,
): Promise<{ output?: string; line: number; message: string }[]> {
  const { results, crashes } = await lintFilesOneByOne(eslint, [bank]);
  expect(crashes).toEqual([]);
  expect(harnessProblems(results)).toEqual([]);
  return results.flatMap((result) =>
    result.messages
      .filter((message) => message.ruleId === lockOrder)
      .map((message) => ({
        ...(result.output === undefined ? {} : { output: result.output }),
        line: message.line,
        message: message.message,
      })),
  );
}

describe('a file parsed again in single-run mode (isolated program)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is linted without crashing a rule, and still reports the cross-file cycle', async () => {
    vi.stubEnv('TSESTREE_SINGLE_RUN', 'true');
    // Twice, so the second parse is a re-parse whatever ran before in this worker.
    const first = await lintFilesOneByOne(singleRunESLint(), [bank]);
    const second = await lintFilesOneByOne(singleRunESLint(), [bank]);

    expect([...first.crashes, ...second.crashes]).toEqual([]);
    expect(harnessProblems([...first.results, ...second.results])).toEqual([]);
    const cycles = (results: readonly ESLint.LintResult[]) =>
      results.flatMap((result) =>
        result.messages
          .filter((message) => message.ruleId === lockOrder)
          .map((message) => `${message.line}: ${message.message}`),
      );
    expect(cycles(second.results)).toHaveLength(1);
    expect(cycles(second.results)[0]).toMatch(
      /^15: Lock order cycle: .*ledger\.ts:16.*audit\.ts:15/,
    );
    expect(cycles(second.results)).toEqual(cycles(first.results));
  });

  it('reports the cycle where it is after a --fix pass moved it', async () => {
    vi.stubEnv('TSESTREE_SINGLE_RUN', 'true');
    const [found, ...rest] = await lockOrderMessages(
      singleRunESLint(withFixer('add-header'), true),
    );
    expect(rest).toEqual([]);
    expect(found?.output?.startsWith('// checked\n')).toBe(true);
    expect(found?.line).toBe(16);
    expect(found?.message).toMatch(/ledger\.ts:16.*audit\.ts:15/);
  });

  it('reports nothing once a --fix pass removed the nesting', async () => {
    vi.stubEnv('TSESTREE_SINGLE_RUN', 'true');
    const eslint = singleRunESLint(withFixer('stop-waiting-for-post'), true);
    const [result] = await eslint.lintFiles([bank]);
    expect(result?.output).toContain('void post(');
    expect(result?.messages.filter((message) => message.ruleId === lockOrder)).toEqual([]);
  });
});

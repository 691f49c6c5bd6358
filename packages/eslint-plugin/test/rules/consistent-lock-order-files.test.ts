import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Linter } from 'eslint';
import plugin from '../../src/index.ts';
import {
  createTypeAwareESLint,
  harnessProblems,
  PLUGIN_NAMESPACE,
} from '../support/lint-harness.ts';
import { fixturesDir } from './rule-tester.ts';

// A lock-order cycle spread over three files through calls (test/fixtures/lock-order-project):
// bank.ts holds `accounts` and calls post(); ledger.ts holds `ledger` and calls record();
// audit.ts holds `audit` and calls snapshot(), which takes `accounts`. Linting any one file
// alone — as an editor does — must find its edge of the cycle and name the other two sites.
const projectDir = path.join(fixturesDir, 'lock-order-project');
const files = { bank: 'bank.ts', ledger: 'ledger.ts', audit: 'audit.ts' } as const;
const ruleId = `${PLUGIN_NAMESPACE}/consistent-lock-order`;

function lintAlone(): ReturnType<typeof createTypeAwareESLint> {
  const config: Linter.Config = {
    files: ['**/*.ts'],
    plugins: { [PLUGIN_NAMESPACE]: plugin },
    rules: { [ruleId]: 'error' },
  };
  return createTypeAwareESLint({
    cwd: projectDir,
    tsconfigPath: path.join(projectDir, 'tsconfig.json'),
    configs: [config],
  });
}

async function findings(file: string): Promise<Linter.LintMessage[]> {
  // A fresh ESLint (and so a fresh program) per file: nothing learnt from linting another file.
  const results = await lintAlone().lintFiles([path.join(projectDir, file)]);
  expect(harnessProblems(results)).toEqual([]);
  return results.flatMap((result) => result.messages);
}

describe('consistent-lock-order across three files', () => {
  it.each([
    [files.bank, 15, ['ledger.ts:16', 'audit.ts:15']],
    [files.ledger, 16, ['audit.ts:15', 'bank.ts:15']],
    [files.audit, 15, ['bank.ts:15', 'ledger.ts:16']],
  ])(
    'linting %s alone reports its edge on line %i and names the other sites',
    async (file, line, others) => {
      const messages = await findings(file);
      expect(messages.map((message) => [message.ruleId, message.line])).toEqual([[ruleId, line]]);
      const text = messages[0]?.message ?? '';
      expect(text).toMatch(/^Lock order cycle: /);
      for (const other of others) expect(text).toContain(other);
    },
  );

  it('names the calls the locks are taken through', async () => {
    const [message] = await findings(files.bank);
    expect(message?.message).toContain('`ledger` is taken here while `accounts` is held');
    expect(message?.message).toContain(', through `post()`');
  });
});

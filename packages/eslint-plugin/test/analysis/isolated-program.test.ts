import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import plugin from '../../src/index.ts';
import {
  createTypeAwareESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
} from '../support/lint-harness.ts';
import { fixturesDir } from '../rules/rule-tester.ts';

// typescript-estree's single-run mode (CI=true, the eslint CLI, TSESTREE_SINGLE_RUN=true) builds
// each project's program once per process; any later parse of the same file (a --fix pass, or a
// second ESLint instance) gets an isolated one-file program instead: `noResolve`, every file name
// read as the linted text, current directory ''. Asking its checker about bank.ts' imports made
// TypeScript throw while naming a module in an error (normalizeSlashes of undefined).
const projectDir = path.join(fixturesDir, 'lock-order-project');
const bank = path.join(projectDir, 'bank.ts');

function singleRunESLint(): ReturnType<typeof createTypeAwareESLint> {
  return createTypeAwareESLint({
    cwd: projectDir,
    tsconfigPath: path.join(projectDir, 'tsconfig.json'),
    configs: [everyRuleOn(plugin)],
  });
}

describe('a file parsed again in single-run mode (isolated program)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is linted without type information instead of crashing a rule', async () => {
    vi.stubEnv('TSESTREE_SINGLE_RUN', 'true');
    // Twice, so the second parse is a re-parse whatever ran before in this worker.
    const first = await lintFilesOneByOne(singleRunESLint(), [bank]);
    const second = await lintFilesOneByOne(singleRunESLint(), [bank]);

    expect([...first.crashes, ...second.crashes]).toEqual([]);
    expect(harnessProblems([...first.results, ...second.results])).toEqual([]);
    // The cross-file cycle needs the program's other files: without them it is not reported
    // (silence, never a report made from the isolated program's wrong types).
    const lockOrder = second.results.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === '@interlock/consistent-lock-order'),
    );
    expect(lockOrder).toEqual([]);
  });
});

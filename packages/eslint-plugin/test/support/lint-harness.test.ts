import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ESLint } from 'eslint';
import { compareFindings, formatMismatches } from './compare-findings.ts';
import { parseExpectations } from './expectations.ts';
import {
  createTypeAwareESLint,
  createUntypedESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
  type LintCrash,
} from './lint-harness.ts';
import { totalTimes } from './rule-times.ts';
import { writeTempTsconfig, type TempTsconfig } from './temp-tsconfig.ts';
import { toyPlugin } from './toy-plugin.ts';

// The harness run end to end on a toy plugin and a four-file synthetic project.
const sources = {
  'expected.ts': [
    'export const sum = 1 + 1; // expect-lint: number-const',
    "export const text = 'x';",
    'debugger; // expect-lint: no-debugger, not-a-toy-rule',
  ].join('\n'),
  'surprise.ts': "export const parsed = Number('3');\n",
  'crashing.ts': 'export const boom = true;\n',
  'broken.ts': 'export const = ;\n',
};
type SourceName = keyof typeof sources;

let project: TempTsconfig;
let results: ESLint.LintResult[];
let crashes: LintCrash[];
const file = (name: SourceName) => path.join(project.dir, name);
const resultOf = (name: SourceName) => results.find((result) => result.filePath === file(name));

beforeAll(async () => {
  project = await writeTempTsconfig('interlock-harness-test', {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
      types: [],
    },
    include: ['*.ts'],
  });
  for (const [name, text] of Object.entries(sources))
    await writeFile(path.join(project.dir, name), text);
  const eslint = createTypeAwareESLint({
    cwd: project.dir,
    tsconfigPath: project.path,
    configs: [everyRuleOn(toyPlugin)],
    stats: true,
  });
  ({ results, crashes } = await lintFilesOneByOne(
    eslint,
    Object.keys(sources).map((name) => file(name as SourceName)),
  ));
}, 60_000);

afterAll(() => project.remove());

describe('the lint harness on a toy plugin', () => {
  it('runs every rule with type information', () => {
    const messages = resultOf('expected.ts')?.messages.map(({ ruleId, line }) => ({
      ruleId,
      line,
    }));
    expect(messages).toEqual([
      { ruleId: '@interlock/number-const', line: 1 },
      { ruleId: '@interlock/no-debugger', line: 3 },
    ]);
  });

  it('matches findings against the expect-lint comments, ignoring unknown rules', () => {
    const parsed = parseExpectations(sources['expected.ts']);
    const knownRules = new Set(Object.keys(toyPlugin.rules));
    expect(
      compareFindings(parsed, resultOf('expected.ts')?.messages ?? [], { knownRules }),
    ).toEqual([]);

    const surprise = parseExpectations(sources['surprise.ts']);
    const mismatches = compareFindings(surprise, resultOf('surprise.ts')?.messages ?? [], {
      knownRules,
    });
    expect(formatMismatches('surprise.ts', surprise, mismatches)).toEqual([
      'surprise.ts:1 — unexpected number-const ("parsed is a number") [expected: nothing; ' +
        'got: number-const]',
    ]);
  });

  it('collects a crashing rule per file and keeps linting the other files', () => {
    expect(crashes).toHaveLength(1);
    expect(crashes[0]?.file).toBe(file('crashing.ts'));
    expect(crashes[0]?.error).toMatch(/toy rule tripped over boom/);
    expect(crashes[0]?.error).toMatch(/@interlock\/crash-on-boom/);
    expect(results.map((result) => path.basename(result.filePath)).sort()).toEqual([
      'broken.ts',
      'expected.ts',
      'surprise.ts',
    ]);
  });

  it('surfaces parse errors as harness problems', () => {
    const problems = harnessProblems(results);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${file('broken.ts')}:1:`);
  });

  it('collects per-rule times for every rule that ran', () => {
    const { rules, parse } = totalTimes(results);
    expect([...rules.keys()].sort()).toEqual([
      '@interlock/crash-on-boom',
      '@interlock/no-debugger',
      '@interlock/number-const',
    ]);
    for (const time of rules.values()) expect(time).toBeGreaterThanOrEqual(0);
    expect(parse).toBeGreaterThan(0);
  });
});

describe('the lint harness without type information', () => {
  it('gives rules no program, so a rule that insists on one crashes (and is collected)', async () => {
    const eslint = createUntypedESLint({ cwd: project.dir, configs: [everyRuleOn(toyPlugin)] });
    const untyped = await lintFilesOneByOne(eslint, [file('expected.ts')]);
    expect(untyped.results).toEqual([]);
    expect(untyped.crashes.map((crash) => crash.error)).toEqual([
      expect.stringMatching(/numberConst needs type information/),
    ]);
  });
});

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter, type ESLint } from 'eslint';
import type { Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { rules } from '../packages/eslint-plugin/src/index.ts';
import {
  createTypeAwareESLint,
  harnessProblems,
} from '../packages/eslint-plugin/test/support/lint-harness.ts';
import { markdownTokens } from './support/markdown.ts';
import { repoRoot, userCompilerOptions } from './support/workspace.ts';

// The rule docs as a user reads them (typescript-eslint's docs.test.ts is the model): each ❌
// example is reported by its rule, each ✅ example is not, every option a doc shows is valid
// under the rule's schema, and the defaults the Options section states are the rule's.
//
// An example block may carry options in its info string: ```ts option='{ "checkCalls": false }'
// (one JSON object: the rule's first option). Blocks after "### ❌ Incorrect" must be reported,
// blocks after "### ✅ Correct" must not; other blocks are not linted.

const docsDir = join(repoRoot, 'packages/eslint-plugin/docs/rules');
// Inside the plugin package, so the examples' imports (@interlock/primitives, async-mutex,
// await-lock) resolve through its dependencies.
const exampleDir = join(repoRoot, 'packages/eslint-plugin/test/.doc-examples');

interface Example {
  readonly rule: string;
  readonly kind: 'incorrect' | 'correct';
  readonly options: Record<string, unknown> | undefined;
  readonly code: string;
  readonly file: string;
}

function examplesOf(rule: string): Example[] {
  const text = readFileSync(join(docsDir, `${rule}.md`), 'utf8');
  const examples: Example[] = [];
  let kind: Example['kind'] | undefined;
  for (const token of markdownTokens(text)) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      kind = heading.text.includes('❌')
        ? 'incorrect'
        : heading.text.includes('✅')
          ? 'correct'
          : heading.depth <= 3
            ? undefined
            : kind;
      continue;
    }
    if (token.type !== 'code' || kind === undefined) continue;
    const code = token as Tokens.Code;
    const info = code.lang ?? '';
    if (!/^(ts|typescript)\b/.test(info)) continue;
    const option = /option='([^']*)'/.exec(info)?.[1];
    examples.push({
      rule,
      kind,
      options: option === undefined ? undefined : (JSON.parse(option) as Record<string, unknown>),
      code: code.text,
      file: join(exampleDir, `${rule}-${examples.length}.ts`),
    });
  }
  return examples;
}

/** Whether ESLint accepts `options` for `rule` (its schema validation, as a user's config gets). */
function optionsAreValid(rule: string, options: unknown[]): boolean {
  try {
    new Linter({ configType: 'flat' }).verify('', [
      {
        plugins: { '@interlock': plugin },
        rules: { [`@interlock/${rule}`]: ['error', ...options] },
      },
    ]);
    return true;
  } catch {
    return false;
  }
}

const ruleNames = Object.keys(rules) as (keyof typeof rules)[];

/** ESLint over the examples with every rule on, or only `only.rule` with `only.options`. */
function lintWith(only: { rule: string; options: Record<string, unknown> } | undefined): ESLint {
  const ruleConfig: Linter.RulesRecord = {};
  for (const rule of only === undefined ? ruleNames : [only.rule])
    ruleConfig[`@interlock/${rule}`] = only === undefined ? 'error' : ['error', only.options];
  return createTypeAwareESLint({
    cwd: exampleDir,
    tsconfigPath: join(exampleDir, 'tsconfig.json'),
    configs: [{ plugins: { '@interlock': plugin }, rules: ruleConfig }],
  });
}
const examples = ruleNames.flatMap(examplesOf);

describe('rule docs', () => {
  let eslint: ESLint;

  beforeAll(() => {
    rmSync(exampleDir, { recursive: true, force: true });
    mkdirSync(exampleDir, { recursive: true });
    for (const example of examples) writeFileSync(example.file, example.code);
    writeFileSync(
      join(exampleDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: userCompilerOptions({
          lib: ['es2024', 'esnext.disposable', 'dom'],
          types: [],
        }),
        files: examples.map((example) => example.file.slice(exampleDir.length + 1)),
      }),
    );
    eslint = lintWith(undefined);
  });

  afterAll(() => rmSync(exampleDir, { recursive: true, force: true }));

  it('the schema check rejects what it should (sanity)', () => {
    expect(optionsAreValid('no-self-deadlock', [{ checkCalls: false }])).toBe(true);
    expect(optionsAreValid('no-self-deadlock', [{ checkCalls: 'yes' }])).toBe(false);
    expect(optionsAreValid('no-self-deadlock', [{ nonsense: true }])).toBe(false);
  });

  it.each(ruleNames)('%s: has ❌ and ✅ examples', (rule) => {
    const own = examples.filter((example) => example.rule === rule);
    expect(own.some((example) => example.kind === 'incorrect')).toBe(true);
    expect(own.some((example) => example.kind === 'correct')).toBe(true);
  });

  it.each(ruleNames)('%s: the defaults the Options section states are the rule’s', (rule) => {
    const doc = readFileSync(join(docsDir, `${rule}.md`), 'utf8');
    const section = doc.slice(
      doc.indexOf('## Options'),
      doc.indexOf('\n## ', doc.indexOf('## Options') + 1),
    );
    const defaults = ((rules[rule].meta.defaultOptions as unknown[] | undefined)?.[0] ??
      {}) as Record<string, unknown>;
    const stated = [...section.matchAll(/^- `(\w+)` \(default `([^`]+)`/gm)];
    expect(stated.map((match) => match[1]).sort()).toEqual(Object.keys(defaults).sort());
    for (const [, name = '', value = ''] of stated)
      expect(JSON.parse(value), name).toEqual(defaults[name]);
    expect(optionsAreValid(rule, Object.keys(defaults).length === 0 ? [] : [defaults])).toBe(true);
  });

  it.each(
    examples.map(
      (example) =>
        [
          `${example.rule} ${example.kind} #${examples.filter((other) => other.rule === example.rule).indexOf(example)}`,
          example,
        ] as const,
    ),
  )('%s example', async (_title, example) => {
    const options = example.options === undefined ? [] : [example.options];
    expect(
      optionsAreValid(example.rule, options),
      `invalid options ${JSON.stringify(example.options)}`,
    ).toBe(true);
    const linter =
      example.options === undefined
        ? eslint
        : lintWith({ rule: example.rule, options: example.options });
    const results = await linter.lintText(example.code, { filePath: example.file });
    expect(harnessProblems(results)).toEqual([]);
    const reports = (results[0]?.messages ?? []).filter(
      (message) => message.ruleId === `@interlock/${example.rule}`,
    );
    if (example.kind === 'incorrect') expect(reports.length, example.code).toBeGreaterThan(0);
    else expect(reports.map((message) => `${message.line}: ${message.message}`)).toEqual([]);
  });
});

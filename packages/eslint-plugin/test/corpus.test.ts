import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ESLint } from 'eslint';
import plugin from '../src/index.ts';
import { lockCodeCorpus, rxjsCorpus } from './support/corpus.ts';
import {
  createTypeAwareESLint,
  createUntypedESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
  PLUGIN_NAMESPACE,
  type LintCrash,
} from './support/lint-harness.ts';
import type { TempTsconfig } from './support/temp-tsconfig.ts';

// "It never crashes": every rule of the plugin over large bodies of real TypeScript, with
// type information (how the configs are meant to be used) and without it (the documented
// fallback). Rules are read from the plugin, so a new rule is covered the day it lands.
const ruleIds = Object.keys(plugin.rules).map((name) => `${PLUGIN_NAMESPACE}/${name}`);

// A type-aware lint of ~250 files takes seconds (most of it building the program); the
// ceiling leaves room for slow rules on a 2-core CI machine without hiding a hang.
const LINT_TIMEOUT_MS = 90_000;

it('the plugin has rules to run', () => {
  expect(ruleIds.length).toBeGreaterThan(0);
});

for (const corpus of [rxjsCorpus(), lockCodeCorpus()]) {
  it(`${corpus.name} is a real corpus (${corpus.files.length} files)`, () => {
    expect(corpus.files.length).toBeGreaterThanOrEqual(corpus.minFiles);
  });

  for (const typed of [true, false]) {
    describe(`every rule over ${corpus.name}, ${typed ? 'type-aware' : 'without type information'}`, () => {
      let project: TempTsconfig | undefined;
      let results: ESLint.LintResult[] = [];
      let crashes: LintCrash[] = [];

      beforeAll(async () => {
        // Per-file rule times double as proof that each rule really ran on each file.
        const options = { cwd: corpus.cwd, configs: [everyRuleOn(plugin, 'warn')], stats: true };
        let eslint: ESLint;
        if (typed) {
          project = await corpus.writeTsconfig();
          eslint = createTypeAwareESLint({ ...options, tsconfigPath: project.path });
        } else {
          eslint = createUntypedESLint(options);
        }
        ({ results, crashes } = await lintFilesOneByOne(eslint, corpus.files));
      }, LINT_TIMEOUT_MS);

      afterAll(() => project?.remove());

      it('never crashes', () => {
        expect(crashes).toEqual([]);
      });

      it('parses every file (no fatal or "file ignored" messages)', () => {
        expect(harnessProblems(results)).toEqual([]);
      });

      it('ran every rule on every file', () => {
        expect(results).toHaveLength(corpus.files.length);
        const filesMissingARule = results
          .map((result) => {
            const ran = new Set(Object.keys(result.stats?.times.passes[0]?.rules ?? {}));
            const missing = ruleIds.filter((ruleId) => !ran.has(ruleId));
            return missing.length === 0 ? undefined : `${result.filePath}: ${missing.join(', ')}`;
          })
          .filter((line) => line !== undefined);
        expect(filesMissingARule).toEqual([]);
      });

      if (corpus.lockFree) {
        // No locks, nothing to report: the cheapest false-positive guard there is.
        it('reports nothing on code that uses no locks', () => {
          const findings = results.flatMap((result) =>
            result.messages.map(
              (message) =>
                `${result.filePath}:${message.line} ${message.ruleId}: ${message.message}`,
            ),
          );
          expect(findings).toEqual([]);
        });
      }
    });
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ESLint } from 'eslint';
import plugin from '../src/index.ts';
import { CORPUS_MIN_FILES, CORPUS_NAME, corpusFiles, corpusSourceDir, writeCorpusTsconfig } from './support/corpus.ts';
import {
  createTypeAwareESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
  PLUGIN_NAMESPACE,
  type LintCrash,
} from './support/lint-harness.ts';
import type { TempTsconfig } from './support/temp-tsconfig.ts';

// "It never crashes": every rule of the plugin, type-aware, over a large body of real
// TypeScript. Rules are read from the plugin, so a new rule is covered the day it lands.
const ruleIds = Object.keys(plugin.rules).map((name) => `${PLUGIN_NAMESPACE}/${name}`);
const sourceDir = corpusSourceDir();
const files = corpusFiles(sourceDir);

let project: TempTsconfig | undefined;
let results: ESLint.LintResult[] = [];
let crashes: LintCrash[] = [];

// One type-aware lint of ~250 files: a couple of seconds of parsing per rule-free run, so the
// ceiling leaves room for slow rules on a 2-core CI machine without hiding a hang.
const LINT_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  project = await writeCorpusTsconfig(sourceDir, files);
  const eslint = createTypeAwareESLint({
    cwd: sourceDir,
    tsconfigPath: project.path,
    configs: [everyRuleOn(plugin, 'warn')],
    // Per-file rule times double as proof that each rule really ran on each file.
    stats: true,
  });
  ({ results, crashes } = await lintFilesOneByOne(eslint, files));
}, LINT_TIMEOUT_MS);

afterAll(() => project?.remove());

describe(`every rule, type-aware, over ${CORPUS_NAME}`, () => {
  it('has a corpus and rules to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(CORPUS_MIN_FILES);
    expect(ruleIds.length).toBeGreaterThan(0);
  });

  it('never crashes', () => {
    expect(crashes).toEqual([]);
  });

  it('parses every file (no fatal or "file ignored" messages)', () => {
    expect(harnessProblems(results)).toEqual([]);
  });

  it('ran every rule on every file', () => {
    expect(results).toHaveLength(files.length);
    const filesMissingARule = results
      .map((result) => {
        const ran = new Set(Object.keys(result.stats?.times.passes[0]?.rules ?? {}));
        const missing = ruleIds.filter((ruleId) => !ran.has(ruleId));
        return missing.length === 0 ? undefined : `${result.filePath}: ${missing.join(', ')}`;
      })
      .filter((line) => line !== undefined);
    expect(filesMissingARule).toEqual([]);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ESLint } from 'eslint';
import plugin from '../../src/index.ts';
import type { FileRelevance } from '../../src/analysis/file-relevance.ts';
import { lockCodeCorpus } from '../support/corpus.ts';
import {
  createTypeAwareESLint,
  everyRuleOn,
  harnessProblems,
  lintFilesOneByOne,
} from '../support/lint-harness.ts';
import type { TempTsconfig } from '../support/temp-tsconfig.ts';
import { fixturesDir } from '../rules/rule-tester.ts';

// The per-file prefilter (analysis/file-relevance.ts) lets a rule skip a file its text tests
// call lock-free, and the lock-order graph skips files that nest no two locks. Either may cost a
// walk, never a finding: every rule over the same code must find the same things with both as
// with every file treated as "maybe uses locks".
// What the prefilter said, by file name, is kept to check it skipped what it should.
const prefilter = vi.hoisted(() => ({ off: false, said: new Map<string, FileRelevance>() }));
vi.mock('../../src/analysis/file-relevance.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/analysis/file-relevance.ts')>();
  const everything: FileRelevance = { mayUseLocks: true, mayAcquire: true, annotated: true };
  return {
    ...original,
    fileRelevance: (context: Parameters<typeof original.fileRelevance>[0]) => {
      if (prefilter.off) return everything;
      const relevance = original.fileRelevance(context);
      prefilter.said.set(path.basename(context.filename), relevance);
      return relevance;
    },
  };
});

// The lock-order graph's own filter (analysis/may-nest.ts: which files may nest two locks) is
// switched off with it, so "without" walks every file whose text may take a lock.
vi.mock('../../src/analysis/may-nest.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/analysis/may-nest.ts')>();
  return {
    ...original,
    mayNest: (...args: Parameters<typeof original.mayNest>) =>
      prefilter.off || original.mayNest(...args),
  };
});

type Finding = string;

function findingsOf(results: readonly ESLint.LintResult[], cwd: string): Finding[] {
  return results
    .flatMap((result) =>
      result.messages.map(
        (message) =>
          `${path.relative(cwd, result.filePath)}:${message.line}:${message.column} ${message.ruleId}: ${message.message}`,
      ),
    )
    .sort();
}

async function lint(cwd: string, tsconfigPath: string, files: readonly string[], off: boolean) {
  prefilter.off = off;
  try {
    const eslint = createTypeAwareESLint({ cwd, tsconfigPath, configs: [everyRuleOn(plugin)] });
    const { results, crashes } = await lintFilesOneByOne(eslint, files);
    expect(crashes).toEqual([]);
    expect(harnessProblems(results)).toEqual([]);
    return findingsOf(results, cwd);
  } finally {
    prefilter.off = false;
  }
}

describe('locks reached only through re-exports and aliases (fixtures/prefilter-project)', () => {
  const dir = path.join(fixturesDir, 'prefilter-project');
  const tsconfig = path.join(dir, 'tsconfig.json');
  const files = [
    'barrel.ts',
    'client.ts',
    'close.ts',
    'counter.ts',
    'destructured.ts',
    'locks.ts',
    'parameter.ts',
    'sync.ts',
    'transfer.ts',
  ].map((file) => path.join(dir, file));
  let withPrefilter: Finding[] = [];
  let without: Finding[] = [];

  beforeAll(async () => {
    prefilter.said.clear();
    withPrefilter = await lint(dir, tsconfig, files, false);
    without = await lint(dir, tsconfig, files, true);
  }, 120_000);

  it('finds the cycle, the Web Lock self-deadlocks and the lock-free races', () => {
    const where = withPrefilter.map((finding) => finding.replace(/ [^ ]*: .*$/s, ''));
    const rules = withPrefilter.map((finding) => finding.split(' ')[1]);
    expect(rules).toEqual([
      // close.ts: `accounts` taken while `ledger` is held, against transfer.ts' order.
      '@interlock/consistent-lock-order:',
      '@interlock/no-unguarded-shared-write:',
      '@interlock/no-unguarded-shared-write:',
      '@interlock/no-self-deadlock:',
      '@interlock/no-self-deadlock:',
      '@interlock/no-self-deadlock:',
      '@interlock/consistent-lock-order:',
    ]);
    expect(where).toEqual([
      'close.ts:6:11',
      'counter.ts:11:3',
      'counter.ts:15:3',
      'destructured.ts:7:11',
      'parameter.ts:6:11',
      'sync.ts:7:11',
      'transfer.ts:7:11',
    ]);
  });

  it('finds exactly what it finds with every file treated as using locks', () => {
    expect(withPrefilter).toEqual(without);
  });

  it("walks the Web Lock files that never name Web Locks, and skips an HTTP client's request", () => {
    const usesLocks = (file: string) => prefilter.said.get(file)?.mayUseLocks;
    expect(['destructured.ts', 'parameter.ts', 'sync.ts'].map(usesLocks)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['client.ts', 'counter.ts', 'barrel.ts'].map(usesLocks)).toEqual([false, false, false]);
  });
});

describe('the lock-heavy corpus', () => {
  const corpus = lockCodeCorpus();
  let project: TempTsconfig | undefined;
  let withPrefilter: Finding[] = [];
  let without: Finding[] = [];

  beforeAll(async () => {
    project = await corpus.writeTsconfig();
    withPrefilter = await lint(corpus.cwd, project.path, corpus.files, false);
    without = await lint(corpus.cwd, project.path, corpus.files, true);
  }, 300_000);

  afterAll(() => project?.remove());

  it('has findings to compare', () => {
    expect(withPrefilter.length).toBeGreaterThan(0);
  });

  it('finds exactly what it finds with every file treated as using locks', () => {
    expect(withPrefilter).toEqual(without);
  });
});

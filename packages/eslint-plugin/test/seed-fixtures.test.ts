import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ESLint, Linter } from 'eslint';
import plugin from '../src/index.ts';
import { compareFindings, formatMismatches } from './support/compare-findings.ts';
import { bareRuleName, parseExpectations } from './support/expectations.ts';
import {
  createTypeAwareESLint,
  harnessProblems,
  lintFilesOneByOne,
  type LintCrash,
} from './support/lint-harness.ts';

// The seed's examples, linted with `configs.recommended`: every mistake marked
// `// expect-lint: <rule>` is reported on its line, and nothing else is reported anywhere.
// Expectations naming a rule the plugin does not have yet are skipped, so rules plug in as
// they land.
const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url));
const seedDir = path.join(fixturesDir, 'seed');
// The fixtures package owns this project; it includes `seed/` and resolves
// `@interlock/primitives` from `fixtures/node_modules`.
const tsconfigPath = path.join(fixturesDir, 'tsconfig.json');
const seedFiles = existsSync(seedDir)
  ? readdirSync(seedDir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
      .sort()
  : [];

const knownRules = new Set(Object.keys(plugin.rules));
const seedConfigs: Linter.Config[] = [plugin.configs.recommended];
const enabledRules = new Set(
  seedConfigs.flatMap((config) =>
    Object.entries(config.rules ?? {})
      .filter(([, entry]) => {
        const severity = Array.isArray(entry) ? entry[0] : entry;
        return severity !== 'off' && severity !== 0;
      })
      .map(([ruleId]) => bareRuleName(ruleId)),
  ),
);

let results = new Map<string, ESLint.LintResult>();
let crashes: LintCrash[] = [];

beforeAll(async () => {
  const eslint = createTypeAwareESLint({ cwd: fixturesDir, tsconfigPath, configs: seedConfigs });
  const run = await lintFilesOneByOne(
    eslint,
    seedFiles.map((name) => path.join(seedDir, name)),
  );
  results = new Map(run.results.map((result) => [path.basename(result.filePath), result]));
  crashes = run.crashes;
}, 60_000);

describe('seed fixtures linted with configs.recommended', () => {
  it('has seed fixtures and a project for them', () => {
    expect(seedFiles.length).toBeGreaterThan(0);
    expect(existsSync(tsconfigPath)).toBe(true);
  });

  it('configs.recommended turns rules of this plugin on', () => {
    expect([...enabledRules].filter((rule) => knownRules.has(rule)).length).toBeGreaterThan(0);
  });

  it.each(seedFiles)('%s: reports exactly the expected findings', (name) => {
    const label = `fixtures/seed/${name}`;
    const crash = crashes.find((entry) => path.basename(entry.file) === name);
    expect(crash?.error, `${label} crashed the lint`).toBeUndefined();
    const result = results.get(name);
    expect(result, `${label} was not linted`).toBeDefined();
    expect(harnessProblems(result === undefined ? [] : [result])).toEqual([]);

    const parsed = parseExpectations(readFileSync(path.join(seedDir, name), 'utf8'));
    const mismatches = compareFindings(parsed, result?.messages ?? [], {
      knownRules,
      enabledRules,
    });
    expect(formatMismatches(label, parsed, mismatches)).toEqual([]);
  });
});

import { dirname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { expect } from 'vitest';
import { userCompilerOptions } from '../support/workspace.ts';
import type { PackedProject, RunResult } from './project.ts';

/**
 * The README snippets the pack test runs against the installed tarballs, one entry each.
 *
 * To add one (e.g. for a new package): mark its block in the README with `pack-test=<id>` in the
 * info string (```` ```ts pack-test=vitest-config ````) and add an entry here naming the README,
 * the id, the file the block is written to in the temporary project, any files it needs beside
 * it, the command that runs it and what its result must show. Blocks marked `runnable` in the
 * root README or a package README are picked up without an entry (written to a `.ts` file,
 * type-checked, and run with Node). A new package is packed and installed by itself: every
 * non-private package under packages/ is.
 */
export interface PackSnippet {
  /** README holding the block, relative to the repository root. */
  readonly readme: string;
  /** The block's `pack-test=<id>` marker. */
  readonly id: string;
  /** Where the block is written in the project. */
  readonly fileName: string;
  /** Other files the snippet needs, by path in the project. */
  readonly files?: Readonly<Record<string, string>>;
  /** The command, run in the project directory; `node` is the Node running the tests. */
  readonly command: (project: PackedProject, node: string) => readonly string[];
  /** Throws (an `expect` failure) unless the result shows the snippet worked. */
  readonly check: (result: RunResult) => void;
}

/** A TypeScript project with two lock bugs that `configs.recommended` reports. */
const lintedProject = {
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: userCompilerOptions({ types: [] }),
      include: ['src'],
    },
    null,
    2,
  )}\n`,
  'src/ledger.ts': `import { Condition, Lock } from '@interlock/primitives';

const ledger = new Lock({ name: 'ledger' });
const ready = new Condition(new Lock({ name: 'ready' }));

export async function post(): Promise<void> {
  using guard = await ledger.acquire();
  await ledger.withLock(() => guard.released);
}

export async function waitReady(): Promise<void> {
  using guard = await ready.acquire();
  if (!guard.released) await ready.wait();
}
`,
};

/** The `@interlock/*` findings of an `eslint --format json` run, as [rule, line, severity]. */
function interlockFindings(result: RunResult): [string | null, number, number][] {
  const reports = JSON.parse(result.stdout) as {
    messages: {
      ruleId: string | null;
      line: number;
      severity: number;
      fatal?: boolean;
      message: string;
    }[];
  }[];
  const messages = reports.flatMap((report) => report.messages);
  const fatal = messages.filter((message) => message.fatal === true || message.ruleId === null);
  expect(fatal.map((message) => message.message)).toEqual([]);
  return messages
    .filter((message) => message.ruleId?.startsWith('@interlock/') === true)
    .map((message) => [message.ruleId, message.line, message.severity]);
}

function eslintSnippet(
  id: string,
  conditionSeverity: number,
  readme = 'packages/eslint-plugin/README.md',
): PackSnippet {
  return {
    readme,
    id,
    fileName: 'eslint.config.js',
    files: lintedProject,
    command: (project, node) => [
      node,
      `${project.dir}/node_modules/eslint/bin/eslint.js`,
      '--format',
      'json',
      'src',
    ],
    check: (result) => {
      expect(result.stderr).toBe('');
      expect(interlockFindings(result)).toEqual([
        ['@interlock/no-self-deadlock', 8, 2],
        ['@interlock/condition-wait-in-loop', 13, conditionSeverity],
      ]);
      expect(result.status).toBe(1);
    },
  };
}

/** Writes `.interlock/report.json` holding one lock-order cycle, as a test run would. */
const reportWithCycle = `import { mkdirSync, writeFileSync } from 'node:fs';
import { Lock, detector } from '@interlock/primitives';

detector.enable({ onCycle: 'record' });
const a = new Lock({ name: 'a' });
const b = new Lock({ name: 'b' });
await a.withLock(() => b.withLock(() => undefined));
await b.withLock(() => a.withLock(() => undefined));
mkdirSync('.interlock', { recursive: true });
writeFileSync('.interlock/report.json', detector.format(detector.snapshot(), 'json')); // version 2
`;

const cliSarif: PackSnippet = {
  readme: 'packages/cli/README.md',
  id: 'cli-sarif',
  fileName: 'cli.sh',
  files: { 'make-report.ts': reportWithCycle },
  // The test's Node first on PATH, so the `interlock` bin (`#!/usr/bin/env node`) runs on it.
  command: (_project, node) => [
    'sh',
    '-c',
    `PATH="${dirname(node)}:$PATH"; node make-report.ts && sh cli.sh; status=$?; cat interlock.sarif; exit $status`,
  ],
  check: (result) => {
    expect(result.status, result.stderr).toBe(1); // a cycle was found
    const log = JSON.parse(result.stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results.length).toBeGreaterThan(0);
  },
};

/**
 * A service with one lock from async-mutex and one of ours, and two test files that each pass
 * alone but take them in opposite orders: the plugin must fail the run on the cross-file cycle.
 * The async-mutex case is the one that broke once outside the workspace (its instrumented stub
 * lives under node_modules, where vitest externalises by default).
 */
const crossFileCycle = {
  'src/books.ts': `import { Mutex } from 'async-mutex';
import { Lock } from '@interlock/primitives';

export const accounts = new Mutex();
export const ledger = new Lock({ name: 'ledger' });
`,
  'tests/transfer.test.ts': `import { expect, it } from 'vitest';
import { accounts, ledger } from '../src/books.ts';

it('a transfer takes accounts, then ledger', async () => {
  await accounts.runExclusive(() => ledger.withLock(() => undefined));
  expect(ledger.locked).toBe(false);
});
`,
  'tests/audit.test.ts': `import { expect, it } from 'vitest';
import { accounts, ledger } from '../src/books.ts';

it('an audit takes ledger, then accounts', async () => {
  using _books = await ledger.acquire();
  const release = await accounts.acquire();
  release();
  expect(accounts.isLocked()).toBe(false);
});
`,
};

const vitestConfig = (readme: string, id: string): PackSnippet => ({
  readme,
  id,
  fileName: 'vitest.config.ts',
  files: crossFileCycle,
  command: (project, node) => [node, `${project.dir}/node_modules/vitest/vitest.mjs`, 'run'],
  check: (result) => {
    const output = stripVTControlCharacters(result.stdout + result.stderr);
    expect(output).toMatch(/✓ tests\/audit\.test\.ts/);
    expect(output).toMatch(/✓ tests\/transfer\.test\.ts/);
    expect(output).toContain('lock-order cycle across test files');
    expect(output).toMatch(/tests\/audit\.test\.ts:6:\d+/); // where the audit asks for accounts
    expect(output).toMatch(/tests\/transfer\.test\.ts:5:\d+/); // where the transfer asks for ledger
    expect(result.status, output).toBe(1);
  },
});

export const packSnippets: readonly PackSnippet[] = [
  eslintSnippet('define-config', 2),
  eslintSnippet('flat-array', 2),
  eslintSnippet('tseslint-config', 2),
  eslintSnippet('pick-rules', 1),
  eslintSnippet('root-eslint', 2, 'README.md'),
  cliSarif,
  vitestConfig('packages/vitest/README.md', 'vitest-config'),
  vitestConfig('README.md', 'root-vitest'),
];

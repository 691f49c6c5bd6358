/**
 * The seed tour, `pnpm demo --seed`: lint the seed fixtures with the interlock ESLint plugin, then
 * run a
 * program that takes two locks in both orders — never at the same time, so it never hangs — and
 * print the runtime detector's cycle report. Finally, run the same two orders concurrently and
 * show the detector breaking the real deadlock instead of hanging. Last, run a small test project
 * with the `@interlock/vitest` plugin: two test files, each clean alone, whose lock orders together
 * form a cycle — the run fails and names both files' sites.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import interlock from '@interlock/eslint-plugin';
import { Barrier, DeadlockError, Lock, detector } from '@interlock/primitives';
import { run as interlockCli } from '@interlock/cli';
import { heading } from './demo-output.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function lintSeedFixtures(): Promise<void> {
  heading('1. Static: @interlock/eslint-plugin (configs.recommended) on fixtures/seed/*.ts');
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      interlock.configs.recommended,
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: {
            project: path.join(root, 'fixtures/tsconfig.json'),
            tsconfigRootDir: path.join(root, 'fixtures'),
          },
        },
      },
    ],
  });
  const results = await eslint.lintFiles(['fixtures/seed/*.ts']);
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  const findings = results.reduce((n, r) => n + r.messages.length, 0);
  console.log(text.trim() === '' ? 'No findings.' : text);
  console.log(
    `${results.length} files linted, ${findings} findings (each one an intentional mistake, marked "expect-lint" in the file).`,
  );
}

// The classic transfer: lock the source account, then the destination.
async function transfer(from: Lock, to: Lock, gate?: Barrier): Promise<void> {
  using _from = await from.acquire();
  await gate?.wait();
  using _to = await to.acquire();
}

async function seenNeverHung(): Promise<void> {
  heading('2. Runtime: both lock orders seen, one after the other (the program never hangs)');
  detector.enable({ onCycle: 'record' });
  const alice = new Lock({ name: 'account:alice' });
  const bob = new Lock({ name: 'account:bob' });
  await transfer(alice, bob); // records alice → bob
  await transfer(bob, alice); // records bob → alice: the cycle is reported now
  console.log(detector.format());
  await renderHtmlReport(JSON.stringify(detector.snapshot(), null, 2));
  detector.disable();
  detector.reset();
}

/**
 * Saves the runtime report and renders it with the CLI, as `interlock report --format html` would.
 */
async function renderHtmlReport(report: string): Promise<void> {
  const directory = path.join(root, '.interlock');
  mkdirSync(directory, { recursive: true });
  const json = path.join(directory, 'demo-report.json');
  const html = path.join(directory, 'demo-report.html');
  writeFileSync(json, report);
  // Exit status 1 means "the report holds a cycle", which is what this demo shows.
  const status = await interlockCli(['report', json, '--format', 'html', '--output', html]);
  if (status === 2) throw new Error('interlock report could not render the demo report');
  console.log(`HTML report (open it in a browser): ${html}`);
  console.log(
    `The same from the command line: pnpm exec interlock report ${path.relative(root, json)} --format html --output report.html`,
  );
}

async function realDeadlockBroken(): Promise<void> {
  heading('3. Runtime: the same orders at the same time — a real deadlock, broken instead of hung');
  detector.enable({ onCycle: 'record' });
  const alice = new Lock({ name: 'account:alice' });
  const bob = new Lock({ name: 'account:bob' });
  // both tasks hold their first lock before asking for the second
  const bothHoldOne = new Barrier(2);
  const outcomes = await Promise.allSettled([
    transfer(alice, bob, bothHoldOne),
    transfer(bob, alice, bothHoldOne),
  ]);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') console.log(`transfer ${i + 1}: completed`);
    else if (outcome.reason instanceof DeadlockError)
      console.log(`transfer ${i + 1}: DeadlockError — ${outcome.reason.message}`);
    else throw outcome.reason;
  }
  detector.disable();
  detector.reset();
}

async function vitestRun(): Promise<void> {
  heading('4. In a test suite: @interlock/vitest on packages/vitest/test/fixtures/bank');
  console.log(
    'vitest.config.ts: plugins: [interlock()]. tests/transfer.test.ts takes accounts → ledger,',
  );
  console.log(
    'tests/audit.test.ts takes ledger → accounts (plain await acquire()/release()); each ' +
      'passes alone.\n',
  );
  const fixture = path.join(root, 'packages/vitest/test/fixtures/bank');
  const runner = path.join(root, 'packages/vitest/test/support/vitest-child.ts');
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'interlock-demo-')), 'report.json');
  const env = { ...process.env, INTERLOCK_OPTIONS: JSON.stringify({ report }) };
  const filters = JSON.stringify({ filters: ['tests/transfer.test.ts', 'tests/audit.test.ts'] });
  const status = await new Promise<number>((resolve) => {
    const child = execFile(process.execPath, [runner, fixture, filters], { env }, (error) => {
      resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : 1);
    });
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  });
  console.log(`\nvitest exited with status ${status}; the merged report is in ${report}`);
}

/** The four parts, in order. */
export async function seedTour(): Promise<void> {
  await lintSeedFixtures();
  await seenNeverHung();
  await realDeadlockBroken();
  await vitestRun();
}

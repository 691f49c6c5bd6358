/**
 * The demo `pnpm demo` runs: lint the seed fixtures with the interlock ESLint plugin, then run a
 * program that takes two locks in both orders — never at the same time, so it never hangs — and
 * print the runtime detector's cycle report. Finally, run the same two orders concurrently and
 * show the detector breaking the real deadlock instead of hanging.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import interlock from '@interlock/eslint-plugin';
import { Barrier, DeadlockError, Lock, detector } from '@interlock/primitives';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function heading(text: string): void {
  console.log(`\n\x1b[1m=== ${text}\x1b[0m\n`);
}

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
          parserOptions: { project: path.join(root, 'fixtures/tsconfig.json'), tsconfigRootDir: path.join(root, 'fixtures') },
        },
      },
    ],
  });
  const results = await eslint.lintFiles(['fixtures/seed/*.ts']);
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  const findings = results.reduce((n, r) => n + r.messages.length, 0);
  console.log(text.trim() === '' ? 'No findings.' : text);
  console.log(`${results.length} files linted, ${findings} findings (each one an intentional mistake, marked "expect-lint" in the file).`);
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
  detector.disable();
  detector.reset();
}

async function realDeadlockBroken(): Promise<void> {
  heading('3. Runtime: the same orders at the same time — a real deadlock, broken instead of hung');
  detector.enable({ onCycle: 'record' });
  const alice = new Lock({ name: 'account:alice' });
  const bob = new Lock({ name: 'account:bob' });
  // both tasks hold their first lock before asking for the second
  const bothHoldOne = new Barrier(2);
  const outcomes = await Promise.allSettled([transfer(alice, bob, bothHoldOne), transfer(bob, alice, bothHoldOne)]);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') console.log(`transfer ${i + 1}: completed`);
    else if (outcome.reason instanceof DeadlockError) console.log(`transfer ${i + 1}: DeadlockError — ${outcome.reason.message}`);
    else throw outcome.reason;
  }
  detector.disable();
  detector.reset();
}

await lintSeedFixtures();
await seenNeverHung();
await realDeadlockBroken();

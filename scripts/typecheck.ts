/**
 * `pnpm typecheck`: type-checks the whole repository — the root `tsconfig.json` (scripts/ and
 * test/), `fixtures/` and `fixtures/app/`, and every package's `tsconfig.test.json` (its src, tests
 * and benchmarks).
 * Packages are found by directory, so a new package is checked as soon as it has that file.
 * Runs each project in turn and exits non-zero if any fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

/** Every tsconfig that `pnpm typecheck` checks, relative to the repository root. */
export function typecheckProjects(): string[] {
  const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, 'packages', entry.name, 'tsconfig.test.json'))
    .filter((path) => existsSync(path));
  const fixtures = ['fixtures/tsconfig.json', 'fixtures/app/tsconfig.json'].map((path) =>
    join(root, path),
  );
  return [join(root, 'tsconfig.json'), ...fixtures, ...packages]
    .filter((path) => existsSync(path))
    .map((path) => relative(root, path));
}

if (import.meta.main) {
  let failed = 0;
  for (const project of typecheckProjects()) {
    const result = spawnSync(process.execPath, [tsc, '-p', project], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      failed++;
      console.error(`typecheck: ${project} failed`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}

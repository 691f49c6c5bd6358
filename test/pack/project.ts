import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { readWorkspaceRanges } from '../../scripts/pack-manifest.ts';
import { repoRoot, workspacePackages } from '../support/workspace.ts';

/** What a command run in the temporary project printed, and how it ended. */
export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A project outside the workspace with every package installed from its packed tarball. */
export interface PackedProject {
  readonly dir: string;
  /** Runs `argv` in the project (argv[0] is an executable path). */
  run(argv: readonly string[], options?: { env?: NodeJS.ProcessEnv }): RunResult;
  /** Writes `text` to `path` (relative to the project), creating directories. */
  write(path: string, text: string): void;
}

/** Third-party packages the README snippets use, at the versions the workspace tests with. */
const THIRD_PARTY = [
  'async-mutex',
  'vitest',
  'eslint',
  'typescript',
  'typescript-eslint',
  '@typescript-eslint/parser',
  '@types/node',
];

/** The pnpm that runs this test (`pnpm test` sets npm_execpath), else the one on PATH. */
function pnpmCommand(): string[] {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm/.test(execPath)) return [process.execPath, execPath];
  return ['pnpm'];
}

/** Packs every publishable workspace package with `pnpm pack` (which runs its prepack). */
export function packAll(destination: string): string[] {
  const [command = 'pnpm', ...prefix] = pnpmCommand();
  for (const pkg of workspacePackages().filter(
    (candidate) => candidate.manifest.private !== true,
  )) {
    execFileSync(command, [...prefix, 'pack', '--pack-destination', destination], {
      cwd: pkg.path,
      stdio: 'pipe',
    });
  }
  return readdirSync(destination).filter((name) => name.endsWith('.tgz'));
}

/** A directory on PATH holding `name`, skipping this repository's own node_modules/.bin. */
export function executableOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || !relative(repoRoot, dir).startsWith('..')) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Packs the workspace, then creates a project in the OS temp directory that depends on the
 * tarballs (file: ranges, so no workspace link is possible) and on the third-party packages, and
 * installs it with npm — the client most users have. One install serves every snippet.
 */
export function createPackedProject(): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'interlock-pack-'));
  const tarballDir = join(dir, 'tarballs');
  mkdirSync(tarballDir);
  const tarballs = packAll(tarballDir);
  const catalog = readWorkspaceRanges(repoRoot).catalogs.get('default') ?? {};
  const dependencies: Record<string, string> = {};
  for (const tarball of tarballs) {
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', join(tarballDir, tarball), 'package/package.json'], {
        encoding: 'utf8',
      }),
    ) as { name: string };
    dependencies[manifest.name] = `file:./tarballs/${tarball}`;
  }
  for (const name of THIRD_PARTY) {
    const range = catalog[name];
    if (range === undefined) throw new Error(`${name} is not in the pnpm catalog`);
    dependencies[name] = range;
  }
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'interlock-pack-test', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  const npm = executableOnPath('npm') ?? 'npm';
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'pipe',
  });
  return {
    dir,
    run(argv, options) {
      const [command = '', ...args] = argv;
      const result = spawnSync(command, args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...options?.env },
        timeout: 120_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    write(path, text) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
  };
}

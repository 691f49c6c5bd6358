import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root directory. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** A publishable workspace package: its directory and manifest. */
export interface WorkspacePackage {
  /** Directory name under `packages/`, e.g. `core`. */
  readonly dir: string;
  /** Absolute path of the package directory. */
  readonly path: string;
  readonly manifest: PackageManifest;
}

/** The fields of a package.json these tests read. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly private?: boolean;
  readonly [field: string]: unknown;
}

/**
 * Every package under `packages/`, in directory order (new packages are picked up by themselves).
 */
export function workspacePackages(): WorkspacePackage[] {
  const root = join(repoRoot, 'packages');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'package.json')))
    .map((entry) => {
      const path = join(root, entry.name);
      const manifest = JSON.parse(
        readFileSync(join(path, 'package.json'), 'utf8'),
      ) as PackageManifest;
      return { dir: entry.name, path, manifest };
    });
}

/**
 * Files under `dir` (recursively, skipping node_modules, dist and dot-directories) whose name
 * passes `keep`.
 */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  if (!existsSync(dir)) return found;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
        continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (keep(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * Compiler options of a user's standalone TypeScript project on Node 24 (what the docs' and
 * READMEs' snippets are checked with outside the workspace), plus `extra`.
 */
export function userCompilerOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    target: 'es2024',
    lib: ['es2024', 'esnext.disposable'],
    module: 'nodenext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    ...extra,
  };
}

/** `path` relative to the repository root, with forward slashes, for messages. */
export function fromRoot(path: string): string {
  return relative(repoRoot, path).split('\\').join('/');
}

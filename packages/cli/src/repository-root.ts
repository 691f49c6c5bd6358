/** The directory report paths are made relative to in SARIF and HTML. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest directory at or above `start` that holds `.git` (a directory, or a file in a
 * worktree or submodule): GitHub code scanning resolves SARIF paths against the repository root.
 * Falls back to `start` outside a repository.
 */
export function findRepositoryRoot(start: string): string {
  let directory = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(directory, '.git'))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(start);
    directory = parent;
  }
}

/**
 * A site's file relative to `root`, with `/` separators, or undefined when it lies outside `root`
 * (or is not a path at all, such as `node:internal/…`). Relative paths in a report are taken
 * relative to `cwd`.
 */
export function relativeToRoot(file: string, root: string, cwd: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return undefined;
  const relative = path.relative(root, path.resolve(cwd, file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

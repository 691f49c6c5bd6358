import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTempTsconfig, type TempTsconfig } from './temp-tsconfig.ts';

/** A body of real TypeScript to lint: where it is, what to lint, and a project for it. */
export type Corpus = {
  name: string;
  /** Ancestor of every file (ESLint's base path). */
  cwd: string;
  /** Absolute paths, sorted. */
  files: string[];
  /** Fewer files than this means the corpus moved or shrank, and a crash test proves little. */
  minFiles: number;
  /** The corpus uses no lock at all, so every finding on it is a false positive. */
  lockFree: boolean;
  /** Writes a tsconfig whose program holds exactly `files`; remove it when done. */
  writeTsconfig(): Promise<TempTsconfig>;
};

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(packageRoot, '../..');

/** Every `.ts` source under `dir` (no declaration files, no node_modules or build output). */
function typeScriptSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter(
      (file) => !file.split(path.sep).some((part) => part === 'node_modules' || part === 'dist'),
    )
    .map((file) => path.join(dir, file));
}

/** Real path of a package installed for this one (pnpm links it from its store). */
function installedPackageDir(name: string): string {
  return realpathSync(path.join(packageRoot, 'node_modules', name));
}

/**
 * rxjs's TypeScript sources, which the `rxjs` npm package ships in `src/` (about 250 files,
 * 21k lines: classes, generics, overload-heavy operators, callbacks scheduled for later). It
 * holds no locks, so it checks that the rules walk everything else without tripping — and it
 * is a devDependency of this package, so CI reaches it without the network.
 */
export function rxjsCorpus(): Corpus {
  const sourceDir = path.join(installedPackageDir('rxjs'), 'src');
  const files = typeScriptSources(sourceDir).sort();
  const entry = (subpath: string) => [path.join(sourceDir, subpath)];
  return {
    name: 'rxjs/src',
    cwd: sourceDir,
    files,
    minFiles: 200,
    lockFree: true,
    // rxjs's own tsconfig relies on `baseUrl` and `moduleResolution: node`, both deprecated in
    // TypeScript 6; this states the same thing: its self-imports map to its sources.
    writeTsconfig: () =>
      writeTempTsconfig('interlock-corpus-rxjs', {
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['esnext', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          paths: {
            rxjs: entry('index.ts'),
            'rxjs/operators': entry('operators/index.ts'),
            'rxjs/testing': entry('testing/index.ts'),
            'rxjs/ajax': entry('ajax/index.ts'),
            'rxjs/webSocket': entry('webSocket/index.ts'),
            'rxjs/fetch': entry('fetch/index.ts'),
            'rxjs/internal/*': entry('internal/*'),
          },
        },
        files,
      }),
  };
}

/**
 * Code full of locks: this workspace's runtime packages (the primitives' own sources and their
 * contract tests), the seed fixtures, and await-lock's shipped `src/`. Unlike rxjs it drives
 * the rules through acquires, guards, callbacks and nested holds. Only crashes are asserted
 * here — the code changes as the workspace grows, and its findings belong to the rule tests.
 */
export function lockCodeCorpus(): Corpus {
  const dirs = [
    ...['core', 'primitives', 'vitest', 'cli'].map((name) => path.join(repoRoot, 'packages', name)),
    path.join(repoRoot, 'fixtures'),
    path.join(installedPackageDir('await-lock'), 'src'),
  ];
  const files = dirs.flatMap(typeScriptSources).sort();
  return {
    name: 'workspace lock code',
    cwd: repoRoot,
    files,
    minFiles: 40,
    lockFree: false,
    writeTsconfig: () =>
      writeTempTsconfig('interlock-corpus-locks', {
        extends: path.join(repoRoot, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: true,
          composite: false,
          declaration: false,
          sourceMap: false,
          // `types` resolves from the tsconfig's directory, which is a temp dir here.
          typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
        },
        files,
      }),
  };
}

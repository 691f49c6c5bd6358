import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTempTsconfig, type TempTsconfig } from './temp-tsconfig.ts';

/**
 * The never-crash corpus: rxjs's TypeScript sources, which the `rxjs` npm package ships in
 * `src/` (about 250 files, 21k lines: classes, generics, overload-heavy operators, callbacks
 * scheduled for later — the shapes a lock analysis must walk without tripping). It is a
 * devDependency of this package, so CI reaches it without the network.
 */
export const CORPUS_NAME = 'rxjs/src';

/** Fewer files than this means the corpus moved or shrank, and the crash test proves little. */
export const CORPUS_MIN_FILES = 200;

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Real path of rxjs's `src/` as installed for this package (pnpm links it from the store). */
export function corpusSourceDir(): string {
  return realpathSync(path.join(packageRoot, 'node_modules', 'rxjs', 'src'));
}

/** Every `.ts` source of the corpus (no declaration files), sorted for a stable order. */
export function corpusFiles(sourceDir: string = corpusSourceDir()): string[] {
  return readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(sourceDir, file))
    .sort();
}

/**
 * A project for the corpus. rxjs's own tsconfig relies on `baseUrl` and `moduleResolution:
 * node`, both deprecated in TypeScript 6, so we state the equivalent: the self-imports that
 * rxjs's sources make (`'rxjs'`, `'rxjs/operators'` …) map to the sources themselves.
 */
export function writeCorpusTsconfig(
  sourceDir: string = corpusSourceDir(),
  files: readonly string[] = corpusFiles(sourceDir),
): Promise<TempTsconfig> {
  const entry = (subpath: string) => [path.join(sourceDir, subpath)];
  return writeTempTsconfig('interlock-corpus', {
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
  });
}

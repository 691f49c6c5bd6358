/**
 * A synthetic TypeScript program for the whole-program benchmarks: `files` modules of ordinary
 * async code (a chain of imports, caches, classes, promises — work for `no-floating-promises`),
 * of which `lockFiles` use async-mutex locks, three at a time forming a lock-order cycle through
 * calls across three files (as test/fixtures/lock-order-project does). Every tenth plain module
 * also calls a `request()` method, a name Web Locks shares, so the text test that picks the files
 * able to take a lock has some false candidates to pay for, as it would on real code.
 *
 * The files are written under this package's `node_modules/.cache` (so `async-mutex` resolves
 * the normal way) when the tsconfig is written, and removed with it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Corpus } from '../test/support/corpus.ts';
import { writeTempTsconfig } from '../test/support/temp-tsconfig.ts';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export function syntheticCorpus(files: number, lockFiles: number): Corpus {
  if (lockFiles % 3 !== 0 || lockFiles > files)
    throw new Error(`Expected lock files in threes, at most ${files}, got ${lockFiles}`);
  const dir = path.join(
    packageRoot,
    'node_modules',
    '.cache',
    'interlock-bench',
    `synthetic-${files}-${lockFiles}-${process.pid}`,
  );
  const plain = files - lockFiles;
  const names = [
    ...Array.from({ length: plain }, (_, index) => `m${index}.ts`),
    ...Array.from({ length: lockFiles }, (_, index) => `lock${index}.ts`),
  ];
  const filePaths = names.map((name) => path.join(dir, name)).sort();
  return {
    name: `synthetic: ${files} files, ${lockFiles} using locks`,
    cwd: dir,
    files: filePaths,
    minFiles: files,
    lockFree: false,
    async writeTsconfig() {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (let index = 0; index < plain; index += 1)
        writeFileSync(path.join(dir, `m${index}.ts`), plainModule(index));
      for (let index = 0; index < lockFiles; index += 1) {
        writeFileSync(path.join(dir, `lock${index}.ts`), lockModule(index, plain));
      }
      const project = await writeTempTsconfig('interlock-corpus-synthetic', {
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2022', 'esnext.disposable', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
        },
        files: filePaths,
      });
      return {
        ...project,
        async remove() {
          await project.remove();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

function plainModule(index: number): string {
  const previous = index - 1;
  const base =
    index === 0
      ? `const base = { id, name: 'root', tags: [] as readonly string[] };`
      : `const base = await load${previous}(id);`;
  const request =
    index % 10 === 5
      ? `
declare const client${index}: { request(url: string): Promise<string> };
export async function fetchText${index}(): Promise<string> {
  return client${index}.request('/items/${index}');
}
`
      : '';
  return `${index === 0 ? '' : `import { load${previous} } from './m${previous}.ts';\n`}
export interface Item${index} {
  readonly id: number;
  readonly name: string;
  readonly tags: readonly string[];
}

const cache${index} = new Map<number, Item${index}>();

export async function load${index}(id: number): Promise<Item${index}> {
  const hit = cache${index}.get(id);
  if (hit) return hit;
  ${base}
  const item: Item${index} = { id, name: \`\${base.name}-${index}\`, tags: [...base.tags, 't${index}'] };
  cache${index}.set(id, item);
  return item;
}

export class Service${index} {
  readonly #pending: Promise<unknown>[] = [];

  async refresh(ids: readonly number[]): Promise<number> {
    const items = await Promise.all(ids.map((id) => load${index}(id)));
    return items.filter((item) => item.tags.length > 1).length;
  }

  schedule(id: number): void {
    this.#pending.push(load${index}(id));
    void this.refresh([id]);
    setTimeout(() => {
      this.refresh([id, id + 1]).catch(() => undefined);
    }, 0);
  }
}

export function score${index}(values: readonly number[]): number {
  return values.map((value) => value * ${(index % 7) + 1}).reduce((sum, value) => sum + value, 0);
}
${request}`;
}

/**
 * Lock file `index`: group `index / 3`, role bank → ledger → audit → bank (a cycle over three
 * files).
 */
function lockModule(index: number, plain: number): string {
  const group = Math.floor(index / 3);
  const role = index % 3;
  const next = group * 3 + ((role + 1) % 3);
  const helper = plain === 0 ? undefined : (index * 37) % plain;
  const helperImport =
    helper === undefined ? '' : `import { load${helper} } from './m${helper}.ts';\n`;
  const helperCall = helper === undefined ? '' : `    await load${helper}(amount);\n`;
  return `import { Mutex } from 'async-mutex';
import { enter${next} } from './lock${next}.ts';
${helperImport}
export const lock${index} = new Mutex();
const entries${index}: number[] = [];

/** Takes this file's lock only. */
export async function enter${index}(amount: number): Promise<void> {
  await lock${index}.runExclusive(() => {
    entries${index}.push(amount);
  });
}

/** Holds this file's lock and calls into the next file, which takes its own. */
export async function pass${index}(amount: number): Promise<void> {
  const release = await lock${index}.acquire();
  try {
${helperCall}    await enter${next}(amount);
  } finally {
    release();
  }
}
`;
}

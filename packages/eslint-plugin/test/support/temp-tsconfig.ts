import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A tsconfig written to a fresh temporary directory, removed by `remove()`. */
export type TempTsconfig = {
  /** Absolute path of the written `tsconfig.json`. */
  path: string;
  /** Its directory, which holds nothing else. */
  dir: string;
  remove(): Promise<void>;
};

/**
 * Writes `tsconfig` (a JSON value) into a new temp dir.
 *
 * Why a temp dir: the corpus lives inside node_modules and the fixtures belong to another
 * package, so the harness must not leave files in either. Module resolution starts from each
 * source file, not from the tsconfig, so imports still resolve as they do in place.
 */
export async function writeTempTsconfig(prefix: string, tsconfig: object): Promise<TempTsconfig> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  const file = path.join(dir, 'tsconfig.json');
  await writeFile(file, `${JSON.stringify(tsconfig, null, 2)}\n`);
  return {
    path: file,
    dir,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

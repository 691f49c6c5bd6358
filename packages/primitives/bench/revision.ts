/**
 * Another revision of this repository's packages, for benchmarks that compare it with this
 * checkout in the same run (`against.ts`, `wiring-against.ts`): `git archive` of the given paths
 * into a scratch directory that is removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** This checkout's root directory. */
export const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** Extracts `paths` of `revision` into a new scratch directory and returns it. */
export function extractRevision(revision: string, paths: readonly string[]): string {
  const directory = mkdtempSync(`${tmpdir()}/interlock-revision-`);
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
  const archive = execFileSync(
    'git',
    ['-C', repository, 'archive', '--format=tar', revision, ...paths],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  execFileSync('tar', ['-x', '-C', directory], { input: archive });
  return directory;
}

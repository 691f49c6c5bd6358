/**
 * This checkout's primitives against another revision's, in the same process and the same run:
 * each case is one acquisition style with the detector off, `ours` on this checkout's source and
 * the baseline on the revision's. The harness alternates the two sides round by round, so the
 * ratio (this ÷ that) holds up on a loaded machine far better than two separate runs would.
 *
 *   pnpm exec node packages/primitives/bench/against.ts [--against <git rev>] [--filter …] [--json]
 *
 * `--against` (default `main`) is extracted with `git archive` into a temporary directory, which
 * borrows this checkout's node_modules — so `@interlock/core` is this checkout's on both sides: use
 * it for revisions whose primitives speak the same core API. Written for issue 8 item 1 (plain and
 * try-acquired RLock re-entries enter the requester's frame); any other flags are bench/cli.ts's.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './cli.ts';
import { extractRevision, repository } from './revision.ts';
import type { BenchCase, Subject } from './harness.ts';
import { usingLoop } from './cases/fastest-style.ts';
import type { AcquirableLike, GuardLike } from './cases/load.ts';

/** The part of an RLock the cases use. */
interface RLockLike extends AcquirableLike {
  tryAcquire(): GuardLike | undefined;
}

/** What the cases use of one revision's primitives. */
interface Primitives {
  readonly Lock: new (options?: { name?: string }) => AcquirableLike;
  readonly RLock: new (options?: { name?: string }) => RLockLike;
}

const argv = process.argv.slice(2);
const flag = argv.indexOf('--against');
const revision = flag === -1 ? 'main' : argv[flag + 1];
if (revision === undefined || revision.startsWith('--')) {
  process.stderr.write('--against takes a git revision\n');
  process.exit(2);
}
const rest = flag === -1 ? argv : [...argv.slice(0, flag), ...argv.slice(flag + 2)];

const other = extractRevision(revision, ['packages/primitives/src']);
symlinkSync(
  join(repository, 'packages/primitives/node_modules'),
  join(other, 'packages/primitives/node_modules'),
);

const ours = (await import('../src/index.ts')) as unknown as Primitives;
const theirs = (await import(
  pathToFileURL(join(other, 'packages/primitives/src/index.ts')).href
)) as unknown as Primitives;

/** One style, as a subject on one revision's primitives. */
type Style = (primitives: Primitives, label: string) => Subject;

const noop = (): void => undefined;

/** Runs `body` inside one held RLock (the outer acquisition is one per sample). */
function reentry(body: (rlock: RLockLike, ops: number) => Promise<void>) {
  return (primitives: Primitives, label: string): Subject => {
    const rlock = new primitives.RLock({ name: 'bench' });
    return { label, run: (ops) => rlock.withLock(() => body(rlock, ops)) };
  };
}

/** Takes `locks` nested with `using`, one inside the other. */
async function nest(locks: readonly AcquirableLike[], index: number): Promise<void> {
  if (index === locks.length) return;
  using _row = await locks[index]!.acquire();
  await nest(locks, index + 1);
}

const nestedDepth = 100;

const styles: readonly (readonly [name: string, style: Style])[] = [
  ['Lock: using', ({ Lock }, label) => usingLoop(label, new Lock({ name: 'bench' }))],
  [
    'Lock: withLock',
    ({ Lock }, label) => {
      const lock = new Lock({ name: 'bench' });
      return {
        label,
        async run(ops) {
          for (let i = 0; i < ops; i++) await lock.withLock(noop);
        },
      };
    },
  ],
  ['RLock: using', ({ RLock }, label) => usingLoop(label, new RLock({ name: 'bench' }))],
  [
    `RLock: ${nestedDepth} distinct RLocks nested with using`,
    ({ RLock }, label) => {
      const locks = Array.from({ length: nestedDepth }, (_, i) => new RLock({ name: `row${i}` }));
      return {
        label,
        async run(ops) {
          for (let done = 0; done < ops; done += nestedDepth) await nest(locks, 0);
        },
      };
    },
  ],
  [
    'RLock re-entry: using',
    reentry(async (rlock, ops) => {
      for (let i = 0; i < ops; i++) {
        using _level = await rlock.acquire();
      }
    }),
  ],
  [
    'RLock re-entry: plain',
    reentry(async (rlock, ops) => {
      for (let i = 0; i < ops; i++) {
        await rlock.acquire();
        rlock.release();
      }
    }),
  ],
  [
    'RLock re-entry: withLock',
    reentry(async (rlock, ops) => {
      for (let i = 0; i < ops; i++) await rlock.withLock(noop);
    }),
  ],
  [
    'RLock re-entry: tryAcquire',
    reentry(async (rlock, ops) => {
      for (let i = 0; i < ops; i++) rlock.tryAcquire()!.release();
      await Promise.resolve();
    }),
  ],
];

const cases: BenchCase[] = styles.map(([name, style]) => ({
  name: `against ${revision}: ${name}`,
  measures: `Detector off: ${name} on this checkout vs on ${revision} (same process, same run).`,
  ours: style(ours, `${name} (this checkout)`),
  baseline: style(theirs, `${name} (${revision})`),
}));

await main(`@interlock/primitives: this checkout vs ${revision}`, cases, rest);

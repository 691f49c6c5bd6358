/**
 * This checkout's detector wiring against another revision's: `bench/detector-wiring.ts` (this
 * checkout's cases and harness) run on the revision's `@interlock/core` and
 * `@interlock/primitives` sources and on this checkout's, alternating, one process per run. Unlike
 * `against.ts` (primitives only, in one process), both packages come from the revision, so a
 * change inside core's detector shows; each run reports its own on ÷ off ratio, which is the
 * number to compare (absolute ns/op move with the machine's load between processes).
 *
 *   pnpm exec node packages/primitives/bench/wiring-against.ts --against <rev> [--runs 3] \
 *     [--filter "new edge"] [other bench/cli.ts flags]
 *
 * Written for the "new edge per op" regression (docs/benchmarks.md): the revision is extracted
 * with `git archive`, and borrows this checkout's node_modules except `@interlock/core`, which is
 * linked to the revision's own core.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { extractRevision, repository } from './revision.ts';

const { values, tokens } = parseArgs({
  options: {
    against: { type: 'string', default: 'main' },
    runs: { type: 'string', default: '3' },
  },
  strict: false,
  tokens: true,
});
const revision = String(values.against);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new RangeError('--runs takes a positive integer');
// Everything but our own two flags goes to detector-wiring.ts.
const ours = new Set(['against', 'runs']);
const passed: string[] = [];
for (const token of tokens) {
  if (token.kind === 'option' && !ours.has(token.name)) {
    passed.push(token.rawName);
    if (token.value !== undefined) passed.push(token.value);
  } else if (token.kind === 'positional') passed.push(token.value);
}

const other = extractRevision(revision, ['packages/core', 'packages/primitives']);
for (const name of ['core', 'primitives']) {
  const modules = join(repository, 'packages', name, 'node_modules');
  const target = join(other, 'packages', name, 'node_modules');
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@interlock') symlinkSync(join(modules, entry), join(target, entry));
  }
}
mkdirSync(join(other, 'packages/primitives/node_modules/@interlock'));
symlinkSync('../../../core', join(other, 'packages/primitives/node_modules/@interlock/core'));
// This checkout's bench, next to the revision's src (it imports `../src/index.ts`).
const bench = join(other, 'packages/primitives/bench-current');
mkdirSync(bench);
for (const file of ['detector-wiring.ts', 'cli.ts', 'harness.ts', 'report.ts', 'stats.ts']) {
  cpSync(join(repository, 'packages/primitives/bench', file), join(bench, file));
}

const sides = [
  { label: revision, script: join(bench, 'detector-wiring.ts') },
  {
    label: 'this checkout',
    script: join(repository, 'packages/primitives/bench/detector-wiring.ts'),
  },
];
for (let run = 1; run <= runs; run++) {
  for (const side of sides) {
    const output = execFileSync(process.execPath, [side.script, ...passed], {
      cwd: repository,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    for (const line of output.split('\n')) {
      if (/^\| (?!case|-)/.test(line)) process.stdout.write(`run ${run} ${side.label}: ${line}\n`);
    }
  }
}

/**
 * Issue 8 (items 4 and the frame copy): a task that takes d locks nested with `using` — all of a
 * sorted set of rows' locks — for d = 10, 100, 1,000 and 10,000, in one run. Per acquisition, the
 * cost must not grow with d.
 *
 *   pnpm exec node packages/primitives/bench/nesting.ts [--json] [--depths 10,100] [--rounds 5]
 *
 * Four sides, alternating within each round so that they share the machine's load:
 * - `no lock`: the control — the same recursion binding a free acquire (a resolved promise of a
 *   trivial disposable) with `using`: what deep async recursion itself costs as d grows (live
 *   frames and promises outgrow the young generation), with no lock and no task frame at all.
 * - `Lock, off`: detector off. A Lock guard then enters no task frame at all (guard.ts), so this
 *   is the primitives' own floor.
 * - `Lock, on`: detector on (stacks off): every acquisition enters the task's frame, reads it as
 *   the probe's `held` array and leaves it on release; the edges are known after the first nest,
 *   so the detector's own work per acquisition is O(1) (its new-edge cost is core/bench's).
 * - `RLock, off`: detector off; an RLock's hold always enters the frame (ownership is read there).
 *
 * A sample nests the same d locks as many times as make about 10,000 acquisitions (at least once);
 * the median of `--rounds` samples per side is reported with its growth against d = 10. Task frames
 * used to copy their holds on every claim and leave (O(d) per acquisition); they are a persistent
 * list now (src/internal/hold-list.ts).
 */
import { parseArgs } from 'node:util';
import { detector, Lock, RLock } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    depths: { type: 'string', default: '10,100,1000,10000' },
    rounds: { type: 'string', default: '5' },
  },
});
const depths = values.depths.split(',').map(Number);
const rounds = Number(values.rounds);
if (depths.some((d) => !Number.isInteger(d) || d < 1) || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('--depths takes positive integers separated by commas, --rounds one\n');
  process.exit(2);
}

interface Acquirable {
  acquire(): Promise<Disposable>;
}

async function nest(locks: readonly Acquirable[], index: number): Promise<void> {
  if (index === locks.length) return;
  using _row = await locks[index]!.acquire();
  await nest(locks, index + 1);
}

interface Side {
  readonly name: string;
  readonly on: boolean;
  readonly make: (name: string) => Acquirable;
}

/** The control: the same recursion binding a free acquire (no lock, no frame) with `using`. */
class Trivial implements Disposable {
  [Symbol.dispose](): void {}
}
const free: Acquirable = { acquire: () => Promise.resolve(new Trivial()) };

const sides: readonly Side[] = [
  { name: 'no lock', on: false, make: () => free },
  { name: 'Lock, off', on: false, make: (name) => new Lock({ name }) },
  { name: 'Lock, on', on: true, make: (name) => new Lock({ name }) },
  { name: 'RLock, off', on: false, make: (name) => new RLock({ name }) },
];

/** One sample: nests of `locks` until about 10,000 acquisitions; ns per acquisition. */
async function sample(locks: readonly Acquirable[], on: boolean): Promise<number> {
  if (on) detector.enable({ onCycle: 'throw', stacks: false });
  else detector.disable();
  const nests = Math.ceil(10_000 / locks.length);
  const start = process.hrtime.bigint();
  for (let index = 0; index < nests; index++) await nest(locks, 0);
  const elapsed = Number(process.hrtime.bigint() - start);
  detector.disable();
  return elapsed / (nests * locks.length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  depth: number;
  /** Median ns per acquisition, by side name. */
  ns: Record<string, number>;
}

detector.reset();
// Warm the JIT on every side before the first depth is timed, so d = 10 is not the cold one.
for (const side of sides) {
  if (side.on) detector.enable({ onCycle: 'throw', stacks: false });
  const warm = Array.from({ length: 10 }, (_, index) => side.make(`warm ${side.name} ${index}`));
  detector.disable();
  for (let round = 0; round < 20; round++) await sample(warm, side.on);
}
const rows: Row[] = [];
for (const depth of depths) {
  // Locks are built while the detector is on, as in a program that enables it at start-up.
  detector.enable({ onCycle: 'throw', stacks: false });
  const sets = sides.map((side) =>
    Array.from({ length: depth }, (_, index) => side.make(`${side.name} ${depth}/${index}`)),
  );
  detector.disable();
  const samples: number[][] = sides.map(() => []);
  for (const [index, side] of sides.entries()) await sample(sets[index]!, side.on); // warm-up
  for (let round = 0; round < rounds; round++)
    for (const [index, side] of sides.entries())
      samples[index]!.push(await sample(sets[index]!, side.on));
  rows.push({
    depth,
    ns: Object.fromEntries(sides.map((side, index) => [side.name, median(samples[index]!)])),
  });
}

const base = rows[0]!;
const growth = (row: Row, side: string): number => row.ns[side]! / base.ns[side]!;

if (values.json) {
  const result = rows.map((row) => ({
    depth: row.depth,
    sides: Object.fromEntries(
      sides.map((side) => [side.name, { ns: row.ns[side.name], growth: growth(row, side.name) }]),
    ),
  }));
  process.stdout.write(
    `${JSON.stringify({ node: process.version, rounds, rows: result }, null, 2)}\n`,
  );
} else {
  const header = sides.map((side) => `${side.name} ns/acq | × d=${base.depth}`).join(' | ');
  const lines = rows.map((row) => {
    const cells = sides.map(
      (side) => `${row.ns[side.name]!.toFixed(0)} | ${growth(row, side.name).toFixed(2)}`,
    );
    return `| ${row.depth.toLocaleString('en')} | ${cells.join(' | ')} |`;
  });
  process.stdout.write(
    [
      `d locks nested with \`using\`, the same d locks per nest, ${rounds} samples of ≥ 10,000 ` +
        `acquisitions per side (median), ${process.version}`,
      '',
      `| d held | ${header} |`,
      `| ---: | ${sides.map(() => '---: | ---:').join(' | ')} |`,
      ...lines,
      '',
    ].join('\n'),
  );
}

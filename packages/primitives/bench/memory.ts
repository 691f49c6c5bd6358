/**
 * Issue 8, item 3: what short-lived per-request locks leave behind, detector off against on, in
 * the same run.
 *
 *   pnpm exec node packages/primitives/bench/memory.ts [--requests 100000] [--json]
 *
 * Each request creates a `Lock` and an `RLock`, takes the lock alone (`using`), then nested under
 * one long-lived lock with the RLock inside it (two new edges per request), and drops both. After
 * every request has finished, GC runs until the detector's live lock count stops falling (its
 * FinalizationRegistry callbacks need a few turns); "retained" is the heap used then minus the heap
 * used before the first request. Time is per request, including lock creation (a creation site is
 * captured when the detector is on).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detector, Lock, RLock } from '../src/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const requests = Number(flag('--requests') ?? 100_000);
if (!Number.isSafeInteger(requests) || requests < 1) {
  process.stderr.write('memory.ts: --requests must be a positive integer\n');
  process.exit(2);
}

async function request(shared: Lock, index: number): Promise<void> {
  const perRequest = new Lock({ name: `request-${index}` });
  const inner = new RLock({ name: `inner-${index}` });
  {
    using _alone = await perRequest.acquire();
  }
  await shared.withLock(() => perRequest.withLock(() => inner.withLock(() => undefined)));
}

/** Collects until the heap and the detector's live structures stop shrinking (bounded). */
async function settledHeap(): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  let previousLocks = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 200; round++) {
    await nextTurn();
    gc();
    const used = process.memoryUsage().heapUsed;
    const locks = detector.stats().locks;
    if (locks >= previousLocks && used >= previous * 0.999) return used;
    previous = Math.min(previous, used);
    previousLocks = Math.min(previousLocks, locks);
  }
  return previous;
}

interface Side {
  readonly retainedMiB: number;
  readonly nsPerRequest: number;
  readonly liveLocks: number;
  readonly liveEdges: number;
}

async function measure(on: boolean): Promise<Side> {
  if (on) {
    detector.reset();
    detector.enable({ onCycle: 'record' });
  } else {
    detector.disable();
  }
  const shared = new Lock({ name: 'shared' });
  await shared.withLock(() => undefined);
  // Warm up the code paths (and the JIT) before the baseline heap is taken.
  for (let index = 0; index < 1_000; index++) await request(shared, index);
  const before = await settledHeap();
  const start = process.hrtime.bigint();
  for (let index = 0; index < requests; index++) await request(shared, index);
  const elapsed = Number(process.hrtime.bigint() - start);
  const after = await settledHeap();
  const stats = detector.stats();
  detector.disable();
  return {
    retainedMiB: (after - before) / MiB,
    nsPerRequest: elapsed / requests,
    liveLocks: on ? stats.locks : 0,
    liveEdges: on ? stats.edges : 0,
  };
}

const off = await measure(false);
const on = await measure(true);
const result = {
  requests,
  node: process.version,
  off,
  on,
  timeRatio: on.nsPerRequest / off.nsPerRequest,
};

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const row = (label: string, side: Side): string =>
    `| ${label} | ${side.retainedMiB.toFixed(2)} | ${side.nsPerRequest.toFixed(0)} | ${side.liveLocks} | ${side.liveEdges} |`;
  process.stdout.write(
    [
      `${requests} short-lived requests (Lock + RLock each, 2 new edges each), ${process.version}`,
      '',
      '| detector | retained after GC (MiB) | ns/request | live locks | live edges |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('off', off),
      row('on', on),
      '',
      `time on ÷ off: ${result.timeRatio.toFixed(2)}`,
      '',
    ].join('\n'),
  );
}

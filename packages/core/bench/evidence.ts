/**
 * What telling awaited work from fire-and-forget work costs (issue 8, item 8; docs/detector.md,
 * "Doubtful findings"), and what the rejected alternative would have cost.
 *
 *   pnpm exec node packages/core/bench/evidence.ts
 *
 * Every case is a ratio against a baseline measured in the same run (median of 9 rounds):
 * 1. a stack capture with the await chain (what the detector takes for a new edge or a blocked
 *    wait now) against the text-only capture it took before (same depth as then, 12 frames);
 * 2. following a *doubtful* known edge (re-checked with a capture on the first 16 repeats, then on
 *    powers of two) against following a certain known edge, over 100,000 acquisitions;
 * 3. the alternative: `v8.promiseHooks` recording which promise continues which (what knowing
 *    "who awaits whom" for every task would need), on an `await` loop, against no hook.
 */
import { promiseHooks } from 'node:v8';
import { Detector } from '../src/detector.ts';
import { LockNode, type Hold } from '../src/lock-node.ts';
import { SiteCapture, defaultFrameFilters, userSite } from '../src/sites.ts';

const ROUNDS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** ns per op of `run(ops)`, median of ROUNDS rounds. */
async function measure(ops: number, run: (ops: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await run(ops);
    samples.push(Number(process.hrtime.bigint() - start) / ops);
  }
  return median(samples);
}

/** Calls `fn` from `depth` frames down, as a capture inside a program's call stack would be. */
function nested<T>(depth: number, fn: () => T): T {
  return depth === 0 ? fn() : nested(depth - 1, fn);
}

/** The capture as it was before the evidence: 12 frames, text only, first user frame parsed. */
function textOnlyCapture(): unknown {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  Error.captureStackTrace(holder, textOnlyCapture);
  Error.stackTraceLimit = limit;
  return userSite(holder.stack ?? '', defaultFrameFilters);
}

function node(name: string): LockNode {
  return new LockNode({ name, kind: 'Lock', reentrant: false, exclusive: true });
}

/** 100,000 acquisitions of `b` while holding `a`, the edge a → b known (doubtful or not). */
function followKnown(doubtful: boolean): {
  run: (ops: number) => void;
  check: () => void;
} {
  const detector = new Detector({ onCycle: 'record' });
  const a = node('a');
  const b = node('b');
  const outer: Hold = { lock: a, live: true };
  // Doubtful: `a` is taken by a function that neither makes nor awaits the requests for `b`.
  if (doubtful) detector.holdAcquired(outer, detector.beforeAcquire([], a, false));
  let taken = doubtful;
  const run = (ops: number): void => {
    // Certain: the function that requests `b` took `a` itself.
    if (!taken) {
      detector.holdAcquired(outer, detector.beforeAcquire([], a, false));
      taken = true;
    }
    for (let index = 0; index < ops; index++) {
      const site = detector.beforeAcquire([outer], b, false);
      const hold: Hold = { lock: b, live: true };
      detector.holdAcquired(hold, site);
      detector.holdReleased(hold);
    }
  };
  // The benchmark measures what it says: the edge is (still) doubtful, or certain.
  const check = (): void => {
    const edge = detector.snapshot().edges[0];
    if ((edge?.doubtful === true) !== doubtful) throw new Error(`edge doubtful !== ${doubtful}`);
  };
  return { run, check };
}

async function awaitLoop(ops: number): Promise<number> {
  let sum = 0;
  for (let index = 0; index < ops; index++) sum += await Promise.resolve(index);
  return sum;
}

async function main(): Promise<void> {
  const rows: [string, number, number][] = [];

  const withChain = await measure(20_000, (ops) => {
    for (let index = 0; index < ops; index++) nested(20, () => new SiteCapture());
  });
  const textOnly = await measure(20_000, (ops) => {
    for (let index = 0; index < ops; index++) nested(20, textOnlyCapture);
  });
  rows.push(['stack capture with await chain vs text-only (12 frames)', withChain, textOnly]);

  const doubtfulCase = followKnown(true);
  const certainCase = followKnown(false);
  const doubtfulFollow = await measure(100_000, doubtfulCase.run);
  const certainFollow = await measure(100_000, certainCase.run);
  doubtfulCase.check();
  certainCase.check();
  rows.push(['following a doubtful known edge vs a certain one', doubtfulFollow, certainFollow]);

  const plain = await measure(200_000, awaitLoop);
  const parents = new WeakMap<object, object>();
  // Node's types give the disabling function as `Function`: it takes and returns nothing.
  const stop = promiseHooks.createHook({
    init: (promise: Promise<unknown>, parent: unknown) => {
      if (typeof parent === 'object' && parent !== null) parents.set(promise, parent);
    },
  });
  const hooked = await measure(200_000, awaitLoop);
  (stop as () => void)();
  rows.push(['rejected: promiseHooks init recording parents, await loop', hooked, plain]);

  console.log('| case | ours (ns/op) | baseline (ns/op) | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, ours, baseline] of rows) {
    console.log(
      `| ${name} | ${ours.toFixed(0)} | ${baseline.toFixed(0)} | ${(ours / baseline).toFixed(2)} |`,
    );
  }
}

await main();

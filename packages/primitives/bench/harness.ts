/**
 * A small A/B benchmark harness: each case pits one subject ("ours") against a baseline
 * measured in the same process, in interleaved rounds, and reports how many times slower or
 * faster ours is. Absolute times mean little on a shared 2-core machine; a ratio measured
 * under the same noise does.
 *
 * How one case is measured:
 * 1. Calibrate each subject on its own: double its op count until one sample takes `sampleMs`.
 *    Both sides then run for the same wall time per sample, so preemption by other processes
 *    (time slices of a few ms on a loaded machine) hits them alike; with one shared op count a
 *    subject 2× slower runs samples twice as long and was measured up to 30% off under load.
 *    Calibration doubles as JIT warm-up.
 * 2. Warm up: `warmupRounds` untimed rounds of both subjects; the median of those samples
 *    re-sets each side's op count (a single calibration sample is easily hit by a stall).
 * 3. Measure: `rounds` rounds; each round takes one sample of each subject, alternating which
 *    goes first (A B, B A, A B …) so that a drift within a round does not always favour one.
 * 4. Report the median ns/op of each and the ratio: the median of the per-round paired ratios
 *    `ours[r] / baseline[r]`, with their quartiles as the spread. Pairing by round makes the
 *    ratio robust to drift (a neighbour's job slowing a stretch of rounds hits both samples of
 *    a round); the ratio of the two medians is not, and on a shared machine it can swing by 20%
 *    in an A/A run whose paired ratios all sit within ±5% (see self-check.ts).
 *
 * Before every sample a minor GC (scavenge) empties the young generation, so each sample pays
 * for its own allocations only (`gc: 'minor'`, the default). A *full* GC before each sample is
 * available (`--gc full`) but distorts: measured here, the first ~40k ops after a forced
 * mark-compact run up to 3.5× slower for allocation-heavy code (our Lock's `release()` style went
 * from 56 to 197 ns/op, async-mutex far less), so it penalises whichever side allocates more.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, pairedRatios, spread, type Spread } from './stats.ts';

/** One side of a comparison. */
export interface Subject {
  /** What this side is, as the table shows it, e.g. "async-mutex Mutex.acquire". */
  readonly label: string;
  /** Performs `ops` operations; the harness times this call as a whole. */
  run(ops: number): void | Promise<void>;
  /**
   * Untimed, before each sample of this subject (e.g. enable the detector, or hand worker
   * threads the sample's `ops` so that they are running when the timed part starts).
   */
  before?(ops: number): void | Promise<void>;
  /** Untimed, after each sample of this subject (e.g. disable the detector). */
  after?(): void | Promise<void>;
}

/** An A/B comparison: `ours` measured against `baseline` in the same run. */
export interface BenchCase {
  /** Short, unique, stable: the table's first column and the `--filter` key. */
  readonly name: string;
  /** One sentence on what is measured, for `--list` and the docs. */
  readonly measures: string;
  readonly ours: Subject;
  readonly baseline: Subject;
  /** Largest acceptable `ours / baseline` ratio; absent = informational only. */
  readonly target?: number;
  /** Set when the case cannot run here (e.g. the primitive is not built yet): the reason. */
  readonly skip?: string;
  /**
   * The least sample length (ms) this case needs, when the harness's is shorter: e.g. worker
   * threads sharing few cores, whose samples must span many scheduler time slices.
   */
  readonly minSampleMs?: number;
}

export interface HarnessOptions {
  /** Timed rounds per case (odd, so the median is one real round). @default 61 */
  readonly rounds: number;
  /**
   * Untimed rounds after calibration; their median per-op time refines each side's op count.
   * @default 7
   */
  readonly warmupRounds: number;
  /**
   * Wall time one sample (of either side) should take, in ms. Short samples and many rounds beat
   * long ones on a loaded machine: a 5 ms sample often fits in one scheduler time slice, and the
   * median keeps those (A/A within ±4% at load 5 on 2 cores, where 20 ms samples swung ±40%).
   * @default 5
   */
  readonly sampleMs: number;
  /**
   * Garbage collection forced before each sample (untimed); see the note at the top. @default
   * 'minor'
   */
  readonly gc: GcMode;
  /** Called with a line of progress (to stderr, so `--json` stays clean). */
  readonly progress?: (line: string) => void;
}

export type GcMode = 'none' | 'minor' | 'full';

export const defaultHarnessOptions: HarnessOptions = {
  rounds: 61,
  warmupRounds: 7,
  sampleMs: 5,
  gc: 'minor',
};

export interface SubjectResult {
  readonly label: string;
  /** Median nanoseconds per operation over the timed rounds. */
  readonly nsPerOp: number;
  /** Spread of ns/op over the timed rounds. */
  readonly spread: Spread;
}

export type Verdict = 'pass' | 'miss' | 'info' | 'skipped' | 'error';

export interface CaseResult {
  readonly name: string;
  readonly measures: string;
  readonly verdict: Verdict;
  readonly target?: number;
  /** Present when the case ran. */
  readonly ours?: SubjectResult;
  readonly baseline?: SubjectResult;
  /** Median over rounds of `ours[r] / baseline[r]` (paired by round). */
  readonly ratio?: number;
  /** Quartiles of the per-round `ours / baseline` ratios. */
  readonly ratioSpread?: Spread;
  /** Operations per sample of each side, after calibration. */
  readonly opsPerSample?: { readonly ours: number; readonly baseline: number };
  readonly rounds?: number;
  /** Why it was skipped, or the error that stopped it. */
  readonly reason?: string;
}

const maxCalibrationOps = 1 << 24;

/** Measures one case. Never throws: a failing case comes back with verdict `error`. */
export async function runCase(
  benchCase: BenchCase,
  options: HarnessOptions = defaultHarnessOptions,
): Promise<CaseResult> {
  const { name, measures, target } = benchCase;
  if (benchCase.skip !== undefined)
    return { name, measures, target, verdict: 'skipped', reason: benchCase.skip };
  try {
    return await measure(benchCase, options);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, measures, target, verdict: 'error', reason };
  }
}

/** Measures the cases one after the other. */
export async function runCases(
  cases: readonly BenchCase[],
  options: HarnessOptions = defaultHarnessOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    options.progress?.(`• ${benchCase.name}`);
    results.push(await runCase(benchCase, options));
  }
  return results;
}

async function measure(benchCase: BenchCase, harness: HarnessOptions): Promise<CaseResult> {
  const { ours, baseline } = benchCase;
  const options = { ...harness, sampleMs: Math.max(harness.sampleMs, benchCase.minSampleMs ?? 0) };
  let oursOps = await calibrate(ours, options);
  let baselineOps = await calibrate(baseline, options);
  // Warm-up rounds double as a second calibration over more samples: the median per-op time
  // of each side sets its final op count, so both sides' samples last about `sampleMs`.
  if (options.warmupRounds > 0) {
    const oursWarm: number[] = [];
    const baselineWarm: number[] = [];
    for (let round = 0; round < options.warmupRounds; round++) {
      oursWarm.push((await sample(ours, oursOps, options.gc)) / oursOps);
      baselineWarm.push((await sample(baseline, baselineOps, options.gc)) / baselineOps);
    }
    oursOps = opsFor(median(oursWarm), options.sampleMs);
    baselineOps = opsFor(median(baselineWarm), options.sampleMs);
  }
  const oursNs: number[] = [];
  const baselineNs: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      oursNs.push((await sample(ours, oursOps, options.gc)) / oursOps);
      baselineNs.push((await sample(baseline, baselineOps, options.gc)) / baselineOps);
    } else {
      baselineNs.push((await sample(baseline, baselineOps, options.gc)) / baselineOps);
      oursNs.push((await sample(ours, oursOps, options.gc)) / oursOps);
    }
  }
  const oursResult = { label: ours.label, nsPerOp: median(oursNs), spread: spread(oursNs) };
  const baselineResult = {
    label: baseline.label,
    nsPerOp: median(baselineNs),
    spread: spread(baselineNs),
  };
  const ratios = pairedRatios(oursNs, baselineNs);
  const ratio = median(ratios);
  return {
    name: benchCase.name,
    measures: benchCase.measures,
    target: benchCase.target,
    verdict: verdictOf(ratio, benchCase.target),
    ours: oursResult,
    baseline: baselineResult,
    ratio,
    ratioSpread: spread(ratios),
    opsPerSample: { ours: oursOps, baseline: baselineOps },
    rounds: options.rounds,
  };
}

export function verdictOf(ratio: number, target: number | undefined): Verdict {
  if (target === undefined) return 'info';
  return ratio <= target ? 'pass' : 'miss';
}

/**
 * A first op count for which one sample of `subject` takes about `sampleMs`: double until a sample
 * takes at least half that, then rescale from the median of three samples at that count. Stalls
 * on a loaded machine only make samples longer, so this can come out low; {@link measure} refines
 * it with the warm-up rounds.
 */
async function calibrate(subject: Subject, options: HarnessOptions): Promise<number> {
  let ops = 16;
  while (
    ops < maxCalibrationOps &&
    (await sample(subject, ops, options.gc)) / 1e6 < options.sampleMs / 2
  )
    ops *= 2;
  const nsPerOp: number[] = [];
  for (let i = 0; i < 3; i++) nsPerOp.push((await sample(subject, ops, options.gc)) / ops);
  return opsFor(median(nsPerOp), options.sampleMs);
}

/** The op count that makes a sample last `sampleMs` at `nsPerOp`. */
function opsFor(nsPerOp: number, sampleMs: number): number {
  return Math.min(
    Math.max(Math.round((sampleMs * 1e6) / Math.max(nsPerOp, 1e-3)), 1),
    maxCalibrationOps,
  );
}

/** One timed run of `subject`; returns elapsed nanoseconds. */
async function sample(subject: Subject, ops: number, gcMode: GcMode): Promise<number> {
  collectGarbage(gcMode);
  await subject.before?.(ops);
  const start = performance.now();
  await subject.run(ops);
  const elapsedMs = performance.now() - start;
  await subject.after?.();
  return elapsedMs * 1e6;
}

type GcFunction = (options?: { type?: 'minor' | 'major' }) => void;

/**
 * V8's `gc`, obtained without `--expose-gc` on the command line (so `node bench/run.ts` works as
 * is): the flag is switched on at run time and `gc` is read from a fresh context, where V8 installs
 * it. Without it the numbers are noisier, not wrong; `gcAvailable` says which we got.
 */
function exposeGc(): GcFunction | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as GcFunction;
  try {
    setFlagsFromString('--expose-gc');
    const fromContext: unknown = runInNewContext('gc');
    if (typeof fromContext === 'function') return fromContext as GcFunction;
  } catch {
    // Some embedders forbid flag changes; measure without forced GC then.
  }
  return undefined;
}

const gc = exposeGc();

/** Whether the harness can force a GC between samples. */
export const gcAvailable: boolean = gc !== undefined;

function collectGarbage(mode: GcMode): void {
  if (mode === 'minor') gc?.({ type: 'minor' });
  else if (mode === 'full') gc?.();
}

/**
 * The `detector` facade: switches lock-order checking on and off for every primitive of this
 * package (and every lock wrapped with `instrument()`), and reads what it found. The checking
 * itself is `@interlock/core`'s `Detector`, installed as the primitives' probe while enabled.
 */
import {
  DEFAULT_DEADLOCK_GRACE,
  Detector,
  defaultFrameFilters,
  formatReport,
  REPORT_VERSION,
  sourceDirectory,
  type Cycle,
  type DetectorOptions,
  type DetectorWarning,
  type FrameFilter,
  type LockGraphReport,
  type LockNode,
  type ReportFormat,
  type Site,
  validateOptionsBag,
} from '@interlock/core';
import { bindSite } from './internal/bound-holds.ts';
import type { Hold } from './internal/task-context.ts';
import { probe, setProbe } from './internal/probe.ts';

/**
 * Options of {@link InterlockDetector.enable}. Absent options take their defaults on every call.
 */
export interface DetectorEnableOptions {
  /**
   * What the acquisition that closes a lock-order cycle does. `'throw'`: it rejects with
   * `LockOrderError` and takes nothing. `'warn'`: it proceeds, and one warning per cycle goes to
   * `process.emitWarning` (or `onWarning`). `'record'`: it proceeds silently; read `cycles()`.
   * Real deadlocks are broken with `DeadlockError` whatever this is.
   * @default 'throw'
   */
  readonly onCycle?: DetectorOptions['onCycle'];
  /**
   * Capture acquisition sites so reports show your `file:line:column`. Stacks are captured only
   * for new edges, each lock's first outermost acquisition and blocked waits (every acquisition
   * with `holdTimeout`), never for known edges.
   * @default true
   */
  readonly stacks?: boolean;
  /**
   * Milliseconds: report a lock held, or waited on, longer than this — a `LongHoldWarning` /
   * `LongWaitWarning` through `process.emitWarning` (or `onWarning`) naming where it was taken,
   * and `longHolds` / `longWaits` in the report. Costs a timer and a stack per acquisition.
   * At most 2³¹−1 (about 24.8 days, the timer limit).
   * @default undefined (off)
   */
  readonly holdTimeout?: number;
  /**
   * Milliseconds a deadlock must persist before it is broken with `DeadlockError`. Work started
   * inside a critical section and not awaited inherits the holder's holds; when it asks for a
   * lock its starter holds, it looks exactly like a task waiting for itself, yet it only has to
   * wait until the starter releases. So a wait-for cycle is broken only if it is still there after
   * this grace period (an awaited child doing the same is a real deadlock and is broken then).
   * `0` breaks every cycle at once. At most 2³¹−1.
   * @default 500
   */
  readonly deadlockGrace?: number;
  /**
   * Receives warnings instead of `process.emitWarning`. Called synchronously, sometimes from a
   * timer; it must not throw.
   * @default process.emitWarning
   */
  readonly onWarning?: (warning: DetectorWarning) => void;
  /**
   * More frames to skip when a stack becomes a site, **added** to interlock's own (the
   * directories of `@interlock/core` and `@interlock/primitives`, `node_modules/@interlock/`,
   * `node:internal`): a frame is skipped when its file contains a string or matches a RegExp.
   * Name your own lock wrappers here so that sites point at their callers.
   * @default [] (interlock's own frames only)
   * @example
   * ```ts
   * detector.enable({ frameFilters: ['/src/db/with-row-lock.ts'] });
   * ```
   */
  readonly frameFilters?: DetectorOptions['frameFilters'];
}

/**
 * Frames that are interlock's own: core's defaults plus exactly this package's directory (never a
 * user's directory that happens to be called `packages/primitives/src/`).
 */
const primitivesDirectory = sourceDirectory(import.meta.url);
const ownFrameFilters: readonly FrameFilter[] = Object.freeze(
  primitivesDirectory === undefined
    ? [...defaultFrameFilters]
    : [...defaultFrameFilters, primitivesDirectory],
);

function emitWarning(warning: DetectorWarning): void {
  process.emitWarning(warning);
}

/** An empty report, for a detector that was never enabled. */
function emptyReport(): LockGraphReport {
  return {
    version: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    locks: [],
    edges: [],
    cycles: [],
    deadlocks: [],
  };
}

/** One lock held right now, as {@link InterlockDetector.heldLocks} lists it. */
export interface HeldLock {
  /** The lock's id in reports of this process. */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  /** Where it was taken, when known. */
  readonly site: Site | undefined;
}

/** One entry per live hold, so that the same hold is the same object across calls. */
const heldEntries = new WeakMap<Hold, HeldLock>();

function heldLock(node: LockNode, hold: Hold, captured: Site | undefined): HeldLock {
  let entry = heldEntries.get(hold);
  if (entry === undefined) {
    const bound = bindSite(hold);
    entry = {
      id: node.id,
      name: node.name,
      kind: node.kind,
      site: bound === undefined ? captured : parseSite(bound),
    };
    heldEntries.set(hold, entry);
  }
  return entry;
}

/** `file:line:column` (the file may contain colons) as a Site. */
function parseSite(text: string): Site {
  const match = /^(.*):(\d+):(\d+)$/.exec(text);
  return match === null
    ? { file: text, line: 0, column: 0 }
    : { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}

/**
 * Runtime lock-order checking for every primitive in the process. One instance exists:
 * {@link detector}.
 */
export class InterlockDetector {
  // Created on the first enable and kept afterwards: findings stay readable after disable().
  #engine: Detector | undefined = undefined;

  /**
   * Starts checking every acquisition: locks taken in an order that can deadlock, tasks blocked
   * on each other (broken with `DeadlockError`), and with `holdTimeout` long holds. Calling it
   * again changes the options (absent ones return to their defaults); findings are kept.
   * Locks created before `enable` are checked too, but reports cannot say where they were created.
   *
   * Cost while enabled: with every edge known, tens of ns per acquisition; a new edge, a
   * bounded graph search plus one stack capture (µs). See docs/detector.md.
   *
   * @throws {TypeError} `options` is not an object (`enable('warn')`), `onCycle` is not one of the
   *   three modes, `holdTimeout` not a number, `stacks` not a boolean, `onWarning` not a function,
   *   or `frameFilters` not an array of strings and RegExps. Nothing changes then.
   * @throws {RangeError} `holdTimeout` is negative, NaN, or above 2³¹−1 ms (the timer limit);
   *   nothing changes then.
   * @example
   * ```ts
   * import { detector } from '@interlock/primitives';
   * detector.enable({ onCycle: 'record' });
   * await runScenario();
   * if (detector.cycles().length > 0) console.error(detector.format());
   * ```
   */
  enable(options: DetectorEnableOptions = {}): void {
    // `enable('warn')` must not read as "no options": check the bag before anything changes.
    validateOptionsBag(options);
    const full: DetectorOptions = {
      onCycle: options.onCycle === undefined ? 'throw' : options.onCycle,
      stacks: options.stacks === undefined ? true : options.stacks,
      holdTimeout: options.holdTimeout === undefined ? 0 : options.holdTimeout,
      deadlockGrace:
        options.deadlockGrace === undefined ? DEFAULT_DEADLOCK_GRACE : options.deadlockGrace,
      onWarning: options.onWarning === undefined ? emitWarning : options.onWarning,
      // Anything but an array goes through as it is, for resolveOptions to reject.
      frameFilters: Array.isArray(options.frameFilters)
        ? [...ownFrameFilters, ...(options.frameFilters as readonly FrameFilter[])]
        : options.frameFilters === undefined
          ? ownFrameFilters
          : options.frameFilters,
    };
    if (this.#engine === undefined) {
      // The constructor validates before anything changes.
      this.#engine = new Detector(full);
    } else {
      this.#engine.configure(full);
    }
    setProbe(this.#engine);
  }

  /**
   * Stops checking; primitives go back to one `undefined` check per acquisition. Findings are kept.
   */
  disable(): void {
    if (probe === this.#engine) setProbe(undefined);
  }

  /** True while acquisitions are checked. */
  get enabled(): boolean {
    return this.#engine !== undefined && probe === this.#engine;
  }

  /**
   * Forgets every edge and finding (cycles, deadlocks, long holds). Locks, and the holds and
   * waits in progress, stay: they describe the present. Use it between independent tests.
   */
  reset(): void {
    this.#engine?.reset();
  }

  /** Lock-order cycles (potential deadlocks) seen so far, each once, in the order found. */
  cycles(): Cycle[] {
    return this.#engine?.cycles() ?? [];
  }

  /** Real deadlocks broken with `DeadlockError` so far (self-deadlocks included), each once. */
  deadlocks(): Cycle[] {
    return this.#engine?.deadlocks() ?? [];
  }

  /**
   * Everything seen so far as a plain-JSON `LockGraphReport` (the in-memory shape, `version: 1`,
   * docs/reports.md). `format(report, 'json')` writes it as a report file (version 2).
   * O(locks + edges + findings).
   */
  snapshot(): LockGraphReport {
    return this.#engine?.snapshot() ?? emptyReport();
  }

  /**
   * Renders a report: `'text'` reads like Linux lockdep (the cycle, both sites of every edge, a
   * two-task unsafe scenario); `'json'` is the report file's text, version 2 (docs/reports.md),
   * which `parseReport` from `@interlock/core` reads back into an equal report.
   * @default report this.snapshot()
   * @default format 'text'
   * @example
   * ```ts
   * process.stderr.write(detector.format());
   * ```
   */
  format(report: LockGraphReport = this.snapshot(), format: ReportFormat = 'text'): string {
    return formatReport(report, format);
  }

  /**
   * The locks held right now, one entry per hold, with where each was taken when that is known
   * (source instrumentation records every instrumented acquire; otherwise only holds whose stack
   * was captured). The same hold gives the same object while it lives, so two calls can be
   * compared to find holds taken in between — what `@interlock/vitest` does to fail a test that
   * ends holding a lock. O(locks + holds).
   */
  heldLocks(): HeldLock[] {
    return (
      this.#engine?.liveHolds().map(({ node, hold, site }) => heldLock(node, hold as Hold, site)) ??
      []
    );
  }

  /**
   * Sizes of the live structures (locks, edges, holds, blocked waiters); for tests and memory
   * checks.
   */
  stats(): ReturnType<Detector['stats']> {
    return (
      this.#engine?.stats() ?? { locks: 0, edges: 0, refusedEdges: 0, blockedWaiters: 0, holds: 0 }
    );
  }
}

/**
 * The process-wide detector for `@interlock/primitives`.
 *
 * @example
 * ```ts
 * detector.enable();                 // onCycle: 'throw'
 * await a.withLock(() => b.withLock(work));
 * await b.withLock(() => a.withLock(work)); // rejects with LockOrderError
 * ```
 */
export const detector = new InterlockDetector();

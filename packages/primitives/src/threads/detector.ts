/**
 * The `detector` of `@interlock/primitives/threads`: one lock-order graph and one wait-for graph
 * for every thread of the domain. Enabling it in any thread enables it in all (the setting lives
 * in shared memory; each thread follows it at its next acquisition); every thread's `cycles()` /
 * `snapshot()` show what all threads found. See docs/threads.md.
 */
import {
  defaultFrameFilters,
  formatReport,
  sourceDirectory,
  type Cycle,
  type FrameFilter,
  type LockGraphReport,
  type LockOrderError,
  type OnCycle,
  type ReportFormat,
} from '@interlock/core';
import type { HeldPrimitive, ThreadHold } from './holds.ts';
import { probeFor, setFollower, type ThreadProbe } from './probe.ts';
import { currentDomain, domainHeader, whenJoined, type SharedDomain } from './shared-memory.ts';
import { ThreadGraph, type GraphSettings } from './thread-graph.ts';
import { setWebLockIdentity, wrapWebLocks } from './web-locks.ts';
import { argumentError } from '../internal/validate.ts';

/** Options of {@link ThreadDetector.enable}. */
export interface ThreadDetectorOptions {
  /**
   * What the acquisition that closes a lock-order cycle does, in every thread: `'throw'` (it
   * fails with LockOrderError), `'warn'` (one warning per cycle, in the thread that found it),
   * `'record'` (silent; read `cycles()`). Real deadlocks are broken with DeadlockError whatever
   * this is.
   * @default 'throw'
   */
  readonly onCycle?: OnCycle;
  /**
   * Capture acquisition sites (only on slow paths: new edges, first acquisitions, blocked waits).
   * @default true
   */
  readonly stacks?: boolean;
  /** This thread's receiver of warnings. @default process.emitWarning */
  readonly onWarning?: (warning: LockOrderError) => void;
}

const onCycleCodes: readonly OnCycle[] = ['throw', 'warn', 'record'];
const ownFrames: readonly FrameFilter[] = [
  ...defaultFrameFilters,
  ...[sourceDirectory(new URL('../index.ts', import.meta.url).href)].filter(
    (filter) => filter !== undefined,
  ),
];

let onWarning: (warning: LockOrderError) => void = (warning) => process.emitWarning(warning);
let graph: ThreadGraph | undefined;

function settingsOf(domain: SharedDomain): GraphSettings {
  const words = domain.header;
  return {
    onCycle: onCycleCodes[Atomics.load(words, domainHeader.detectorOnCycle)] ?? 'throw',
    stacks: Atomics.load(words, domainHeader.detectorStacks) === 1,
    frameFilters: ownFrames,
    onWarning: (warning) => onWarning(warning),
  };
}

function graphOf(domain: SharedDomain): ThreadGraph {
  const settings = settingsOf(domain);
  if (graph === undefined) graph = new ThreadGraph(domain, settings);
  else graph.configure(settings);
  return graph;
}

/** The probe every thread installs while the domain's detector is on. */
class GraphProbe implements ThreadProbe {
  readonly #graph: ThreadGraph;
  constructor(threadGraph: ThreadGraph) {
    this.#graph = threadGraph;
  }
  beforeAcquire(
    primitive: HeldPrimitive,
    held: readonly ThreadHold[],
    reentry: boolean,
    blocking: boolean,
  ): unknown {
    // A try-acquire cannot block: nothing is ordered before it (lockdep's rule).
    return blocking ? this.#graph.beforeAcquire(primitive, held, reentry) : undefined;
  }
  waiting(primitive: HeldPrimitive, held: readonly ThreadHold[], token: unknown): () => void {
    return this.#graph.waiting(
      primitive,
      held,
      (token as ReturnType<ThreadGraph['site']>) ?? this.#graph.site(),
    );
  }
  acquired(hold: ThreadHold, token: unknown): void {
    hold.token = token;
  }
  released(): void {}
  siteOf(hold: ThreadHold): string | undefined {
    const site = this.#graph.siteOf(hold);
    return site === undefined ? undefined : `${site.file}:${site.line}:${site.column}`;
  }
}

let probe: GraphProbe | undefined;
setWebLockIdentity((domain, name) => graphOf(domain).webLockIndex(name));
setFollower((domain) => {
  if (Atomics.load(domain.header, domainHeader.webLocks) === 1) wrapWebLocks(domain);
  if (Atomics.load(domain.header, domainHeader.detectorEnabled) !== 1) return undefined;
  const threadGraph = graphOf(domain);
  return (probe ??= new GraphProbe(threadGraph));
});

// A thread that joins a domain follows its detector settings at once (a worker that only uses
// Web Locks makes no other acquisition that would make it look).
whenJoined((domain) => void probeFor(domain));

/** The thread detector facade (one per thread; all share the domain's graph). */
export class ThreadDetector {
  /** Turns detection on in every thread of this thread's domain. */
  enable(options: ThreadDetectorOptions = {}): void {
    const onCycle = options.onCycle ?? 'throw';
    if (!onCycleCodes.includes(onCycle)) {
      throw argumentError(
        'range',
        `Expected \`onCycle\` to be 'throw', 'warn' or 'record', got ${JSON.stringify(onCycle)}`,
      );
    }
    if (options.stacks !== undefined && typeof options.stacks !== 'boolean')
      throw argumentError('type', 'Expected `stacks` to be a boolean');
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function')
      throw argumentError('type', 'Expected `onWarning` to be a function');
    onWarning = options.onWarning ?? ((warning) => process.emitWarning(warning));
    const words = currentDomain().header;
    Atomics.store(words, domainHeader.detectorOnCycle, onCycleCodes.indexOf(onCycle));
    Atomics.store(words, domainHeader.detectorStacks, options.stacks === false ? 0 : 1);
    Atomics.store(words, domainHeader.detectorEnabled, 1);
    Atomics.add(words, domainHeader.detectorEpoch, 1);
    probeFor(currentDomain());
  }

  /** Turns detection off in every thread (findings stay readable). */
  disable(): void {
    const words = currentDomain().header;
    Atomics.store(words, domainHeader.detectorEnabled, 0);
    Atomics.add(words, domainHeader.detectorEpoch, 1);
    probeFor(currentDomain());
  }

  get enabled(): boolean {
    return Atomics.load(currentDomain().header, domainHeader.detectorEnabled) === 1;
  }

  /** Forgets every edge and finding, in every thread. */
  reset(): void {
    graphOf(currentDomain()).reset();
  }

  /** Lock-order cycles recorded by any thread, each once; each edge names its sites and thread. */
  cycles(): Cycle[] {
    return graphOf(currentDomain()).cycles();
  }

  /** Real deadlocks broken in any thread. */
  deadlocks(): Cycle[] {
    return graphOf(currentDomain()).deadlocks();
  }

  /** The shared graph as a `LockGraphReport` (lock ids `T<n>` are the same from every thread). */
  snapshot(): LockGraphReport {
    return graphOf(currentDomain()).snapshot();
  }

  /** Renders a report (default: a fresh snapshot) as lockdep-style text or JSON. */
  format(report: LockGraphReport = this.snapshot(), format: ReportFormat = 'text'): string {
    return formatReport(report, format);
  }
}

/** One graph for all threads: a worker joins it by receiving any handle. */
export const detector = new ThreadDetector();

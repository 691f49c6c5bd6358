/**
 * Loads `@interlock/primitives` from source for the benchmark cases. The bench is typed against
 * the contract's surface (below), not against `src/`, so it type-checks and its async-mutex half
 * runs even while the primitives are being written; a case whose primitive is missing is skipped
 * with the reason instead of failing the run.
 */
import type { Subject } from '../harness.ts';

/** The part of the contract's `Guard` the cases use. */
export interface GuardLike extends Disposable {
  release(): void;
}

/** The part of the contract's `Lock`/`Semaphore` the cases use. */
export interface AcquirableLike {
  acquire(): Promise<GuardLike>;
  release(): void;
  withLock<T>(fn: () => T | PromiseLike<T>): Promise<T>;
}

/** The part of the contract's `detector` facade the cases use. */
export interface DetectorLike {
  enable(options?: {
    onCycle?: 'throw' | 'warn' | 'record';
    stacks?: boolean;
    holdTimeout?: number;
  }): void;
  disable(): void;
  reset(): void;
  readonly enabled: boolean;
}

export interface OurPrimitives {
  readonly Lock: new (options?: { name?: string }) => AcquirableLike;
  /** Absent before RLock existed. */
  readonly RLock?: new (options?: { name?: string }) => AcquirableLike;
  readonly Semaphore: new (value?: number, options?: { name?: string }) => AcquirableLike;
  /** Absent until the detector is wired into the primitives (issue 3). */
  readonly detector?: DetectorLike;
}

/** Either the module, or why it cannot be used. */
export type Loaded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const primitivesEntry = new URL('../../src/index.ts', import.meta.url);

export async function loadOurPrimitives(): Promise<Loaded<OurPrimitives>> {
  let module: Record<string, unknown>;
  try {
    module = (await import(primitivesEntry.href)) as Record<string, unknown>;
  } catch (error) {
    return {
      ok: false,
      reason: `cannot load @interlock/primitives (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    };
  }
  const missing = ['Lock', 'Semaphore'].filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0)
    return { ok: false, reason: `@interlock/primitives does not export ${missing.join(', ')} yet` };
  const detector = module['detector'] as Partial<DetectorLike> | undefined;
  const hasDetector =
    typeof detector?.enable === 'function' &&
    typeof detector.disable === 'function' &&
    typeof detector.reset === 'function';
  const { Lock, Semaphore, RLock } = module as unknown as OurPrimitives;
  const value: OurPrimitives = {
    Lock,
    Semaphore,
    ...(typeof RLock === 'function' ? { RLock } : {}),
  };
  return {
    ok: true,
    value: hasDetector ? { ...value, detector: detector as DetectorLike } : value,
  };
}

/** A stand-in for a subject that cannot run; the case carrying it is marked skipped. */
export function unavailable(label: string, reason: string): Subject {
  return {
    label,
    run() {
      throw new Error(`${label} is unavailable: ${reason}`);
    },
  };
}

/** Settles immediately when awaited: the "work" inside a contended critical section. */
export const resolved: Promise<void> = Promise.resolve();

/**
 * Splits `ops` operations among `tasks` workers as evenly as possible (the counts sum to `ops`).
 */
export function splitAmong(ops: number, tasks: number): number[] {
  const base = Math.floor(ops / tasks);
  const extra = ops % tasks;
  return Array.from({ length: tasks }, (_, index) => base + (index < extra ? 1 : 0));
}

/** Returns nothing, synchronously: the body of a `withLock`/`runExclusive` in the cases. */
export function noop(): void {}

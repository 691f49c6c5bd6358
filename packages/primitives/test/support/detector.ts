/**
 * Helpers for detector tests: read the facade's snapshot as lock names, and run each test with a
 * freshly reset, enabled detector.
 */
import type { LockGraphReport } from '@interlock/core';
import { afterEach } from 'vitest';
import { detector, type DetectorEnableOptions } from '../../src/index.ts';

/** The report's edges as `"from→to"` by lock name, sorted. */
export function edgeNames(report: LockGraphReport = detector.snapshot()): string[] {
  const names = new Map(report.locks.map((lock) => [lock.id, lock.name]));
  return report.edges.map((edge) => `${names.get(edge.from)}→${names.get(edge.to)}`).sort();
}

/** A cycle's locks by name, in the cycle's order. */
export function cycleNames(cycle: {
  readonly locks: readonly { readonly name: string }[];
}): string[] {
  return cycle.locks.map((lock) => lock.name);
}

/**
 * Enables a reset detector for this test; the suite's afterEach disables it. Deadlocks are broken
 * at once (`deadlockGrace: 0`) unless the test asks for a grace period: the grace itself is tested
 * in detector-deadlock-grace.test.ts.
 */
export function enableFresh(options: DetectorEnableOptions = {}): void {
  detector.disable();
  detector.reset();
  detector.enable({ onWarning: () => undefined, deadlockGrace: 0, ...options });
}

/** Registers an afterEach that disables and resets the detector. */
export function disableAfterEach(): void {
  afterEach(() => {
    detector.disable();
    detector.reset();
  });
}

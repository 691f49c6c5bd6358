/* eslint-disable @interlock/consistent-lock-order -- These tests build lock-order cycles for the
   detector to find: it is what they test. */
/**
 * Issue 8, item 3: memory stays flat with the detector on. Per-request locks — created, taken
 * (alone, nested under a long-lived lock, or around another per-request lock), then dropped —
 * are garbage-collected with everything the detector kept for them (nodes, edges, sites), without
 * `snapshot()` ever running; a cycle found through such a lock stays in the report. GC is forced
 * with `gc()` (exposed at run time through V8 flags) and awaited for a bounded number of GC
 * cycles, never for a time.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detector, Lock, RLock, Semaphore } from '../src/index.ts';
import { cycleNames, disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs GC cycles (finalizers run between them) until `done()`, at most `cycles` times. */
async function collectUntil(done: () => boolean, cycles = 60): Promise<boolean> {
  for (let cycle = 0; cycle < cycles && !done(); cycle++) {
    await realImmediate();
    gc();
  }
  return done();
}

/** One request: its own lock (and semaphore), taken alone and nested every way a handler would. */
async function handleRequest(shared: Lock, index: number): Promise<WeakRef<object>> {
  const perRequest = new Lock({ name: `request-${index}` });
  const inner = new RLock({ name: `inner-${index}` });
  const permits = new Semaphore(2, { name: `permits-${index}` });
  {
    using _alone = await perRequest.acquire();
  }
  await shared.withLock(() => perRequest.withLock(() => inner.withLock(() => undefined)));
  await perRequest.withLock(async () => {
    using _p = await permits.acquire();
    await inner.withLock(() => undefined);
  });
  return new WeakRef(perRequest);
}

// Every request captures a few stacks (creation sites, new edges): slow on a loaded CI machine.
describe('per-request locks with the detector on', { timeout: 30_000 }, () => {
  it('are collected with their nodes and edges, no snapshot() needed', async () => {
    enableFresh({ onCycle: 'record' });
    const shared = new Lock({ name: 'shared' });
    await shared.withLock(() => undefined);
    const before = detector.stats();
    const refs: WeakRef<object>[] = [];
    for (let index = 0; index < 200; index++) refs.push(await handleRequest(shared, index));
    // shared→request, request→inner, request→permits, permits→inner per request.
    expect(detector.stats().edges).toBeGreaterThanOrEqual(before.edges + 4 * 200);

    expect(await collectUntil(() => refs.every((ref) => ref.deref() === undefined))).toBe(true);
    expect(await collectUntil(() => detector.stats().edges === before.edges)).toBe(true);
    // Locks of earlier tests that GC has not reached yet may still count; ours are all gone.
    expect(detector.stats().locks).toBeLessThanOrEqual(before.locks);
    expect(detector.stats()).toMatchObject({ refusedEdges: 0, holds: 0, blockedWaiters: 0 });
  });

  it('with holdTimeout (a site per acquisition) are collected too', async () => {
    enableFresh({ onCycle: 'record', holdTimeout: 60_000 });
    const shared = new Lock({ name: 'shared' });
    const refs: WeakRef<object>[] = [];
    for (let index = 0; index < 100; index++) refs.push(await handleRequest(shared, index));
    expect(await collectUntil(() => refs.every((ref) => ref.deref() === undefined))).toBe(true);
  });

  it('a cycle found through per-request locks stays in the report after they are collected', async () => {
    enableFresh({ onCycle: 'record' });
    const shared = new Lock({ name: 'shared' });
    const refs: WeakRef<object>[] = [];
    for (let index = 0; index < 100; index++) refs.push(await handleRequest(shared, index));
    const culprit = await (async () => {
      const temporary = new Lock({ name: 'temporary' });
      await temporary.withLock(() => shared.withLock(() => undefined));
      await shared.withLock(() => temporary.withLock(() => undefined));
      return new WeakRef(temporary);
    })();
    refs.push(culprit);
    expect(await collectUntil(() => refs.every((ref) => ref.deref() === undefined))).toBe(true);
    expect(await collectUntil(() => detector.stats().edges === 0)).toBe(true);
    const report = detector.snapshot();
    expect(report.cycles.map(cycleNames)).toEqual([['temporary', 'shared']]);
    const [first, second] = report.cycles[0]!.edges;
    // Both sites of both edges survive their locks, resolved to this file.
    for (const edge of [first, second]) {
      expect(edge?.holder?.file).toMatch(/detector-memory\.test\.ts$/);
      expect(edge?.acquirer?.file).toMatch(/detector-memory\.test\.ts$/);
    }
    expect(report.locks.map((lock) => lock.name)).toEqual(
      expect.arrayContaining(['shared', 'temporary']),
    );
    expect(report.locks.find((lock) => lock.name === 'temporary')?.site?.file).toMatch(
      /detector-memory\.test\.ts$/,
    );
  });
});

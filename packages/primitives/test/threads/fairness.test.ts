import { describe, expect, it } from 'vitest';
import { Barrier, Lock } from '../../src/threads/index.ts';
import {
  maxBarges,
  patienceUs,
  patienceWord,
  stateWord,
  waitersWord,
} from '../../src/threads/permits.ts';
import { blockHeaderWords } from '../../src/threads/shared-memory.ts';
import { joinAll, startWorker, workerTestTimeout } from './support/workers.ts';

/**
 * White-box: sets how long (µs) `lock` lets running threads barge while others wait (0 = the
 * default, negative = no time allowance: the hand-off comes after exactly `maxBarges` barges).
 */
function setPatience(lock: Lock, us: number): void {
  new Int32Array(lock.handle.memory)[lock.handle.index + blockHeaderWords + patienceWord] = us;
}

/** Spins until `ms` have passed: a precondition on the clock, not a hoped-for interleaving. */
function letTimePass(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Releases and re-takes `lock` with `tryAcquire` (barging past a queued waiter) at most `limit`
 * times; returns how many re-takes succeeded before one was refused (a hand-off).
 */
function barge(
  lock: Lock,
  held: { release(): void },
  limit: number,
): { taken: number; guard?: { release(): void } } {
  let guard = held;
  for (let taken = 0; taken < limit; taken++) {
    guard.release();
    const next = lock.tryAcquire();
    if (next === undefined) return { taken };
    guard = next;
  }
  return { taken: limit, guard };
}

describe('bounded barging: the allowance is time, checked every maxBarges releases', () => {
  it('a queued waiter is passed over while the patience lasts, then the lock is handed to it', async () => {
    const lock = new Lock({ name: 'patient' });
    setPatience(lock, 60_000_000);
    const held = lock.tryAcquire()!;
    const waiter = lock.acquireAsync(); // queued now: it announced itself before its first await
    // One minute of patience: a thousand barges in a row are allowed (a count bound would have
    // handed off after maxBarges).
    const first = barge(lock, held, 1000);
    expect(first.taken).toBe(1000);
    // Patience spent: at the next multiple of maxBarges the release hands off, and this thread
    // cannot take the lock back although nobody holds it.
    setPatience(lock, 1000);
    letTimePass(2);
    const second = barge(lock, first.guard!, 10 * maxBarges);
    expect(second.taken).toBeLessThan(maxBarges);
    expect(lock.tryAcquire()).toBeUndefined(); // free, but reserved for the waiter
    const guard = await waiter;
    guard.release();
    expect(lock.locked).toBe(false);
  });

  it(`the default patience is ${patienceUs} µs`, async () => {
    const lock = new Lock({ name: 'default' });
    const held = lock.tryAcquire()!;
    const waiter = lock.acquireAsync();
    const started = barge(lock, held, 1);
    expect(started.taken).toBe(1);
    letTimePass(patienceUs / 1000 + 1);
    const after = barge(lock, started.guard!, 10 * maxBarges);
    expect(after.taken).toBeLessThan(maxBarges);
    (await waiter).release();
  });

  it('without a time allowance the hand-off comes after exactly maxBarges barges', async () => {
    const lock = new Lock({ name: 'counted' });
    setPatience(lock, -1);
    const held = lock.tryAcquire()!;
    const waiter = lock.acquireAsync();
    expect(barge(lock, held, 10 * maxBarges).taken).toBe(maxBarges);
    (await waiter).release();
  });
});

describe('fairness across threads', { timeout: workerTestTimeout }, () => {
  it('a worker re-acquiring in a tight loop does not starve the others: it gets at most a bounded run while they wait', async () => {
    const polite = 3;
    const rounds = 300;
    const shared = new Int32Array(new SharedArrayBuffer(4 * (3 + 2_000_000)));
    const lock = new Lock({ name: 'contended' });
    // The bound under test is the count (maxBarges): with the default time allowance the run
    // would depend on how many grants fit in a millisecond on this machine.
    setPatience(lock, -1);
    const barrier = new Barrier(polite + 1);
    // White-box: the lock's own count of queued waiters and its state word, so "others waiting"
    // means exactly "queued in the lock": counted, and the state's queued bit raised (a waiter
    // counts itself a moment before it raises the bit; a release in between is not contended).
    const common = {
      rounds,
      lock: lock.handle,
      barrier: barrier.handle,
      shared: shared.buffer,
      waitersWord: lock.handle.index + blockHeaderWords + waitersWord,
      stateWord: lock.handle.index + blockHeaderWords + stateWord,
    };
    const workers = [startWorker('fairness', { ...common, role: 'greedy', id: 0 })];
    for (let id = 1; id <= polite; id++)
      workers.push(startWorker('fairness', { ...common, role: 'polite', id }));
    // The greedy worker stops once every polite one is done; if they starved, this never resolves.
    const done = Promise.all(workers.slice(1).map((started) => started.exited)).then(() =>
      Atomics.store(shared, 0, 1),
    );
    await joinAll(workers);
    await done;
    const length = Math.min(Atomics.load(shared, 2), shared.length - 3);
    let run = 0;
    let longest = 0;
    let politeGrants = 0;
    for (let at = 0; at < length; at++) {
      const entry = shared[3 + at]!;
      const id = entry >> 1;
      if (id !== 0) politeGrants++;
      run = id === 0 && (entry & 1) === 1 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(politeGrants).toBe(polite * rounds);
    // Bounded barging: while another thread is queued, the greedy one may re-take the lock it
    // released at most `maxBarges` times (no time allowance here); the next release hands the
    // lock to a queued thread and the greedy one's own next acquire queues behind it. With the
    // grant it already held, a run is at most maxBarges + 1 (without the hand-off, runs last a
    // time slice: thousands).
    expect(longest).toBeLessThanOrEqual(maxBarges + 1);
  });
});

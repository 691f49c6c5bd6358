import { describe, expect, it } from 'vitest';
import { Barrier, Lock } from '../../src/threads/index.ts';
import { maxBarges, waitersWord } from '../../src/threads/permits.ts';
import { blockHeaderWords } from '../../src/threads/shared-memory.ts';
import { joinAll, startWorker, workerTestTimeout } from './support/workers.ts';

describe('fairness across threads', { timeout: workerTestTimeout }, () => {
  it('a worker re-acquiring in a tight loop does not starve the others: it gets at most a bounded run while they wait', async () => {
    const polite = 3;
    const rounds = 300;
    const shared = new Int32Array(new SharedArrayBuffer(4 * (3 + 2_000_000)));
    const lock = new Lock({ name: 'contended' });
    const barrier = new Barrier(polite + 1);
    // White-box: the lock's own count of queued waiters, so "others waiting" means exactly
    // "queued in the lock".
    const common = {
      rounds,
      lock: lock.handle,
      barrier: barrier.handle,
      shared: shared.buffer,
      waitersWord: lock.handle.index + blockHeaderWords + waitersWord,
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
    // released at most `maxBarges` times; the next release hands the lock to a queued thread and
    // the greedy one's own next acquire queues behind it. With the grant it already held, a run
    // is at most maxBarges + 1 (without the hand-off, runs last a time slice: thousands).
    expect(longest).toBeLessThanOrEqual(maxBarges + 1);
  });
});

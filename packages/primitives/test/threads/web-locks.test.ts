import { afterEach, describe, expect, it } from 'vitest';
import {
  detector,
  Event,
  instrumentWebLocks,
  Lock,
  type ThreadCycleEdge,
} from '../../src/threads/index.ts';
import { joinAll, startWorker, workerTestTimeout } from './support/workers.ts';

afterEach(() => {
  detector.disable();
  detector.reset();
});

describe('Web Locks in the threads’ graph', { timeout: workerTestTimeout }, () => {
  it('two workers nesting navigator.locks names in opposite orders: the second gets LockOrderError before it waits', async () => {
    detector.enable({ onCycle: 'throw' });
    instrumentWebLocks();
    const join = new Event().handle;
    const one = startWorker('web-locks', { join, outer: { web: 'cache' }, inner: { web: 'disk' } });
    const threads = [one.worker.threadId];
    await joinAll([one]);
    const two = startWorker('web-locks', { join, outer: { web: 'disk' }, inner: { web: 'cache' } });
    threads.push(two.worker.threadId);
    const [messages] = await joinAll([two]);
    expect(messages).toEqual([
      { outcome: 'LockOrderError', locks: ['navigator.locks "cache"', 'navigator.locks "disk"'] },
    ]);
    const cycle = detector.cycles()[0]!;
    expect((cycle.edges as ThreadCycleEdge[]).map((edge) => edge.thread)).toEqual(threads);
  });

  it('a Web Lock and a thread Lock nested in opposite orders in two threads form one cycle', async () => {
    detector.enable({ onCycle: 'record' });
    instrumentWebLocks();
    const lock = new Lock({ name: 'ledger' });
    const join = new Event().handle;
    await joinAll([
      startWorker('web-locks', { join, outer: { lock: lock.handle }, inner: { web: 'audit' } }),
    ]);
    await joinAll([
      startWorker('web-locks', { join, outer: { web: 'audit' }, inner: { lock: lock.handle } }),
    ]);
    expect(detector.cycles().map((cycle) => cycle.locks.map((entry) => entry.name).sort())).toEqual(
      [['ledger', 'navigator.locks "audit"']],
    );
  });

  it('in the main thread, the callback is the holding task: sibling tasks are not ordered by it', async () => {
    detector.enable({ onCycle: 'throw' });
    instrumentWebLocks();
    const inside = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const holder = navigator.locks.request('held-by-one-task', async () => {
      inside.resolve();
      await release.promise;
    });
    await inside.promise;
    // Another task of the same thread requests a different name while the first holds its lock.
    await navigator.locks.request('other', async () => {});
    release.resolve();
    await holder;
    expect(detector.snapshot().edges).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { Barrier, detector, Lock, type ThreadCycleEdge } from '../../src/threads/index.ts';
import { joinAll, startWorker, workerTestTimeout } from './support/workers.ts';

afterEach(() => {
  detector.disable();
  detector.reset();
});

const nestSource = /test\/threads\/workers\/nest\.ts$/;

describe('one lock-order graph for every thread', { timeout: workerTestTimeout }, () => {
  it('worker 1 nests a → b, worker 2 later nests b → a: LockOrderError in worker 2 before it blocks, with both edges’ sites and threads', async () => {
    detector.enable({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const one = startWorker('nest', { first: a.handle, second: b.handle });
    const oneThread = one.worker.threadId;
    await joinAll([one]);
    const two = startWorker('nest', { first: b.handle, second: a.handle });
    const twoThread = two.worker.threadId;
    const [messages] = await joinAll([two]);
    const reply = messages![0] as {
      outcome: string;
      code: string;
      cycle: { edges: ThreadCycleEdge[] };
    };
    expect(reply.outcome).toBe('LockOrderError');
    expect(a.locked || b.locked).toBe(false);

    // Seen from the main thread, which nested nothing.
    const cycles = detector.cycles();
    expect(cycles).toHaveLength(1);
    const cycle = cycles[0]!;
    expect(cycle.locks.map((lock) => lock.name)).toEqual(['a', 'b']);
    const edges = cycle.edges as ThreadCycleEdge[];
    expect(edges.map((edge) => edge.thread)).toEqual([oneThread, twoThread]);
    for (const edge of edges) {
      expect(edge.holder?.file).toMatch(nestSource);
      expect(edge.acquirer?.file).toMatch(nestSource);
    }
    // The worker saw the same cycle.
    expect(reply.cycle.edges.map((edge) => edge.thread)).toEqual([oneThread, twoThread]);
    const report = detector.snapshot();
    expect(report.cycles).toEqual(cycles);
    expect(report.locks.map((lock) => lock.name).sort()).toEqual(['a', 'b']);
    expect(detector.format()).toContain('"a"');
  });

  it("onCycle 'record': worker 2 proceeds and the cycle is readable from any thread", async () => {
    detector.enable({ onCycle: 'record' });
    const a = new Lock({ name: 'x' });
    const b = new Lock({ name: 'y' });
    await joinAll([startWorker('nest', { first: a.handle, second: b.handle })]);
    const [messages] = await joinAll([startWorker('nest', { first: b.handle, second: a.handle })]);
    expect(messages).toEqual([{ outcome: 'acquired' }]);
    expect(detector.cycles().map((cycle) => cycle.locks.map((lock) => lock.name))).toEqual([
      ['x', 'y'],
    ]);
  });

  it('a real cross-thread deadlock is broken with DeadlockError in exactly one thread; the other completes', async () => {
    detector.enable({ onCycle: 'record' });
    const a = new Lock({ name: 'left' });
    const b = new Lock({ name: 'right' });
    const barrier = new Barrier(2);
    const workers = [
      startWorker('nest', { first: a.handle, second: b.handle, barrier: barrier.handle }),
      startWorker('nest', { first: b.handle, second: a.handle, barrier: barrier.handle }),
    ];
    const outcomes = (await joinAll(workers))
      .map((messages) => (messages[0] as { outcome: string }).outcome)
      .sort();
    expect(outcomes).toEqual(['DeadlockError', 'acquired']);
    const deadlocks = detector.deadlocks();
    expect(deadlocks).toHaveLength(1);
    expect(deadlocks[0]!.locks.map((lock) => lock.name).sort()).toEqual(['left', 'right']);
  });

  it('a worker re-acquiring a Lock it holds gets DeadlockError at once instead of hanging', async () => {
    detector.enable({ onCycle: 'throw' });
    const lock = new Lock({ name: 'mine' });
    const [messages] = await joinAll([startWorker('self-deadlock', { lock: lock.handle })]);
    expect(messages).toEqual([{ outcome: 'DeadlockError', locks: ['mine'] }]);
  });

  it('with the detector off nothing is recorded', async () => {
    const a = new Lock();
    const b = new Lock();
    await joinAll([startWorker('nest', { first: a.handle, second: b.handle })]);
    await joinAll([startWorker('nest', { first: b.handle, second: a.handle })]);
    expect(detector.cycles()).toEqual([]);
  });
});

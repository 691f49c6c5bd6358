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
  it('the fast paths with the detector on (nothing held; one lock held, edge known) record what the slow path would, also after reset()', () => {
    detector.enable({ onCycle: 'record' });
    const a = new Lock({ name: 'fast-a' });
    const b = new Lock({ name: 'fast-b' });
    const c = new Lock({ name: 'fast-c' });
    const nest = (outer: Lock, ...inner: Lock[]): void => {
      using _outer = outer.acquire();
      for (const lock of inner) lock.acquire().release();
    };
    // Taken again and again: from the second round on, every acquisition is a fast one.
    for (let round = 0; round < 3; round++) nest(a, b);
    // Holding two locks is never the one-known-edge shortcut: b → c is new (a → c follows from
    // a → b → c, so core records only b → c, lockdep's way).
    {
      using _a = a.acquire();
      using _b = b.acquire();
      c.acquire().release();
    }
    expect(detector.snapshot().edges).toHaveLength(2);
    // reset() forgets a → b: the memo of the known edge must not survive it.
    detector.reset();
    nest(a, b);
    nest(b, a);
    const cycles = detector.cycles();
    expect(cycles.map((cycle) => cycle.locks.map((lock) => lock.name))).toEqual([
      ['fast-a', 'fast-b'],
    ]);
    // Both edges name where the outer lock was taken, though it took the fast path.
    for (const edge of cycles[0]!.edges) expect(edge.holder?.file).toMatch(/detector\.test\.ts$/);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlockError, LockOrderError, LongHoldWarning, LongWaitWarning } from '../src/errors.ts';
import type { Hold } from '../src/lock-node.ts';
import type { DetectorWarning } from '../src/options.ts';
import { SiteCapture } from '../src/sites.ts';
import { nest, setup } from './harness.ts';

/** Lets queued microtasks run (the detector rejects deadlocked waiters in one). */
const microtasks = () => Promise.resolve();

describe('Detector: lock-order cycles', () => {
  it('throws LockOrderError on an AB-BA inversion, before anything is taken, and records nothing', () => {
    const { detector, lock, task } = setup();
    const a = lock('a');
    const b = lock('b');
    nest(task, a, b);
    const t2 = task();
    t2.acquire(b);
    const before = detector.stats();
    let error: unknown;
    try {
      t2.acquire(a);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LockOrderError);
    const cycle = (error as LockOrderError).cycle;
    expect((error as LockOrderError).code).toBe('ERR_INTERLOCK_LOCK_ORDER');
    expect((error as LockOrderError).name).toBe('LockOrderError');
    expect((error as LockOrderError).message).toContain('"a"');
    expect((error as LockOrderError).message).toContain('"b"');
    expect(cycle.locks).toEqual([
      { id: a.id, name: 'a' },
      { id: b.id, name: 'b' },
    ]);
    expect(cycle.edges.map((edge) => [edge.from, edge.to])).toEqual([
      [a.id, b.id],
      [b.id, a.id],
    ]);
    // The refused edge is memoised (a repeat costs a lookup); the graph itself is untouched.
    expect(detector.stats()).toEqual({ ...before, refusedEdges: 1 });
    expect(t2.held.map((hold) => hold.lock)).toEqual([b]);
    expect(detector.snapshot().edges.map((edge) => [edge.from, edge.to])).toEqual([[a.id, b.id]]);
  });

  it('reports each cycle once but refuses every repeat of the closing acquisition', () => {
    const { detector, lock, task } = setup();
    const a = lock('a');
    const b = lock('b');
    nest(task, a, b);
    const errors: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        nest(task, b, a);
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(3);
    expect(new Set(errors).size).toBe(3); // no shared error instances
    expect(detector.cycles()).toHaveLength(1);
  });

  it('finds a three-lock cycle, with the closing edge last', () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    nest(task, a, b);
    nest(task, b, c);
    expect(detector.cycles()).toEqual([]);
    nest(task, c, a);
    const [cycle] = detector.cycles();
    expect(cycle?.locks.map((entry) => entry.name)).toEqual(['a', 'b', 'c']);
    expect(cycle?.edges.map((edge) => [edge.from, edge.to])).toEqual([
      [a.id, b.id],
      [b.id, c.id],
      [c.id, a.id],
    ]);
    nest(task, c, a);
    expect(detector.cycles()).toHaveLength(1);
  });

  it("'warn' lets the acquisition proceed and emits exactly one warning per cycle", () => {
    const warnings: DetectorWarning[] = [];
    const { detector, lock, task } = setup({
      onCycle: 'warn',
      onWarning: (warning) => warnings.push(warning),
    });
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    nest(task, a, b);
    nest(task, b, a);
    nest(task, b, a);
    nest(task, b, c);
    nest(task, c, b);
    expect(warnings.map((warning) => warning.constructor)).toEqual([
      LockOrderError,
      LockOrderError,
    ]);
    expect(detector.cycles()).toHaveLength(2);
    // The inversions happened, so the report lists their edges with how often they were followed.
    const edges = detector.snapshot().edges.map((edge) => `${edge.from}>${edge.to}x${edge.count}`);
    expect(edges.sort()).toEqual(
      [`${a.id}>${b.id}x1`, `${b.id}>${a.id}x2`, `${b.id}>${c.id}x1`, `${c.id}>${b.id}x1`].sort(),
    );
  });

  it("'warn': a warning callback that throws finds every edge and count already recorded", () => {
    const { detector, lock, task } = setup({
      onCycle: 'warn',
      onWarning: () => {
        throw new Error('callback bug');
      },
    });
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    nest(task, c, a);
    nest(task, a, b);
    // Holding b then c (no order between them), ask for a: b → a closes a cycle and warns, and
    // c → a, checked after it, is known and counted.
    const held: Hold[] = [b, c].map((node) => ({ lock: node, live: true }));
    expect(() => detector.beforeAcquire(held, a, false)).toThrow('callback bug');
    const edges = detector.snapshot().edges.map((edge) => `${edge.from}>${edge.to}x${edge.count}`);
    expect(edges.sort()).toEqual(
      [`${a.id}>${b.id}x1`, `${b.id}>${a.id}x1`, `${c.id}>${a.id}x2`].sort(),
    );
    expect(detector.cycles()).toHaveLength(1);
  });

  it("'record' is silent and keeps the cycle for cycles()", () => {
    const onWarning = vi.fn();
    const { detector, lock, task } = setup({ onCycle: 'record', onWarning });
    const [a, b] = [lock('a'), lock('b')];
    nest(task, a, b);
    nest(task, b, a);
    expect(onWarning).not.toHaveBeenCalled();
    expect(detector.cycles()).toHaveLength(1);
  });

  it("'throw' with several held locks: a refused acquisition leaves no new edge behind", () => {
    const { detector, lock, task } = setup();
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    nest(task, a, b);
    const t = task();
    t.acquire(b);
    t.acquire(c); // b → c
    const before = detector.snapshot().edges;
    const t2 = task();
    t2.acquire(c);
    t2.acquire(lock('d')); // c → d, new and fine
    const edgesBefore = detector.stats().edges;
    // holding c, d; requesting a: d → a is new and fine, c → a closes a → b → c → a.
    expect(() => t2.acquire(a)).toThrow(LockOrderError);
    expect(detector.stats().edges).toBe(edgesBefore);
    expect(before).toHaveLength(2);
  });

  it("'throw': a refused acquisition does not count the known edges it would have followed", () => {
    const { detector, lock, task } = setup();
    const [a, b, e] = [lock('a'), lock('b'), lock('e')];
    nest(task, a, b);
    nest(task, e, a);
    const counts = () =>
      detector.snapshot().edges.map((edge) => `${edge.from}>${edge.to}x${edge.count}`);
    const before = counts();
    const t = task();
    t.acquire(e);
    t.acquire(b); // e → b: new
    // Holding e (e → a known, counted first) and b (b → a closes a cycle).
    expect(() => t.acquire(a)).toThrow(LockOrderError);
    expect(counts()).toEqual([...before, `${e.id}>${b.id}x1`]);
    // Holding e then a again is no order error: a self-wait is the wait-for graph's to judge.
    const t2 = task();
    t2.acquire(e);
    t2.acquire(a);
    expect(() => detector.beforeAcquire(t2.held, a, false)).not.toThrow();
  });

  it('adds an edge from the most recent held lock only (the earlier ones reach it), and none for a re-entry', () => {
    const { detector, lock, task } = setup();
    const [a, b, r] = [lock('a'), lock('b'), lock('r', 'RLock', true)];
    const t = task();
    t.acquire(r);
    t.acquire(a);
    t.acquire(b);
    expect(detector.stats().edges).toBe(2); // r→a, a→b (r reaches b through a)
    t.acquire(r, true); // re-entry: no a → r, b → r
    expect(detector.stats().edges).toBe(2);
    expect(detector.cycles()).toEqual([]);
  });

  it('counts repeats of a known edge without adding anything', () => {
    const { detector, lock, task } = setup();
    const [a, b] = [lock('a'), lock('b')];
    for (let index = 0; index < 5; index++) nest(task, a, b);
    expect(detector.snapshot().edges).toMatchObject([{ from: a.id, to: b.id, count: 5 }]);
  });

  it('captures a stack only for something new: a new edge, a lock’s first outermost acquisition', () => {
    const { detector, lock } = setup();
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    const holdOf = (node: typeof a): Hold => ({ lock: node, live: true });
    // `beforeAcquire` returns the capture it took, `undefined` when it took none.
    expect(detector.beforeAcquire([], a, false)).toBeInstanceOf(SiteCapture); // first outermost a
    // new edge a → b
    expect(detector.beforeAcquire([holdOf(a)], b, false)).toBeInstanceOf(SiteCapture);
    for (let index = 0; index < 3; index++) {
      expect(detector.beforeAcquire([], a, false)).toBeUndefined();
      expect(detector.beforeAcquire([holdOf(a)], b, false)).toBeUndefined(); // known edge
    }
    // new b → c (a reaches c through b)
    expect(detector.beforeAcquire([holdOf(a), holdOf(b)], c, false)).toBeInstanceOf(SiteCapture);
    expect(detector.beforeAcquire([holdOf(a), holdOf(b)], c, false)).toBeUndefined();
    // With stacks off, nothing is ever captured.
    detector.configure({ stacks: false });
    const d = lock('d');
    expect(detector.beforeAcquire([], d, false)).toBeUndefined();
    expect(detector.beforeAcquire([holdOf(c)], d, false)).toBeUndefined(); // new edge c → d
    expect(detector.stats().edges).toBe(3);
  });

  it('ignores suspended holds (a Condition waiting) and forgotten locks', () => {
    const { detector, lock, task } = setup();
    const [a, b] = [lock('a'), lock('b')];
    const t = task();
    const hold = t.acquire(a);
    hold.live = false;
    t.acquire(b);
    expect(detector.stats().edges).toBe(0);
  });
});

describe('Detector: self-deadlock', () => {
  for (const onCycle of ['throw', 'warn', 'record'] as const) {
    it(`re-acquiring a held non-reentrant lock is a deadlock the wait-for graph breaks (onCycle: '${onCycle}')`, async () => {
      const { detector, lock, task } = setup({ onCycle });
      const a = lock('a');
      const t = task();
      t.acquire(a);
      const reject = vi.fn();
      t.waitFor(a, reject);
      await microtasks();
      expect(reject).toHaveBeenCalledTimes(1);
      const error: unknown = reject.mock.calls[0]![0];
      expect(error).toBeInstanceOf(DeadlockError);
      expect((error as DeadlockError).code).toBe('ERR_INTERLOCK_DEADLOCK');
      expect((error as DeadlockError).cycle.edges).toMatchObject([{ from: a.id, to: a.id }]);
      expect(detector.deadlocks()).toHaveLength(1);
      expect(t.held).toHaveLength(1);
    });
  }

  it('RLock re-entry is neither a cycle nor a deadlock', () => {
    const { detector, lock, task } = setup();
    const r = lock('r', 'RLock', true);
    const t = task();
    t.acquire(r);
    expect(() => t.acquire(r, true)).not.toThrow();
    expect(detector.cycles()).toEqual([]);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('a semaphore held twice by one task is left to the wait-for graph', () => {
    const { detector, lock, task } = setup();
    const s = lock('pool', 'Semaphore', false, false);
    const t = task();
    t.acquire(s);
    expect(() => t.acquire(s)).not.toThrow();
    expect(detector.deadlocks()).toEqual([]);
  });
});

describe('Detector: wait-for graph', () => {
  it('AB-BA running concurrently: rejects exactly the waiter that closes the cycle', async () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const [a, b] = [lock('a'), lock('b')];
    const t1 = task();
    const t2 = task();
    const holdA = t1.acquire(a);
    const holdB = t2.acquire(b);
    const reject1 = vi.fn();
    const reject2 = vi.fn();
    const site1 = detector.beforeAcquire(t1.held, b, false);
    const ticket1 = detector.waitStart(t1.held, b, reject1, site1);
    expect(reject1).not.toHaveBeenCalled();
    const site2 = detector.beforeAcquire(t2.held, a, false); // records the cycle, proceeds
    const ticket2 = detector.waitStart(t2.held, a, reject2, site2);
    expect(reject2).not.toHaveBeenCalled(); // never from inside waitStart
    await microtasks();
    expect(reject1).not.toHaveBeenCalled();
    expect(reject2).toHaveBeenCalledTimes(1);
    const error = reject2.mock.calls[0]![0] as DeadlockError;
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.cycle.locks.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(error.cycle.edges.map((edge) => [edge.from, edge.to])).toEqual([
      [a.id, b.id],
      [b.id, a.id],
    ]);
    expect(detector.deadlocks()).toHaveLength(1);
    expect(detector.stats().blockedWaiters).toBe(1);
    // t2 fails, unwinds and releases b; t1 is granted.
    detector.waitEnd(ticket2);
    t2.release(holdB);
    detector.waitEnd(ticket1);
    t1.grant(b);
    expect(detector.stats().blockedWaiters).toBe(0);
    expect(holdA.live).toBe(true);
  });

  it('does not call a wait for a running holder a deadlock', async () => {
    const { detector, lock, task } = setup();
    const [a, b] = [lock('a'), lock('b')];
    const t1 = task();
    t1.acquire(a);
    const t2 = task();
    t2.acquire(b);
    const reject = vi.fn();
    const tickets = [1, 2, 3].map(() => detector.waitStart(t2.held, a, reject));
    await microtasks();
    expect(reject).not.toHaveBeenCalled();
    for (const ticket of tickets) detector.waitEnd(ticket);
    expect(detector.stats().blockedWaiters).toBe(0);
  });

  it('finds a three-task wait-for cycle and rejects only the last waiter', async () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    const [t1, t2, t3] = [task(), task(), task()];
    t1.acquire(a);
    t2.acquire(b);
    t3.acquire(c);
    const rejects = [vi.fn(), vi.fn(), vi.fn()];
    detector.waitStart(t1.held, b, rejects[0]!);
    detector.waitStart(t2.held, c, rejects[1]!);
    detector.waitStart(t3.held, a, rejects[2]!);
    await microtasks();
    expect(rejects.map((reject) => reject.mock.calls.length)).toEqual([0, 0, 1]);
    const error = rejects[2]!.mock.calls[0]![0] as DeadlockError;
    expect(error.cycle.locks.map((entry) => entry.name)).toEqual(['a', 'b', 'c']);
  });

  it('a child that inherited its parent’s hold and waits on that lock is a deadlock', async () => {
    const { detector, lock, task } = setup();
    const a = lock('a');
    const parent = task();
    parent.acquire(a);
    const child = task(parent.held);
    const reject = vi.fn();
    detector.waitStart(child.held, a, reject);
    await microtasks();
    expect(reject).toHaveBeenCalledTimes(1);
    expect((reject.mock.calls[0]![0] as DeadlockError).cycle.edges).toMatchObject([
      { from: a.id, to: a.id },
    ]);
  });

  it('a semaphore wait is a deadlock only when every permit holder is blocked in the cycle', async () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const pool = lock('pool', 'Semaphore', false, false);
    const x = lock('x');
    const [t1, t2, t3] = [task(), task(), task()];
    t1.acquire(pool);
    t2.acquire(pool);
    t3.acquire(x);
    const rejects = [vi.fn(), vi.fn(), vi.fn()];
    detector.waitStart(t1.held, x, rejects[0]!); // t1 (a permit) waits for x
    detector.waitStart(t3.held, pool, rejects[2]!); // t3 (x) waits for a permit: t2 still runs
    await microtasks();
    expect(rejects.map((reject) => reject.mock.calls.length)).toEqual([0, 0, 0]);
    detector.waitStart(t2.held, x, rejects[1]!); // now every permit holder is blocked
    await microtasks();
    expect(rejects.map((reject) => reject.mock.calls.length)).toEqual([0, 1, 0]);
  });

  it('waitEnd is idempotent and the graph is empty after every waiter ends', () => {
    const { detector, lock, task } = setup();
    const a = lock('a');
    const t = task();
    t.acquire(a);
    const ticket = detector.waitStart([], a, vi.fn());
    detector.waitEnd(ticket);
    detector.waitEnd(ticket);
    expect(detector.stats().blockedWaiters).toBe(0);
  });
});

describe('Detector: holdTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warns about a lock held longer than the limit, with the holder’s site', () => {
    vi.useFakeTimers();
    const warnings: DetectorWarning[] = [];
    const { detector, lock, task } = setup({
      holdTimeout: 100,
      onWarning: (warning) => warnings.push(warning),
    });
    const a = lock('a');
    const t = task();
    const hold = t.acquire(a);
    vi.advanceTimersByTime(99);
    expect(warnings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBeInstanceOf(LongHoldWarning);
    expect(warnings[0]!.message).toMatch(
      /"a" held longer than 100 ms; taken at .*harness\.ts:\d+:\d+/,
    );
    t.release(hold);
    const [entry] = detector.snapshot().longHolds ?? [];
    expect(entry).toMatchObject({ lock: a.id, limit: 100, count: 1 });
    expect(entry?.site?.file).toMatch(/harness\.ts$/);
  });

  it('clears the timer on release: no warning, no pending timer', () => {
    vi.useFakeTimers();
    const onWarning = vi.fn();
    const { lock, task } = setup({ holdTimeout: 100, onWarning });
    const t = task();
    const hold = t.acquire(lock('a'));
    expect(vi.getTimerCount()).toBe(1);
    t.release(hold);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(onWarning).not.toHaveBeenCalled();
  });

  it('warns about a long wait, and creates no timer at all when off', () => {
    vi.useFakeTimers();
    const warnings: DetectorWarning[] = [];
    const { detector, lock, task } = setup({
      holdTimeout: 50,
      onWarning: (warning) => warnings.push(warning),
    });
    const a = lock('a');
    task().acquire(a);
    const ticket = detector.waitStart([], a, vi.fn());
    vi.advanceTimersByTime(50);
    expect(warnings.map((warning) => warning.constructor)).toEqual([
      LongHoldWarning,
      LongWaitWarning,
    ]);
    detector.waitEnd(ticket);
    expect(detector.snapshot().longWaits).toMatchObject([{ lock: a.id, limit: 50, count: 1 }]);

    const off = setup();
    const b = off.lock('b');
    const t = off.task();
    const pending = vi.getTimerCount();
    const hold = t.acquire(b);
    const offTicket = off.detector.waitStart([], b, vi.fn());
    expect(vi.getTimerCount()).toBe(pending);
    off.detector.waitEnd(offTicket);
    t.release(hold);
  });
});

describe('Detector: bounded memory and forgetting', () => {
  it('1e6 acquisitions over a fixed set of locks do not grow the graph', () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const locks = [lock('a'), lock('b'), lock('c'), lock('d')];
    nest(task, locks[3]!, locks[0]!); // d → a: later a → d closes a cycle, refused and memoised
    const held: { lock: (typeof locks)[number]; live: boolean }[] = [];
    const outerHold = { lock: locks[0]!, live: true };
    let settled = detector.stats();
    for (let index = 0; index < 1_000_009; index++) {
      if (index === 9) settled = detector.stats();
      const node = locks[1 + (index % 3)]!;
      held[0] = outerHold;
      detector.holdAcquired(outerHold);
      const site = detector.beforeAcquire(held, node, false);
      const inner = { lock: node, live: true };
      detector.holdAcquired(inner, site);
      detector.holdReleased(inner);
      detector.holdReleased(outerHold);
    }
    expect(detector.stats()).toEqual(settled);
    expect(detector.cycles()).toHaveLength(1);
    const edges = detector.snapshot().edges;
    expect(settled).toEqual({ locks: 4, edges: 3, refusedEdges: 1, blockedWaiters: 0, holds: 0 });
    expect(edges.reduce((sum, edge) => sum + (edge.count ?? 0), 0)).toBe(1_000_010);
  });

  it('forgetLock removes a lock from the live graph; reported cycles stay in the report', () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const [a, b, c] = [lock('a'), lock('b'), lock('c')];
    nest(task, a, b);
    nest(task, b, a);
    nest(task, b, c);
    detector.forgetLock(a);
    expect(detector.stats()).toMatchObject({ locks: 2, edges: 1, refusedEdges: 0 });
    const report = detector.snapshot();
    expect(report.cycles).toHaveLength(1);
    expect(report.locks.map((entry) => entry.name).sort()).toEqual(['a', 'b', 'c']);
    expect(report.edges.map((edge) => [edge.from, edge.to])).toEqual([[b.id, c.id]]);
    // With `a` gone, `c → b` still closes b → c → b; an acquisition of a forgotten lock adds
    // nothing.
    nest(task, c, b);
    expect(detector.cycles()).toHaveLength(2);
    nest(task, a, c);
    expect(detector.stats().edges).toBe(1);
  });

  it('reset forgets edges and findings but keeps locks and live holds', async () => {
    const { detector, lock, task } = setup({ onCycle: 'record' });
    const [a, b] = [lock('a'), lock('b')];
    nest(task, a, b);
    nest(task, b, a);
    const t = task();
    t.acquire(a);
    detector.reset();
    expect(detector.stats()).toMatchObject({ locks: 2, edges: 0, refusedEdges: 0, holds: 1 });
    expect(detector.snapshot()).toMatchObject({ cycles: [], deadlocks: [], edges: [] });
    const reject = vi.fn();
    detector.waitStart(t.held, a, reject);
    await microtasks();
    expect(reject).toHaveBeenCalledTimes(1);
  });
});

describe('Detector: options', () => {
  it('validates options with the house message form', () => {
    expect(() => setup({ holdTimeout: -1 })).toThrow(
      'Expected `holdTimeout` to be a number of milliseconds from 0 to 2147483647, got -1',
    );
    // Beyond the timer limit setTimeout would fire after 1 ms and report every hold as long.
    for (const bad of [NaN, Infinity, 2 ** 31, 3e9])
      expect(() => setup({ holdTimeout: bad })).toThrow(RangeError);
    expect(setup({ holdTimeout: 2 ** 31 - 1 }).detector.options.holdTimeout).toBe(2 ** 31 - 1);
    expect(() => setup({ onCycle: 'explode' as 'throw' })).toThrow(
      "Expected `onCycle` to be 'throw', 'warn' or 'record', got \"explode\"",
    );
    expect(() => setup({ stacks: 'yes' as never })).toThrow(
      'Expected `stacks` to be a boolean, got "yes"',
    );
    expect(() => setup({ onWarning: 'console' as never })).toThrow(
      'Expected `onWarning` to be a function, got "console"',
    );
    expect(() => setup({ frameFilters: '/src/' as never })).toThrow(
      'Expected `frameFilters` to be an array of strings and RegExps, got "/src/"',
    );
    expect(() => setup({ frameFilters: ['/src/', 3] as never })).toThrow(
      'Expected `frameFilters` to be an array of strings and RegExps, got an array',
    );
  });

  it('configure changes one option and keeps the others', () => {
    const onWarning = vi.fn();
    const { detector } = setup({ onCycle: 'warn', onWarning, holdTimeout: 5 });
    detector.configure({ onCycle: 'record' });
    expect(detector.options).toMatchObject({
      onCycle: 'record',
      holdTimeout: 5,
      stacks: true,
      onWarning,
    });
    detector.configure({ holdTimeout: undefined });
    expect(detector.options.holdTimeout).toBe(0);
  });
});

/* eslint-disable @interlock/consistent-lock-order, @interlock/no-unmanaged-acquire -- These tests
   exercise the primitives' raw protocol on purpose (unmanaged acquires, single waits, deliberate
   self-deadlocks) and build lock-order cycles for the detector to find: it is what they test. */
/**
 * The detector wired to the primitives: which edges each acquisition style records, tasks never
 * lending each other locks, real deadlocks broken, self-deadlock, Condition, Semaphore,
 * try-acquire. Interleavings are forced with Barriers, Events and gates — never with sleeps.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Barrier,
  Condition,
  DeadlockError,
  detached,
  detector,
  Event,
  Lock,
  LockOrderError,
  RLock,
  Semaphore,
  type Guard,
} from '../src/index.ts';
import { DEFAULT_DEADLOCK_GRACE } from '@interlock/core';
import { gate, settle, track } from './support/async.ts';
import { cycleNames, disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

type Style = 'using' | 'withLock';

/** Takes `first`, meets the other tasks at `meet`, then takes `second` — in the given style. */
async function transfer(style: Style, first: Lock, second: Lock, meet: Barrier): Promise<void> {
  if (style === 'using') {
    using _first = await first.acquire();
    await meet.wait();
    using _second = await second.acquire();
    return;
  }
  await first.withLock(async () => {
    await meet.wait();
    await second.withLock(() => undefined);
  });
}

describe('facade', () => {
  it('enable/disable/enabled', () => {
    detector.disable();
    expect(detector.enabled).toBe(false);
    detector.enable({ onWarning: () => undefined });
    expect(detector.enabled).toBe(true);
    detector.disable();
    expect(detector.enabled).toBe(false);
  });

  it('enable validates its options before changing anything', () => {
    enableFresh({ onCycle: 'record' });
    expect(() => detector.enable({ onCycle: 'loud' as never })).toThrow(TypeError);
    expect(() => detector.enable({ holdTimeout: -1 })).toThrow(RangeError);
    expect(() => detector.enable({ frameFilters: '/src/wrapper.ts' as never })).toThrow(
      'Expected `frameFilters` to be an array',
    );
    expect(detector.enabled).toBe(true);
  });

  it('findings stay readable after disable; reset forgets them', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    await b.withLock(() => a.withLock(() => undefined));
    detector.disable();
    expect(detector.cycles().map(cycleNames)).toEqual([['a', 'b']]);
    expect(edgeNames()).toEqual(['a→b', 'b→a']);
    detector.reset();
    expect(detector.cycles()).toEqual([]);
    expect(edgeNames()).toEqual([]);
  });

  it('disabled, nothing is recorded', async () => {
    enableFresh();
    detector.disable();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    expect(edgeNames()).toEqual([]);
  });

  it('locks created before enable are checked too, without a creation site', async () => {
    detector.disable();
    const a = new Lock({ name: 'early-a' });
    const b = new Lock({ name: 'early-b' });
    enableFresh();
    await a.withLock(() => b.withLock(() => undefined));
    await expect(b.withLock(() => a.withLock(() => undefined))).rejects.toBeInstanceOf(
      LockOrderError,
    );
    const report = detector.snapshot();
    const early = report.locks.find((lock) => lock.name === 'early-a');
    expect(early).toMatchObject({ key: 'early-a' });
    expect(early?.site).toBeUndefined();
  });

  it('locks created while enabled carry their creation site (this file)', async () => {
    enableFresh();
    const a = new Lock({ name: 'sited' });
    await a.withLock(() => undefined);
    const lock = detector.snapshot().locks.find((entry) => entry.name === 'sited');
    expect(lock?.site?.file).toMatch(/test\/detector\.test\.ts$/);
    expect(lock?.key).toMatch(/^sited@.*detector\.test\.ts:\d+:\d+$/);
  });

  it('report keys: name@creation-site; an unnamed lock’s generated name (Lock#n) is replaced by its kind', async () => {
    enableFresh();
    // Two unnamed instances from one line (per-account locks): one key, whatever their numbers.
    const [first, second] = [0, 1].map(() => new Lock());
    const named = new Lock({ name: 'audit' });
    const semaphore = new Semaphore(2);
    for (const lock of [first!, second!, named, semaphore]) await lock.withLock(() => undefined);
    const keys = new Map(detector.snapshot().locks.map((lock) => [lock.name, lock.key]));
    const keyOf = (lock: { name: string }): string => keys.get(lock.name) ?? '';
    expect(first!.name).not.toBe(second!.name);
    expect(keyOf(first!)).toMatch(/^Lock@.*test\/detector\.test\.ts:\d+:\d+$/);
    expect(keyOf(second!)).toBe(keyOf(first!));
    expect(keyOf(named)).toMatch(/^audit@.*detector\.test\.ts:\d+:\d+$/);
    expect(keyOf(semaphore)).toMatch(/^Semaphore@/);
  });

  it('frameFilters adds to interlock’s own filters: sites still skip the primitives’ frames', async () => {
    enableFresh({ onCycle: 'record', frameFilters: ['/no/such/wrapper.ts'] });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    const [edge] = detector.snapshot().edges;
    for (const site of [edge?.holder, edge?.acquirer])
      expect(site?.file).toMatch(/test\/detector\.test\.ts$/);
    // Skipping this file too moves every site off it (to whatever called the test).
    enableFresh({ onCycle: 'record', frameFilters: [/detector\.test\.ts$/] });
    const c = new Lock({ name: 'c' });
    await a.withLock(() => c.withLock(() => undefined));
    const [skipped] = detector.snapshot().edges;
    expect(skipped?.acquirer?.file ?? '').not.toMatch(
      /detector\.test\.ts$|packages\/(core|primitives)\/src\//,
    );
  });
});

describe('edges: a task acquiring b while it holds a records a → b', () => {
  for (const style of ['using', 'withLock'] as const) {
    it(`${style}: Promise.all([transfer(a, b), transfer(c, d), other()]) records exactly a → b and c → d`, async () => {
      enableFresh();
      const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => new Lock({ name })) as [
        Lock,
        Lock,
        Lock,
        Lock,
        Lock,
      ];
      // All three hold their first lock before any takes a second: the siblings overlap fully.
      const meet = new Barrier(3);
      const other = async (): Promise<void> => {
        if (style === 'using') {
          using _e = await e.acquire();
          await meet.wait();
        } else {
          await e.withLock(() => meet.wait());
        }
      };
      await Promise.all([transfer(style, a, b, meet), transfer(style, c, d, meet), other()]);
      expect(edgeNames()).toEqual(['a→b', 'c→d']);
      expect(detector.cycles()).toEqual([]);
    });
  }

  it('plain `await acquire()` … `release()`: the holds are anonymous, so no edge is recorded (a missed edge, never an invented one)', async () => {
    enableFresh();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Lock({ name })) as [
      Lock,
      Lock,
      Lock,
      Lock,
    ];
    const meet = new Barrier(2);
    const plain = async (first: Lock, second: Lock): Promise<void> => {
      await first.acquire();
      try {
        await meet.wait();
        await second.acquire();
        second.release();
      } finally {
        first.release();
      }
    };
    await Promise.all([plain(a, b), plain(c, d)]);
    expect(edgeNames()).toEqual([]);
    // The holds still existed for the detector (granted and released), just not in a task's frame.
    expect(detector.stats().holds).toBe(0);
  });

  it('plain `const g = await acquire()` … `g.release()` records nothing either; `using` on the same guard does', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const g = await a.acquire();
    (await b.acquire()).release();
    g.release();
    expect(edgeNames()).toEqual([]);
    {
      using _a = await a.acquire();
      using _b = await b.acquire();
    }
    expect(edgeNames()).toEqual(['a→b']);
  });

  it('mixed styles: a tracked outer hold orders a plain inner acquire; a plain outer hold orders nothing', async () => {
    enableFresh();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Lock({ name })) as [
      Lock,
      Lock,
      Lock,
      Lock,
    ];
    await a.withLock(async () => {
      await b.acquire(); // plain, but requested while `a` is in this task's frame
      b.release();
    });
    await c.acquire(); // plain: anonymous
    await d.withLock(() => undefined);
    c.release();
    expect(edgeNames()).toEqual(['a→b']);
  });

  it('plain style AB-BA is not seen by the wait-for graph either: it hangs (until its own timeout or abort)', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const meet = new Barrier(2);
    const giveUp = new AbortController();
    const plain = async (first: Lock, second: Lock): Promise<void> => {
      await first.acquire();
      try {
        await meet.wait();
        await second.acquire({ signal: giveUp.signal });
        second.release();
      } finally {
        first.release();
      }
    };
    const results = [track(plain(a, b)), track(plain(b, a))];
    await settle();
    expect(results.map((result) => result.state)).toEqual(['pending', 'pending']);
    expect(detector.deadlocks()).toEqual([]);
    giveUp.abort(new Error('gave up'));
    await settle();
    expect(results.map((result) => result.state)).toEqual(['rejected', 'rejected']);
  });

  it('deeper nesting records an edge from the most recent held lock; the earlier ones reach it', async () => {
    enableFresh();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Lock({ name })) as [Lock, Lock, Lock];
    await a.withLock(() => b.withLock(() => c.withLock(() => undefined)));
    expect(edgeNames()).toEqual(['a→b', 'b→c']);
    // a is still ordered before c: the reverse nesting is refused, naming the exact pair.
    const error = await c
      .withLock(() => a.withLock(() => undefined))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockOrderError);
    expect((error as LockOrderError).cycle.locks.map((lock) => lock.name)).toEqual(['a', 'b', 'c']);
  });

  it('work forked inside a critical section inherits the holder’s locks', async () => {
    enableFresh();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Lock({ name })) as [Lock, Lock, Lock];
    await a.withLock(() =>
      Promise.all([
        b.withLock(() => undefined),
        (async () => {
          using _c = await c.acquire();
        })(),
      ]),
    );
    expect(edgeNames()).toEqual(['a→b', 'a→c']);
  });

  it('a known edge is counted, not re-recorded', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    for (let i = 0; i < 5; i++) await a.withLock(() => b.withLock(() => undefined));
    expect(detector.snapshot().edges).toEqual([expect.objectContaining({ count: 5 })]);
  });

  it('RLock re-entry is neither an edge nor an error', async () => {
    enableFresh();
    const r = new RLock({ name: 'r' });
    const b = new Lock({ name: 'b' });
    await r.withLock(async () => {
      await b.withLock(async () => {
        using _again = await r.acquire();
      });
    });
    expect(edgeNames()).toEqual(['r→b']);
    expect(detector.deadlocks()).toEqual([]);
  });
});

describe('try-acquire', () => {
  it('adds no edge to the lock it tries, and never throws LockOrderError (onCycle: throw)', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    await b.withLock(() => {
      const guard = a.tryAcquire(); // b → a would close the cycle, but a try cannot block
      expect(guard).toBeDefined();
      guard?.release();
    });
    expect(edgeNames()).toEqual(['a→b']);
    expect(detector.cycles()).toEqual([]);
  });

  it('acquire({ timeout: 0 }) cannot wait: no edge into it, no verdict; its `using` guard orders what follows', async () => {
    enableFresh();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Lock({ name })) as [Lock, Lock, Lock];
    await a.withLock(() => b.withLock(() => undefined));
    await b.withLock(async () => {
      // b → a would close the cycle, but it cannot block
      using _a = await a.acquire({ timeout: 0 });
      await c.withLock(() => undefined); // a's guard is tracked: a → c (and b → c)
      const again = await a.acquire({ timeout: 0 }).catch((error: unknown) => error);
      // held by this task: cannot wait, so no DeadlockError
      expect((again as Error).name).toBe('TimeoutError');
    });
    expect(edgeNames()).toEqual(['a→b', 'a→c', 'b→c']);
    expect(detector.cycles()).toEqual([]);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('a Semaphore tryAcquire is no edge either', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const s = new Semaphore(1, { name: 's' });
    await a.withLock(() => s.tryAcquire()?.release());
    expect(edgeNames()).toEqual([]);
  });
});

describe('modes', () => {
  it("'throw': the closing acquire rejects with LockOrderError and leaves the lock untouched", async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    let inside: unknown;
    await b.withLock(async () => {
      const attempt = a.acquire();
      // Synchronously after the call: nothing taken, nothing queued.
      expect(a.locked).toBe(false);
      inside = await attempt.catch((error: unknown) => error);
    });
    expect(inside).toBeInstanceOf(LockOrderError);
    const error = inside as LockOrderError;
    expect(error.code).toBe('ERR_INTERLOCK_LOCK_ORDER');
    expect(cycleNames(error.cycle)).toEqual(['a', 'b']);
    expect(a.locked).toBe(false);
    // The lock still works normally, and the refused edge was not recorded.
    expect(a.tryAcquire()).toBeDefined();
    a.release();
    expect(edgeNames()).toEqual(['a→b']);
    expect(detector.cycles().map(cycleNames)).toEqual([['a', 'b']]);
  });

  it("'throw' while the lock is held by another task: the refused acquire does not queue", async () => {
    enableFresh({ onCycle: 'throw' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    await a.withLock(() => b.withLock(() => undefined));
    const holdA = await a.acquire();
    await expect(b.withLock(() => a.acquire())).rejects.toBeInstanceOf(LockOrderError);
    holdA.release();
    // Had the refused acquire queued, release would have handed the lock to it.
    expect(a.locked).toBe(false);
  });

  it("'warn': one warning per cycle through process.emitWarning, and the acquisition proceeds", async () => {
    detector.disable();
    detector.reset();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      detector.enable({ onCycle: 'warn' });
      const a = new Lock({ name: 'a' });
      const b = new Lock({ name: 'b' });
      await a.withLock(() => b.withLock(() => undefined));
      for (let i = 0; i < 3; i++) await b.withLock(() => a.withLock(() => undefined));
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]?.[0]).toBeInstanceOf(LockOrderError);
      expect(detector.cycles()).toHaveLength(1);
      expect(edgeNames()).toEqual(['a→b', 'b→a']);
    } finally {
      emit.mockRestore();
    }
  });

  it("'record': silent, read with cycles()", async () => {
    const warnings: unknown[] = [];
    enableFresh({ onCycle: 'record', onWarning: (warning) => warnings.push(warning) });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Lock({ name })) as [Lock, Lock, Lock];
    await a.withLock(() => b.withLock(() => undefined));
    await b.withLock(() => c.withLock(() => undefined));
    await c.withLock(() => a.withLock(() => undefined));
    expect(warnings).toEqual([]);
    expect(detector.cycles().map(cycleNames)).toEqual([['a', 'b', 'c']]);
  });
});

describe('real deadlocks are broken, not hung', () => {
  for (const style of ['using', 'withLock'] as const) {
    it(`${style}: AB-BA running concurrently (onCycle: record) — one waiter rejects with DeadlockError, the other proceeds`, async () => {
      enableFresh({ onCycle: 'record' });
      const a = new Lock({ name: 'a' });
      const b = new Lock({ name: 'b' });
      const bothHoldFirst = new Barrier(2);
      const t1 = track(transfer(style, a, b, bothHoldFirst));
      const t2 = track(transfer(style, b, a, bothHoldFirst));
      // No timers anywhere: the deadlock must be decided by the time the microtasks drain.
      await settle();
      expect([t1.state, t2.state].sort()).toEqual(['fulfilled', 'rejected']);
      const error = (t1.state === 'rejected' ? t1.error : t2.error) as DeadlockError;
      expect(error).toBeInstanceOf(DeadlockError);
      expect(error.code).toBe('ERR_INTERLOCK_DEADLOCK');
      expect(new Set(cycleNames(error.cycle))).toEqual(new Set(['a', 'b']));
      expect(a.locked || b.locked).toBe(false);
      expect(detector.deadlocks()).toHaveLength(1);
      expect(detector.cycles()).toHaveLength(1);
      expect(detector.stats().blockedWaiters).toBe(0);
    });
  }

  it('a three-task ring a → b → c → a: one DeadlockError, the others finish', async () => {
    enableFresh({ onCycle: 'record' });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Lock({ name })) as [Lock, Lock, Lock];
    const meet = new Barrier(3);
    const results = [
      transfer('using', a, b, meet),
      transfer('using', b, c, meet),
      transfer('using', c, a, meet),
    ].map(track);
    await settle();
    expect(results.map((result) => result.state).sort()).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(results.find((result) => result.state === 'rejected')?.error).toBeInstanceOf(
      DeadlockError,
    );
  });

  it('re-acquiring a held Lock in the same task rejects with DeadlockError at once, whatever onCycle', async () => {
    for (const onCycle of ['throw', 'warn', 'record'] as const) {
      enableFresh({ onCycle });
      const lock = new Lock({ name: 'self' });
      await lock.withLock(async () => {
        const again = track(lock.acquire());
        await Promise.resolve();
        await Promise.resolve();
        expect(again.state).toBe('rejected');
        expect(again.error).toBeInstanceOf(DeadlockError);
      });
      expect(lock.locked).toBe(false);
      expect(cycleNames(detector.deadlocks()[0]!)).toEqual(['self']);
    }
  });

  it('a child forked inside the critical section that re-acquires the parent’s Lock is a self-deadlock', async () => {
    enableFresh();
    const lock = new Lock({ name: 'parent' });
    await expect(
      lock.withLock(() => Promise.all([lock.withLock(() => undefined)])),
    ).rejects.toBeInstanceOf(DeadlockError);
  });

  it('Semaphore(1) taken twice by one task: the wait-for graph breaks it', async () => {
    enableFresh();
    const s = new Semaphore(1, { name: 's' });
    await expect(s.withLock(() => s.withLock(() => undefined))).rejects.toBeInstanceOf(
      DeadlockError,
    );
    expect(s.value).toBe(1);
  });

  it('Semaphore(2) taken twice by one task is fine (a permit was free)', async () => {
    enableFresh();
    const s = new Semaphore(2, { name: 's' });
    await s.withLock(() => s.withLock(() => undefined));
    expect(detector.deadlocks()).toEqual([]);
  });

  it('a waiter whose lock is held by a running task is not a deadlock', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const release = new Event();
    const holder = a.withLock(() => release.wait());
    const waiter = track(a.withLock(() => 'got it'));
    await settle();
    expect(waiter.state).toBe('pending');
    expect(detector.stats().blockedWaiters).toBe(1);
    release.set();
    await holder;
    await settle();
    expect(waiter.value).toBe('got it');
    expect(detector.deadlocks()).toEqual([]);
  });
});

describe('Semaphore and Condition', () => {
  it('plain Semaphore acquire … release() ends the detector’s record of the hold (no growth per acquisition)', async () => {
    enableFresh();
    const s = new Semaphore(3, { name: 's' });
    for (let i = 0; i < 1000; i++) {
      await s.acquire();
      s.release();
    }
    expect(detector.stats().holds).toBe(0);
    // release(n) ends as many plain holds; a hold in another task's frame is never taken for one.
    const done = new Event();
    const tracked = s.withLock(() => done.wait());
    await s.acquire();
    await s.acquire();
    expect(detector.stats().holds).toBe(3);
    s.release(2);
    expect(detector.stats().holds).toBe(1);
    done.set();
    await tracked;
    expect(detector.stats().holds).toBe(0);
  });

  it('a Semaphore held while taking a Lock gives an edge (and the reverse order is a cycle)', async () => {
    enableFresh();
    const pool = new Semaphore(3, { name: 'pool' });
    const a = new Lock({ name: 'a' });
    await pool.withLock(() => a.withLock(() => undefined));
    expect(edgeNames()).toEqual(['pool→a']);
    await expect(a.withLock(() => pool.withLock(() => undefined))).rejects.toBeInstanceOf(
      LockOrderError,
    );
    // 'throw' took nothing: every permit is still free, and nothing is held.
    expect(pool.value).toBe(3);
    expect(detector.stats().holds).toBe(0);
  });

  it('Condition.wait releases and re-takes its lock without a false edge', async () => {
    enableFresh();
    const outer = new Lock({ name: 'outer' });
    const cond = new Condition(new Lock({ name: 'cond' }));
    let ready = false;
    const consumer = outer.withLock(() =>
      cond.withLock(async () => {
        while (!ready) await cond.wait();
      }),
    );
    await settle();
    await cond.withLock(() => {
      ready = true;
      cond.notify();
    });
    await consumer;
    // Only the nesting that happened: outer → cond. Nothing from the re-acquire.
    expect(edgeNames()).toEqual(['outer→cond']);
    expect(detector.cycles()).toEqual([]);
    expect(detector.deadlocks()).toEqual([]);
  });

  it('Condition.wait: the re-acquire takes part in the wait-for graph', async () => {
    enableFresh({ onCycle: 'record' });
    const x = new Lock({ name: 'x' });
    const cond = new Condition(new Lock({ name: 'cond' }));
    const notified = gate();
    // T1 holds x, waits on cond (which releases cond's lock).
    const t1 = track(x.withLock(() => cond.withLock(() => cond.wait())));
    await settle();
    // T2 takes cond's lock, notifies (T1 now waits to re-take it), then asks for x: a real
    // deadlock.
    const t2 = track(
      cond.withLock(async () => {
        cond.notify();
        notified.open();
        await x.withLock(() => undefined);
      }),
    );
    await notified.promise;
    await settle();
    // T2 asks for x before T1's notified wait gets round to re-taking cond's lock, so T2 is still
    // waiting on a running task then; T1's re-acquire is the wait that closes the cycle, and the
    // one rejected. Had the re-acquire been invisible, both would hang here.
    expect(t1.state).toBe('rejected');
    expect(t1.error).toBeInstanceOf(DeadlockError);
    expect(new Set(cycleNames(detector.deadlocks()[0]!))).toEqual(new Set(['x', 'cond']));
    expect(t2.state).toBe('fulfilled');
    expect(x.locked || cond.locked).toBe(false);
  });
});

describe('inheritance and siblings under the detector', () => {
  /**
   * The parent takes A and starts a child that waits for B without awaiting it; X holds B and
   * asks for A. Nothing is stuck (the parent releases A once `release` is set), but a child that
   * inherited A looks to the wait-for graph like a blocked holder of A.
   */
  async function fireAndForget(
    start: (child: () => Promise<void>) => void,
  ): Promise<{ x: ReturnType<typeof track> }> {
    const [a, b] = ['A', 'B'].map((name) => new Lock({ name })) as [Lock, Lock];
    const xHasB = new Event();
    const childWaits = new Event();
    const release = new Event();
    const x = track(
      (async () => {
        using _b = await b.acquire();
        xHasB.set();
        await childWaits.wait();
        using _a = await a.acquire();
      })(),
    );
    await xHasB.wait();
    const parent = (async () => {
      using _a = await a.acquire();
      start(async () => {
        using _b = await b.acquire();
      });
      childWaits.set();
      await release.wait();
    })();
    await settle();
    release.set();
    await parent;
    await settle();
    return { x };
  }

  it('fire-and-forget work started inside a critical section inherits the hold: with deadlockGrace 0, a false DeadlockError (documented)', async () => {
    enableFresh({ onCycle: 'record', deadlockGrace: 0 });
    const { x } = await fireAndForget((child) => void child().catch(() => undefined));
    expect(x.error).toBeInstanceOf(DeadlockError);
  });

  it('with the default grace period the same cycle dissolves when the parent releases: no verdict, every task finishes', async () => {
    enableFresh({ onCycle: 'record', deadlockGrace: DEFAULT_DEADLOCK_GRACE });
    const { x } = await fireAndForget((child) => void child().catch(() => undefined));
    await settle();
    expect(x.state).toBe('fulfilled');
    expect(detector.deadlocks()).toEqual([]);
  });

  it('the same work started with detached() holds nothing: no deadlock, every task finishes', async () => {
    enableFresh({ onCycle: 'record' });
    const { x } = await fireAndForget((child) => void detached(child));
    expect(x.state).toBe('fulfilled');
    expect(detector.deadlocks()).toEqual([]);
  });

  it('siblings that take the same lock in turn never deadlock or order anything', async () => {
    enableFresh();
    const a = new Lock({ name: 'a' });
    const results: Guard[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        using guard = await a.acquire();
        results.push(guard);
        await settle();
      }),
    );
    expect(results).toHaveLength(3);
    expect(edgeNames()).toEqual([]);
    expect(detector.deadlocks()).toEqual([]);
  });
});

/* eslint-disable @interlock/condition-wait-in-loop, @interlock/no-floating-acquire,
   @interlock/no-unmanaged-acquire -- These tests exercise the primitives' raw protocol on purpose
   (unmanaged acquires, single waits, deliberate self-deadlocks): it is what they test. */
/**
 * The detector seam (src/internal/probe.ts), tested with a recording fake probe: the order of
 * calls for each acquisition style, a throwing beforeAcquire, and a waiter rejected by the probe.
 */
import {
  DeadlockError,
  type Hold as DetectorHold,
  type LockNode,
  type LockProbe,
  type WaitTicket,
} from '@interlock/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Condition, Lock, RLock, Semaphore } from '../src/index.ts';
import { setProbe } from '../src/internal/probe.ts';
import { Hold } from '../src/internal/task-context.ts';
import { settle, track } from './support/async.ts';

interface Recorder extends LockProbe {
  readonly calls: string[];
  /** The `blocking` argument of each beforeAcquire, in order. */
  readonly blocking: boolean[];
  readonly rejectors: ((error: DeadlockError) => void)[];
  /** The holds each waitStart was given. */
  readonly waiterHolds: (readonly DetectorHold[])[];
  throwOnBefore?: (lock: LockNode) => Error | undefined;
}

const count = (hold: DetectorHold): number | undefined =>
  hold instanceof Hold ? hold.count : undefined;

function recorder(): Recorder {
  const calls: string[] = [];
  const rejectors: ((error: DeadlockError) => void)[] = [];

  const waiterHolds: (readonly DetectorHold[])[] = [];
  const blocking: boolean[] = [];
  const self: Recorder = {
    calls,
    blocking,
    rejectors,
    waiterHolds,
    creationSite: () => ({ file: 'created-here.ts', line: 1, column: 1 }),
    beforeAcquire(held, lock, reentry, isBlocking = true) {
      blocking.push(isBlocking);
      calls.push(
        `before ${lock.name}${reentry ? ' reentry' : ''} holding [${held.map((h) => h.lock.name).join(',')}]`,
      );
      const error = self.throwOnBefore?.(lock);
      if (error) throw error;
      return undefined;
    },
    waitStart(held, lock, reject) {
      calls.push(`waiting ${lock.name}`);
      rejectors.push(reject);
      waiterHolds.push(held);
      return { lock, held } as unknown as WaitTicket;
    },
    waitEnd(ticket) {
      calls.push(`wait ended ${ticket.lock.name}`);
    },
    holdAcquired(hold) {
      calls.push(`acquired ${hold.lock.name} count=${count(hold)}`);
    },
    holdReleased(hold) {
      calls.push(`released ${hold.lock.name} live=${hold.live}`);
    },
  };
  return self;
}

afterEach(() => setProbe(undefined));

describe('probe seam', () => {
  it('uncontended `using`: before → acquired → released', async () => {
    const probe = recorder();
    setProbe(probe);
    const a = new Lock({ name: 'A' });
    {
      using _guard = await a.acquire();
    }
    expect(probe.calls).toEqual([
      'before A holding []',
      'acquired A count=1',
      'released A live=false',
    ]);
  });

  it('nested withLock: the inner acquire sees the outer hold in its frame', async () => {
    const probe = recorder();
    setProbe(probe);
    const a = new Lock({ name: 'A' });
    const b = new Lock({ name: 'B' });
    await a.withLock(() => b.withLock(() => undefined));
    expect(probe.calls).toEqual([
      'before A holding []',
      'acquired A count=1',
      'before B holding [A]',
      'acquired B count=1',
      'released B live=false',
      'released A live=false',
    ]);
  });

  it('contended acquire: before → waiting → (grant) wait ended → acquired', async () => {
    const probe = recorder();
    setProbe(probe);
    const a = new Lock({ name: 'A' });
    const holder = await a.acquire();
    probe.calls.length = 0;
    const waiter = track(a.acquire());
    expect(probe.calls).toEqual(['before A holding []', 'waiting A']);
    holder.release();
    expect(probe.calls).toEqual([
      'before A holding []',
      'waiting A',
      'released A live=false',
      'acquired A count=1',
      'wait ended A',
    ]);
    await settle();
    waiter.value?.release();
  });

  it('RLock re-entry is reported as reentry and takes no new hold', async () => {
    const probe = recorder();
    setProbe(probe);
    const r = new RLock({ name: 'R' });
    await r.withLock(async () => {
      using _again = await r.acquire();
    });
    expect(probe.calls).toEqual([
      'before R holding []',
      'acquired R count=1',
      'before R reentry holding [R]',
      'released R live=false',
    ]);
  });

  it('tryAcquire and plain release go through the same pair', () => {
    const probe = recorder();
    setProbe(probe);
    const s = new Semaphore(1, { name: 'S' });
    const guard = s.tryAcquire();
    guard?.release();
    expect(probe.calls).toEqual([
      'before S holding []',
      'acquired S count=1',
      'released S live=false',
    ]);
  });

  it('acquire({ timeout: 0 }) cannot wait, so the probe sees it as a try-acquire (blocking false)', async () => {
    const probe = recorder();
    setProbe(probe);
    for (const x of [new Lock(), new RLock(), new Semaphore(1)]) {
      probe.blocking.length = 0;
      const first = await x.acquire({ timeout: 0 }); // free: succeeds
      await x.acquire({ timeout: 0 }).catch(() => undefined); // held: gives up at once
      first.release();
      (await x.acquire({ timeout: 5 })).release();
      (await x.acquire()).release();
      expect(probe.blocking).toEqual([false, false, true, true]);
    }
  });

  it('a throwing beforeAcquire rejects the acquire and leaves the lock untouched (free and contended)', async () => {
    const probe = recorder();
    setProbe(probe);
    const a = new Lock({ name: 'A' });
    const failure = new Error('lock order');
    probe.throwOnBefore = () => failure;
    await expect(a.acquire()).rejects.toBe(failure);
    expect(() => a.tryAcquire()).toThrow(failure);
    expect(a.locked).toBe(false);
    probe.throwOnBefore = undefined;
    const holder = await a.acquire();
    probe.throwOnBefore = () => failure;
    await expect(a.acquire()).rejects.toBe(failure);
    await expect(new Semaphore(0).acquire()).rejects.toBe(failure);
    probe.throwOnBefore = undefined;
    holder.release();
    expect(a.locked).toBe(false); // no waiter had been queued
  });

  it("the probe's reject fails the waiter, dequeues it, and the lock stays consistent", async () => {
    const probe = recorder();
    setProbe(probe);
    const a = new Lock({ name: 'A' });
    const holder = await a.acquire();
    const doomed = track(a.acquire());
    const next = track(a.acquire());
    const deadlock = new DeadlockError({ locks: [], edges: [] });
    probe.rejectors[0]?.(deadlock);
    probe.rejectors[0]?.(new DeadlockError({ locks: [], edges: [] })); // ignored: already settled
    await settle();
    expect(doomed.error).toBe(deadlock);
    holder.release();
    await settle();
    expect(next.state).toBe('fulfilled');
    next.value?.release();
    expect(a.locked).toBe(false);
  });

  it('Condition.wait: released then re-acquired with the same hold; the waiter frame is kept', async () => {
    const probe = recorder();
    setProbe(probe);
    const cond = new Condition(new RLock({ name: 'C' }));
    const waiting = cond.withLock(() => cond.wait());
    await settle();
    await cond.withLock(() => cond.notify());
    await waiting;
    expect(probe.calls).toEqual([
      'before C holding []',
      'acquired C count=1',
      'released C live=false', // wait releases it
      'before C holding []', // the notifier
      'acquired C count=1',
      'waiting C', // notified: the waiter needs the lock back, the notifier still has it
      'released C live=false',
      'acquired C count=1', // the waiter's hold restored
      'wait ended C',
      'released C live=false',
    ]);
    // The restore waits with the waiter's own frame, which still lists its (suspended) hold.
    expect(probe.waiterHolds[0]?.map((h) => h.lock.name)).toEqual(['C']);
  });

  it("Condition.wait whose re-acquire the probe rejects: wait rejects without the lock, and its guard's release is a no-op", async () => {
    const probe = recorder();
    setProbe(probe);
    const cond = new Condition(new Lock({ name: 'C' }));
    const deadlock = new DeadlockError({ locks: [], edges: [] });
    let lockedInWaiter: boolean | undefined;
    const waiting = cond.withLock(async () => {
      await expect(cond.wait()).rejects.toBe(deadlock);
      lockedInWaiter = cond.locked; // held by the notifier, not by us
    });
    await settle();
    const notifier = await cond.acquire();
    cond.notify();
    await settle(); // the waiter now queues to re-acquire the lock
    probe.rejectors.at(-1)?.(deadlock);
    await waiting; // withLock's release must not release the notifier's hold
    expect(lockedInWaiter).toBe(true);
    expect(cond.locked).toBe(true);
    notifier.release();
    expect(cond.locked).toBe(false);
  });

  it('locks capture a creation site only while a probe is installed', () => {
    const before = new Lock({ name: 'before' }); // built with no probe installed
    const probe = recorder();
    setProbe(probe);
    const after = new Lock({ name: 'after' });
    const sites = new Map<string, unknown>();
    probe.throwOnBefore = (lock) => {
      sites.set(lock.name, lock.site);
      return undefined;
    };
    before.tryAcquire();
    after.tryAcquire();
    expect(sites.has('before')).toBe(true);
    expect(sites.get('before')).toBeUndefined();
    const afterSite = sites.get('after') as { file?: unknown; line?: unknown } | undefined;
    expect(typeof afterSite?.file).toBe('string');
    expect(typeof afterSite?.line).toBe('number');
  });
});

/* eslint-disable @interlock/condition-wait-in-loop -- These tests exercise the primitives' raw
   protocol on purpose (unmanaged acquires, single waits, deliberate self-deadlocks): it is what
   they test. */
/**
 * CPython's BaseLockTests.test_weakref_exists / test_weakref_deleted, for every primitive: a
 * primitive nothing refers to any more is garbage-collected — also after waits that were granted,
 * aborted or timed out while their signal (kept alive by the caller) and their timer could still
 * point at it. A timer or abort listener left behind by a settled waiter would keep the primitive
 * alive, and these tests would see it. GC is forced with `gc()`, exposed at run time through V8
 * flags, and awaited by polling a bounded number of turns (finalisation runs between turns).
 * The detector is off here (it has its own GC test: detector-gc.test.ts).
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { Barrier, Condition, Event, Lock, Queue, RLock, Semaphore } from '../src/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Collect until `ref` is cleared. `deref()` keeps its target alive to the end of the current job,
 * so each turn first yields (ending the job that last dereferenced it), then collects, then looks.
 */
async function collected(ref: WeakRef<object>, turns = 50): Promise<boolean> {
  for (let turn = 0; turn < turns; turn++) {
    await realImmediate();
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

// Signals outlive the primitives on purpose: a listener left on one would keep its primitive alive.
const signals: AbortController[] = [];
afterEach(() => {
  signals.length = 0;
});

function longLivedSignal(): AbortController {
  const controller = new AbortController();
  signals.push(controller);
  return controller;
}

/** Every way a wait can end, on a lock-like primitive; returns a weak reference to it. */
async function exerciseLock(
  make: () => Lock | RLock | Semaphore | Condition,
): Promise<WeakRef<object>> {
  const primitive = make();
  const holder = await primitive.acquire();
  const granted = primitive.acquire({ timeout: 60_000, signal: longLivedSignal().signal });
  const aborting = longLivedSignal();
  const aborted = primitive
    .acquire({ timeout: 60_000, signal: aborting.signal })
    .catch((error: unknown) => error);
  const timedOut = primitive.acquire({ timeout: 0 }).catch((error: unknown) => error);
  aborting.abort(new Error('cancelled'));
  holder.release();
  (await granted).release();
  await Promise.all([aborted, timedOut]);
  await primitive.withLock(() => undefined);
  expect(primitive.locked).toBe(false);
  return new WeakRef(primitive);
}

describe('BaseLockTests.test_weakref_exists / test_weakref_deleted', () => {
  it('a referenced primitive stays reachable through a WeakRef', async () => {
    const lock = new Lock();
    const ref = new WeakRef(lock);
    gc();
    await realImmediate();
    expect(ref.deref()).toBe(lock);
  });

  for (const [name, make] of [
    ['Lock', () => new Lock()],
    ['RLock', () => new RLock()],
    ['Semaphore', () => new Semaphore(1)],
    ['Condition', () => new Condition()],
  ] as const) {
    it(`${name}: collected once unreferenced, after granted, aborted and timed-out waits`, async () => {
      const ref = await exerciseLock(make);
      expect(await collected(ref)).toBe(true);
    });
  }

  it('Event, Condition.wait, Barrier and Queue: collected after waits that were granted and aborted', async () => {
    const refs = await (async () => {
      const event = new Event();
      const eventWait = event.wait({ timeout: 60_000, signal: longLivedSignal().signal });
      event.set();
      await eventWait;

      const cond = new Condition();
      const notified = cond.withLock(() =>
        cond.wait({ timeout: 60_000, signal: longLivedSignal().signal }),
      );
      await cond.withLock(async () => {
        expect(await cond.wait({ timeout: 0 })).toBe(false);
        cond.notifyAll();
      });
      expect(await notified).toBe(true);

      const barrier = new Barrier(2, { timeout: 60_000 });
      await Promise.all([barrier.wait({ signal: longLivedSignal().signal }), barrier.wait()]);

      const queue = new Queue<string>(1);
      const getting = queue.get({ timeout: 60_000, signal: longLivedSignal().signal });
      await queue.put('a');
      await getting;
      const aborting = longLivedSignal();
      await queue.put('b');
      const putting = queue
        .put('c', { timeout: 60_000, signal: aborting.signal })
        .catch((error: unknown) => error);
      aborting.abort(new Error('cancelled'));
      await putting;
      return [new WeakRef(event), new WeakRef(cond), new WeakRef(barrier), new WeakRef(queue)];
    })();
    for (const ref of refs) expect(await collected(ref)).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  detector,
  Event,
  Lock,
  LockPoisonedError,
  RLock,
  Semaphore,
} from '../../src/threads/index.ts';
import { currentDomain } from '../../src/threads/shared-memory.ts';
import type { ThreadHandle } from '../../src/threads/index.ts';
import { startWorker, workerTestTimeout, type Started } from './support/workers.ts';

/** Warnings emitted in this thread while `fn` runs. */
async function warningsDuring(fn: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error): void => void seen.push(warning);
  process.on('warning', listener);
  try {
    await fn();
    // 'warning' events are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

/**
 * Starts a worker that takes `handle`'s lock (or `times` permits, `giveBack` of them released
 * again) and then hangs; resolves once it holds them.
 */
async function holdAndHang(
  handle: ThreadHandle,
  permits?: { times: number; giveBack: number },
): Promise<Started> {
  const held = new Event();
  const holder = startWorker('hold-and-hang', { lock: handle, held: held.handle, ...permits });
  expect(await held.waitAsync({ timeout: workerTestTimeout })).toBe(true);
  return holder;
}

describe('a worker terminated while holding a lock', { timeout: workerTestTimeout }, () => {
  afterEach(() => {
    detector.disable();
    detector.reset();
  });

  it('is reported with the lock and the site where it was taken, and the lock is poisoned: a blocked waiter wakes with LockPoisonedError', async () => {
    detector.enable({ onCycle: 'record' });
    const lock = new Lock({ name: 'ledger' });
    const held = new Event();
    const holder = startWorker('hold-and-hang', { lock: lock.handle, held: held.handle });
    const thread = holder.worker.threadId;
    expect(await held.waitAsync({ timeout: workerTestTimeout })).toBe(true);
    // A second worker blocks in acquire() behind the doomed holder.
    const waiter = startWorker('hold-and-exit', {
      role: 'waiter',
      how: 'return',
      lock: lock.handle,
      held: held.handle,
    });
    const warnings = await warningsDuring(async () => {
      await holder.worker.terminate();
    });
    await waiter.exited;
    expect(waiter.messages).toEqual([
      { poisoned: true, code: 'ERR_INTERLOCK_LOCK_POISONED', thread },
    ]);
    const reported = warnings.filter(
      (warning) => (warning as { code?: string }).code === 'ERR_INTERLOCK_OWNER_EXITED',
    );
    expect(reported).toHaveLength(1);
    expect(reported[0]!.message).toMatch(
      new RegExp(
        `^Thread ${thread} was terminated holding Lock ledger taken at .*hold-and-hang\\.ts:\\d+:\\d+`,
      ),
    );
    expect(lock.poisoned).toBe(true);
    const refused = await lock.acquireAsync().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LockPoisonedError);
    const poison = (refused as LockPoisonedError).poison;
    expect(poison?.thread).toBe(thread);
    expect(poison?.site).toMatch(/hold-and-hang\.ts:\d+:\d+$/);
    expect(lock.clearPoison()).toBe(true);
    using guard = lock.tryAcquire();
    expect(guard).toBeDefined();
  });

  it('an RLock is poisoned the same way, also with the detector off (then without a site)', async () => {
    const lock = new RLock({ name: 'r' });
    const other = new Lock({ name: 'untouched' });
    const holder = await holdAndHang(lock.handle);
    const thread = holder.worker.threadId;
    const warnings = await warningsDuring(async () => {
      await holder.worker.terminate();
    });
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(new RegExp(`^Thread ${thread} was terminated holding RLock r;`)),
    ]);
    expect(() => lock.tryAcquire()).toThrow(LockPoisonedError);
    // Only what the dead thread owned.
    expect(other.poisoned).toBe(false);
    using guard = other.tryAcquire();
    expect(guard).toBeDefined();
  });

  it('semaphore permits it held are reported with the count and the site; they stay taken, and permits it gave back are not', async () => {
    detector.enable({ onCycle: 'record' });
    const slots = new Semaphore(5, { name: 'slots' });
    const spare = new Semaphore(2, { name: 'spare' });
    const holder = await holdAndHang(slots.handle, { times: 3, giveBack: 1 });
    const thread = holder.worker.threadId;
    expect(slots.value).toBe(3);
    const warnings = await warningsDuring(async () => {
      await holder.worker.terminate();
    });
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Thread ${thread} was terminated holding 2 permits of Semaphore slots taken at .*hold-and-hang\\.ts:\\d+:\\d+; they stay taken`,
        ),
      ),
    ]);
    expect((warnings[0] as { code?: string }).code).toBe('ERR_INTERLOCK_OWNER_EXITED');
    // Not owned, so not poisoned: any thread may still release them.
    expect(slots.value).toBe(3);
    slots.release(2);
    expect(slots.value).toBe(5);
    expect(spare.value).toBe(2);
  });

  it('a worker that ends normally holding a permit reports it itself, and only once', async () => {
    const slots = new Semaphore(2, { name: 'once' });
    const held = new Event();
    const holder = startWorker('hold-and-exit', {
      role: 'holder',
      how: 'return',
      lock: slots.handle,
      held: held.handle,
    });
    const warnings = await warningsDuring(async () => {
      await holder.exited;
    });
    // The worker's own exit handler reported it (in the worker, and in the shared log); the
    // creator's check for terminated workers finds its record empty.
    expect(warnings).toEqual([]);
    const reports = currentDomain()
      .readRecords(0)
      .records.filter(
        (record) =>
          (record as { type?: string; index?: number }).type === 'owner-exited' &&
          (record as { index?: number }).index === slots.handle.index,
      );
    expect(reports).toEqual([expect.objectContaining({ kind: 'Semaphore', name: 'once' })]);
    expect(slots.value).toBe(1);
  });

  it('a semaphore whose permits the worker all gave back is not reported, with the detector off', async () => {
    const slots = new Semaphore(2, { name: 'returned' });
    const holder = await holdAndHang(slots.handle, { times: 2, giveBack: 2 });
    const warnings = await warningsDuring(async () => {
      await holder.worker.terminate();
    });
    expect(warnings).toEqual([]);
    expect(slots.value).toBe(2);
  });

  it('a lock the worker released before it was terminated is left alone', async () => {
    const lock = new Lock({ name: 'released' });
    const holder = await holdAndHang(lock.handle);
    // Any thread may release a Lock: the main thread does, for the worker.
    lock.release();
    const warnings = await warningsDuring(async () => {
      await holder.worker.terminate();
    });
    expect(warnings).toEqual([]);
    expect(lock.poisoned).toBe(false);
  });
});

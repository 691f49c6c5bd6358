/** Contract suite for Event: CPython's EventTests in async form. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Event } from '../../src/index.ts';
import { settle, track, type ContractHooks } from '../support/async.ts';

export function describeEventContract(label: string, hooks: ContractHooks = {}): void {
  describe(`event contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    it('EventTests.test_is_set: set and clear are idempotent and isSet reports the flag', () => {
      const event = new Event();
      expect(event.isSet()).toBe(false);
      event.set();
      expect(event.isSet()).toBe(true);
      event.set();
      expect(event.isSet()).toBe(true);
      event.clear();
      expect(event.isSet()).toBe(false);
      event.clear();
      expect(event.isSet()).toBe(false);
    });

    async function checkNotify(event: Event): Promise<void> {
      const first: boolean[] = [];
      const second: boolean[] = [];
      const tasks = Array.from({ length: 5 }, async () => {
        first.push(await event.wait());
        second.push(await event.wait());
      });
      await settle();
      expect(first).toEqual([]);
      event.set();
      await Promise.all(tasks);
      expect(first).toEqual(new Array<unknown>(5).fill(true));
      expect(second).toEqual(new Array<unknown>(5).fill(true));
    }

    it('EventTests.test_notify: set wakes every waiter, before and after an explicit clear', async () => {
      const event = new Event();
      await checkNotify(event);
      event.set();
      event.clear();
      await checkNotify(event);
    });

    it('EventTests.test_timeout: waits time out with false while unset, and return true at once when set', async () => {
      vi.useFakeTimers();
      try {
        const event = new Event();
        const immediate = await Promise.all(
          Array.from({ length: 5 }, () => event.wait({ timeout: 0 })),
        );
        expect(immediate).toEqual(new Array<unknown>(5).fill(false));
        const waits = Array.from({ length: 5 }, () => track(event.wait({ timeout: 500 })));
        await vi.advanceTimersByTimeAsync(499);
        expect(waits.map((w) => w.state)).toEqual(new Array<unknown>(5).fill('pending'));
        await vi.advanceTimersByTimeAsync(1);
        expect(waits.map((w) => w.value)).toEqual(new Array<unknown>(5).fill(false));
        event.set();
        expect(
          await Promise.all(Array.from({ length: 5 }, () => event.wait({ timeout: 0 }))),
        ).toEqual(new Array<unknown>(5).fill(true));
        expect(
          await Promise.all(Array.from({ length: 5 }, () => event.wait({ timeout: 500 }))),
        ).toEqual(new Array<unknown>(5).fill(true));
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('EventTests.test_set_and_clear: waiters woken by set() return true even if clear() follows at once', async () => {
      vi.useFakeTimers();
      try {
        const event = new Event();
        const waits = Array.from({ length: 5 }, () => event.wait({ timeout: 1000 }));
        await vi.advanceTimersByTimeAsync(500);
        event.set();
        event.clear();
        expect(await Promise.all(waits)).toEqual(new Array<unknown>(5).fill(true));
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('Event.wait with an aborted signal rejects with its reason; a later set() does not resurrect it', async () => {
      const event = new Event();
      const controller = new AbortController();
      const waiting = track(event.wait({ signal: controller.signal }));
      const reason = new Error('stop');
      controller.abort(reason);
      await settle();
      expect(waiting.error).toBe(reason);
      event.set();
      await settle();
      expect(waiting.state).toBe('rejected');
      await expect(event.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    });
  });
}

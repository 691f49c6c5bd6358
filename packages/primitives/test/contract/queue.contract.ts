/** Contract suite for Queue (Python's queue.Queue; CPython's test_queue.py in spirit). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Queue, QueueEmptyError, QueueFullError, TimeoutError } from '../../src/index.ts';
import { settle, track, type ContractHooks } from '../support/async.ts';
import { argumentError } from '@interlock/core';

export function describeQueueContract(label: string, hooks: ContractHooks = {}): void {
  describe(`queue contract (${label})`, () => {
    if (hooks.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks.afterEach) afterEach(hooks.afterEach);

    it('Queue: items come out in the order they went in; qsize/empty/full follow', async () => {
      const queue = new Queue<number>(3);
      expect(queue.empty()).toBe(true);
      await queue.put(1);
      queue.putNowait(2);
      await queue.put(3);
      expect(queue.qsize()).toBe(3);
      expect(queue.full()).toBe(true);
      expect(() => queue.putNowait(4)).toThrow(QueueFullError);
      expect(await queue.get()).toBe(1);
      expect(queue.getNowait()).toBe(2);
      expect(await queue.get()).toBe(3);
      expect(() => queue.getNowait()).toThrow(QueueEmptyError);
      expect(queue.empty()).toBe(true);
    });

    it('Queue: an unbounded queue is never full', () => {
      const queue = new Queue<number>();
      for (let i = 0; i < 10_000; i += 1) queue.putNowait(i);
      expect(queue.full()).toBe(false);
      expect(queue.qsize()).toBe(10_000);
      for (let i = 0; i < 10_000; i += 1) expect(queue.getNowait()).toBe(i);
    });

    it('Queue: get waits for a put; waiting getters are served in arrival order', async () => {
      const queue = new Queue<string>();
      const first = track(queue.get());
      const second = track(queue.get());
      await settle();
      expect(first.state).toBe('pending');
      await queue.put('a');
      await queue.put('b');
      await settle();
      expect([first.value, second.value]).toEqual(['a', 'b']);
      expect(queue.qsize()).toBe(0);
    });

    it('Queue: put waits while full and lands in order once a slot opens', async () => {
      const queue = new Queue<number>(1);
      await queue.put(1);
      const blocked = track(queue.put(2));
      await settle();
      expect(blocked.state).toBe('pending');
      expect(await queue.get()).toBe(1);
      await settle();
      expect(blocked.state).toBe('fulfilled');
      expect(queue.getNowait()).toBe(2);
    });

    it('Queue: timed-out or aborted get/put take nothing and add nothing', async () => {
      vi.useFakeTimers();
      try {
        const queue = new Queue<number>(1);
        const get = track(queue.get({ timeout: 100 }));
        await vi.advanceTimersByTimeAsync(100);
        expect(get.error).toBeInstanceOf(TimeoutError);
        expect((get.error as TimeoutError).code).toBe('ERR_INTERLOCK_QUEUE_TIMEOUT');
        await queue.put(1);
        const put = track(queue.put(2, { timeout: 100 }));
        await vi.advanceTimersByTimeAsync(100);
        expect(put.error).toBeInstanceOf(TimeoutError);
        const controller = new AbortController();
        const aborted = track(queue.put(3, { signal: controller.signal }));
        controller.abort(new Error('stop'));
        await settle();
        expect((aborted.error as Error).message).toBe('stop');
        expect(queue.getNowait()).toBe(1);
        expect(queue.empty()).toBe(true);
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('Queue: a getter aborted in the same tick as a put loses nothing (the item goes to the next getter or stays)', async () => {
      const queue = new Queue<string>();
      const controller = new AbortController();
      const aborted = track(queue.get({ signal: controller.signal }));
      const next = track(queue.get());
      controller.abort(new Error('stop'));
      queue.putNowait('a');
      queue.putNowait('b');
      await settle();
      expect(aborted.state).toBe('rejected');
      expect(next.value).toBe('a');
      expect(queue.getNowait()).toBe('b');
    });

    it('Queue: a getter granted before its abort keeps the item', async () => {
      const queue = new Queue<string>();
      const controller = new AbortController();
      const granted = track(queue.get({ signal: controller.signal }));
      queue.putNowait('a');
      controller.abort(new Error('too late'));
      await settle();
      expect(granted.value).toBe('a');
      expect(queue.empty()).toBe(true);
    });

    it('Queue: a putter aborted in the same tick as a get never adds its item; the next putter gets the slot', async () => {
      const queue = new Queue<string>(1);
      queue.putNowait('a');
      const controller = new AbortController();
      const aborted = track(queue.put('x', { signal: controller.signal }));
      const next = track(queue.put('b'));
      controller.abort(new Error('stop'));
      expect(queue.getNowait()).toBe('a');
      await settle();
      expect(aborted.state).toBe('rejected');
      expect(next.state).toBe('fulfilled');
      expect(queue.getNowait()).toBe('b');
      expect(queue.empty()).toBe(true);
    });

    it('Queue: join waits until taskDone was called for every item put', async () => {
      const queue = new Queue<number>();
      await queue.join();
      await queue.put(1);
      await queue.put(2);
      const joined = track(queue.join());
      await queue.get();
      queue.taskDone();
      await settle();
      expect(joined.state).toBe('pending');
      await queue.get();
      queue.taskDone();
      await settle();
      expect(joined.state).toBe('fulfilled');
      expect(() => queue.taskDone()).toThrow(RangeError);
    });

    it('Queue: a negative or fractional maxsize is a RangeError', () => {
      expect(() => new Queue(-1)).toThrow(
        argumentError('range', 'Expected `maxsize` to be a non-negative integer, got -1'),
      );
      expect(() => new Queue(1.5)).toThrow(RangeError);
    });
  });
}

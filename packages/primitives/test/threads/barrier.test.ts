import { describe, expect, it } from 'vitest';
import { Barrier, BrokenBarrierError } from '../../src/threads/index.ts';
import { joinAll, startWorkers, workerTestTimeout } from './support/workers.ts';

describe('Barrier across threads', { timeout: workerTestTimeout }, () => {
  it('phases: nobody passes a phase before everyone reached it; indexes are 0…n−1 each pass; the action runs once per pass', async () => {
    const workers = 4;
    const phases = 50;
    const barrier = new Barrier(workers, { name: 'phase' });
    const cells = new Int32Array(new SharedArrayBuffer(4 * (1 + workers * phases)));
    const results = (
      await joinAll(
        startWorkers('phases', workers, (id) => ({
          id,
          workers,
          phases,
          barrier: barrier.handle,
          cells: cells.buffer,
        })),
      )
    ).map((messages) => messages[0] as { indexes: number[]; early: number });
    expect(results.map((result) => result.early)).toEqual([0, 0, 0, 0]);
    for (let phase = 0; phase < phases; phase++) {
      expect(results.map((result) => result.indexes[phase]).sort()).toEqual([0, 1, 2, 3]);
    }
    expect(cells[0]).toBe(phases);
  });

  it('a timed-out async wait breaks the barrier for everyone until reset()', async () => {
    const barrier = new Barrier(3);
    const other = barrier.waitAsync();
    await expect(barrier.waitAsync({ timeout: 20 })).rejects.toThrow(BrokenBarrierError);
    await expect(other).rejects.toThrow(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const two = new Barrier(2);
    expect((await Promise.all([two.waitAsync(), two.waitAsync()])).sort()).toEqual([0, 1]);
  });

  it('an aborted async wait breaks it and rejects with the reason', async () => {
    const barrier = new Barrier(2);
    const controller = new AbortController();
    const waiting = barrier.waitAsync({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(barrier.broken).toBe(true);
  });
});

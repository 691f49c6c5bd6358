import { describe, expect, it } from 'vitest';
import { Barrier, Lock } from '../../src/threads/index.ts';
import { joinAll, startWorkers, workerTestTimeout } from './support/workers.ts';

async function run(mode: 'locked' | 'racy', workers: number, iterations: number): Promise<number> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const lock = new Lock({ name: 'counter' });
  const barrier = new Barrier(workers, { name: 'start' });
  await joinAll(
    startWorkers('counter', workers, () => ({
      mode,
      counter: counter.buffer,
      iterations,
      lock: lock.handle,
      barrier: barrier.handle,
    })),
  );
  return counter[0]!;
}

describe('the counter race across real threads', { timeout: workerTestTimeout }, () => {
  it('N workers × M non-atomic increments under a Lock equal N×M exactly', async () => {
    expect(await run('locked', 4, 20_000)).toBe(80_000);
  });

  it('without the lock, increments are lost: interleaved read/write leaves exactly M of N×M', async () => {
    expect(await run('racy', 4, 200)).toBe(200);
  });
});

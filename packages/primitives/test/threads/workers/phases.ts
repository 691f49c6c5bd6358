// Barrier phases: in each phase a worker marks its cell, waits at the barrier, then checks that
// every cell of the phase is marked. The action (run by the last arrival) counts passes.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier } from '../../../src/threads/index.ts';
import type { ThreadHandle } from '../../../src/threads/index.ts';

const data = workerData as {
  id: number;
  workers: number;
  phases: number;
  barrier: ThreadHandle;
  cells: SharedArrayBuffer;
};
// [0] passes counted by the action, then phases × workers
const cells = new Int32Array(data.cells);
const barrier = Barrier.from(data.barrier, { action: () => Atomics.add(cells, 0, 1) });
const indexes: number[] = [];
let early = 0;
for (let phase = 0; phase < data.phases; phase++) {
  Atomics.store(cells, 1 + phase * data.workers + data.id, 1);
  indexes.push(barrier.wait());
  for (let other = 0; other < data.workers; other++)
    if (Atomics.load(cells, 1 + phase * data.workers + other) !== 1) early++;
}
parentPort!.postMessage({ indexes, early });

// The seed's bounded buffer across threads: producers put distinct items into a shared ring
// under one Lock with two Conditions; consumers take until every item is taken, and post what
// they took.
import { parentPort, workerData } from 'node:worker_threads';
import { Condition } from '../../../src/threads/index.ts';
import type { ConditionHandle } from '../../../src/threads/index.ts';

const data = workerData as {
  role: 'producer' | 'consumer';
  first: number;
  count: number;
  total: number;
  notFull: ConditionHandle;
  notEmpty: ConditionHandle;
  /** [0] head, [1] size, [2] taken so far, [3…3+capacity) ring */
  ring: SharedArrayBuffer;
  capacity: number;
  useAsync: boolean;
};
const ring = new Int32Array(data.ring);
const notFull = Condition.from(data.notFull);
const notEmpty = Condition.from(data.notEmpty);
const { capacity } = data;

if (data.role === 'producer') {
  for (let item = data.first; item < data.first + data.count; item++) {
    using _guard = notFull.acquire();
    notFull.waitFor(() => ring[1]! < capacity);
    ring[3 + ((ring[0]! + ring[1]!) % capacity)] = item;
    ring[1] = ring[1]! + 1;
    notEmpty.notify();
  }
} else {
  const taken: number[] = [];
  for (;;) {
    using _guard = notEmpty.acquire();
    const more = notEmpty.waitFor(() => ring[1]! > 0 || ring[2]! === data.total);
    if (ring[1] === 0 && ring[2] === data.total) {
      notEmpty.notifyAll(); // let the other consumers see the end too
      break;
    }
    if (!more) continue;
    taken.push(ring[3 + ring[0]!]!);
    ring[0] = (ring[0]! + 1) % capacity;
    ring[1] = ring[1]! - 1;
    ring[2] = ring[2]! + 1;
    notFull.notify();
    if (ring[2] === data.total) notEmpty.notifyAll();
  }
  parentPort!.postMessage(taken);
}

/* eslint-disable @interlock/consistent-lock-order -- These tests build lock-order cycles for the
   detector to judge: it is what they test. */
/**
 * Issue 8, item 8 (lock-order side): work started inside a critical section and not awaited
 * inherits the holder's holds, so its acquisitions are ordered after the holder's locks. Such an
 * edge is kept (with both sites) but marked doubtful when the request is not seen to act for the
 * holder (V8's async stack trace at the request shows neither the holder nor a function it
 * awaits), and a cycle through a doubtful edge is reported — warned, `doubtful: true` in the
 * report — but never thrown, so a later legitimate reverse order does not fail a correct program.
 * Awaited work (`await child()`, `Promise.all`) is still thrown under the default 'throw'.
 */
import { EventEmitterAsyncResource } from 'node:events';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { detector, Lock, LockOrderError } from '../src/index.ts';
import { gate, settle } from './support/async.ts';
import { cycleNames, disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

let warnings: unknown[] = [];
let a: Lock;
let b: Lock;

beforeEach(() => {
  warnings = [];
  enableFresh({ onWarning: (warning) => void warnings.push(warning) }); // onCycle: 'throw'
  a = new Lock({ name: 'a' });
  b = new Lock({ name: 'b' });
});

/** The legitimate reverse order, later, by an unrelated task: b then a. */
async function reverseOrder(): Promise<void> {
  using _b = await b.acquire();
  using _a = await a.acquire();
}

/** Takes b (as the work started inside a's critical section does). */
async function takeB(): Promise<void> {
  using _b = await b.acquire();
}

/** Holds a while fire-and-forget work (nobody awaits it) takes b; releases a once it has. */
async function fireAndForgetUnderA(): Promise<void> {
  const childDone = gate();
  await a.withLock(async () => {
    void (async () => {
      await Promise.resolve(); // nobody awaits this work
      await takeB();
      childDone.open();
    })();
    await childDone.promise; // a is still held while the child takes b
  });
}

function expectDoubtfulCycle(): void {
  expect(detector.cycles()).toHaveLength(1);
  expect(detector.cycles()[0]!.doubtful).toBe(true);
  expect(new Set(cycleNames(detector.cycles()[0]!))).toEqual(new Set(['a', 'b']));
  const reported = warnings.filter((warning) => warning instanceof LockOrderError);
  expect(reported).toHaveLength(1);
  expect((reported[0] as LockOrderError).cycle.doubtful).toBe(true);
  expect(detector.snapshot().cycles[0]!.doubtful).toBe(true);
}

describe('work not awaited by the holder: the edge is doubtful, the reverse order is not refused', () => {
  it('a fire-and-forget child', async () => {
    const childDone = gate();
    {
      using _a = await a.acquire();
      void (async () => {
        await Promise.resolve(); // nobody awaits this work
        await takeB();
        childDone.open();
      })();
      await childDone.promise; // a is still held while the child takes b
    }
    await expect(reverseOrder()).resolves.toBeUndefined();
    expectDoubtfulCycle();
    // The edge is kept, with both sites.
    const edge = detector
      .snapshot()
      .edges.find(
        (entry) => entry.from === detector.snapshot().locks.find((lock) => lock.name === 'a')!.id,
      );
    expect(edge?.holder).toBeDefined();
    expect(edge?.acquirer).toBeDefined();
  });

  it("a stream 'data' handler attached inside the critical section", async () => {
    const stream = new PassThrough({ objectMode: true });
    const handled = gate();
    await a.withLock(async () => {
      stream.on('data', () => {
        void takeB().then(() => handled.open());
      });
      await settle();
      stream.write('row');
      await handled.promise;
    });
    await expect(reverseOrder()).resolves.toBeUndefined();
    expectDoubtfulCycle();
  });

  it('an EventEmitterAsyncResource created inside the critical section', async () => {
    const handled = gate();
    let emitter: EventEmitterAsyncResource | undefined;
    await a.withLock(async () => {
      emitter = new EventEmitterAsyncResource({ name: 'jobs' });
      emitter.on('job', () => {
        void takeB().then(() => handled.open());
      });
      setImmediate(() => emitter!.emit('job'));
      await handled.promise;
    });
    await expect(reverseOrder()).resolves.toBeUndefined();
    expectDoubtfulCycle();
  });

  it('repeating the doubtful cycle never throws and reports it once', async () => {
    for (let round = 0; round < 3; round++) {
      await fireAndForgetUnderA();
      await reverseOrder();
    }
    expectDoubtfulCycle();
  });
});

describe('work the holder awaits: the edge is certain, the reverse order is refused', () => {
  it('await child() — the child asks after its first await', async () => {
    await a.withLock(async () => {
      await (async () => {
        await Promise.resolve();
        await takeB();
      })();
    });
    await expect(reverseOrder()).rejects.toBeInstanceOf(LockOrderError);
    expect(detector.cycles()[0]!.doubtful).toBeUndefined();
  });

  it('await child() — the child asks first thing (a call the holder made)', async () => {
    {
      using _a = await a.acquire();
      await takeB();
    }
    await expect(reverseOrder()).rejects.toBeInstanceOf(LockOrderError);
  });

  it('Promise.all([child(), child()])', async () => {
    const c = new Lock({ name: 'c' });
    await a.withLock(() =>
      Promise.all([
        (async () => {
          await Promise.resolve();
          await takeB();
        })(),
        (async () => {
          await Promise.resolve();
          using _c = await c.acquire();
        })(),
      ]),
    );
    await expect(reverseOrder()).rejects.toBeInstanceOf(LockOrderError);
    expect(detector.cycles()[0]!.doubtful).toBeUndefined();
  });

  it('a doubtful edge becomes certain once the holder itself nests the same pair', async () => {
    await fireAndForgetUnderA();
    await reverseOrder(); // doubtful: reported, not thrown
    expect(detector.cycles()[0]!.doubtful).toBe(true);
    await a.withLock(async () => {
      await Promise.resolve();
      await takeB(); // awaited by the holder: the edge a → b is certain now
    });
    await expect(reverseOrder()).rejects.toBeInstanceOf(LockOrderError);
    expect(detector.cycles()).toHaveLength(1);
    expect(detector.cycles()[0]!.doubtful).toBeUndefined(); // the record was upgraded
  });
});

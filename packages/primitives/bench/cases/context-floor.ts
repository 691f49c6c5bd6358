/**
 * Issue 3, item 9 after issue 8: the floor under "detection on vs off" for the event-loop
 * primitives. With the detector on, a hold must enter its task's AsyncLocalStorage frame, so that
 * a nested acquisition in that task (and work it forks) is ordered after it while sibling tasks
 * are not; with the detector off, a `Lock` or `Semaphore` hold enters no frame (issue 8, item 9).
 * Entering a frame is Node's `enterWith`: a new AsyncContextFrame (a Map copied from the current
 * one) per call, whatever the store is; once the task's frame is not empty (after its first
 * claim) every entry copies a non-empty one, the dearer kind. These cases measure that alone,
 * with nothing of interlock in them: a free acquire (`await` of a resolved promise) that enters
 * one frame per acquisition, the way a `using` guard's claim does, against the same acquire
 * entering none.
 *
 * - "using + one frame": `using g = await ready` whose `[Symbol.dispose]` getter enters one frame
 *   (what `ClaimingGuard` does) vs a plain prototype method (what `HoldGuard` does).
 * - "callback + one frame": an async function that awaits a resolved promise, enters one frame and
 *   calls the callback (what `withLock` does) vs the same without the frame.
 *
 * If these ratios are near or above a target, no tracker that gives each hold a frame of its own
 * can meet that target against an untracked acquire, however cheap the rest is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { BenchCase, Subject } from '../harness.ts';
import { noop } from './load.ts';

/** A store of its own: the primitives' frames are not touched. Exported for the cases' test. */
export const floorContext = new AsyncLocalStorage<object>();

class Untracked implements Disposable {
  [Symbol.dispose](): void {}
}

function disposeNothing(): void {}

/** Enters one frame when `using` reads its dispose method, like a claiming guard. */
class EntersFrame {
  static {
    Object.defineProperty(EntersFrame.prototype, Symbol.dispose, {
      get(this: EntersFrame): () => void {
        floorContext.enterWith({ held: this });
        return disposeNothing;
      },
      configurable: true,
    });
  }
}

/** What the callback cases await: an already-resolved promise (a free acquire). */
const ready: Promise<void> = Promise.resolve();

const usingEntersFrame: Subject = {
  label: 'using g = await ready (dispose getter entering one frame)',
  async run(ops) {
    for (let i = 0; i < ops; i++) {
      // A fresh guard per acquisition, as a real acquire gives.
      using _guard = await (Promise.resolve(new EntersFrame()) as Promise<Disposable>);
    }
  },
};

const usingUntracked: Subject = {
  label: 'using g = await ready (plain dispose method, no frame)',
  async run(ops) {
    for (let i = 0; i < ops; i++) {
      using _guard = await Promise.resolve(new Untracked());
    }
  },
};

async function callbackUntracked(fn: () => void): Promise<void> {
  await ready;
  fn();
}

async function callbackEntersFrame(fn: () => void): Promise<void> {
  await ready;
  floorContext.enterWith({ held: fn });
  fn();
}

export function contextFloorCases(): BenchCase[] {
  return [
    {
      name: 'context floor: using + one frame',
      measures:
        '`using g = await ready` with a fresh guard whose `[Symbol.dispose]` getter enters one ' +
        'AsyncLocalStorage frame vs a fresh guard with a plain method: the least a tracked ' +
        '`using` acquisition costs over an untracked one.',
      ours: usingEntersFrame,
      baseline: usingUntracked,
    },
    {
      name: 'context floor: callback + one frame',
      measures:
        'An async function that awaits a resolved promise, enters one frame and calls a no-op ' +
        'vs the same without the frame: the least a tracked `withLock` costs over an ' +
        'untracked one.',
      ours: { label: 'await; enterWith; fn()', run: loopOf(callbackEntersFrame) },
      baseline: { label: 'await; fn()', run: loopOf(callbackUntracked) },
    },
  ];
}

function loopOf(step: (fn: () => void) => Promise<void>): (ops: number) => Promise<void> {
  return async (ops) => {
    for (let i = 0; i < ops; i++) await step(noop);
  };
}

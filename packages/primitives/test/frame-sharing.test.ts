/**
 * Issue 8: taking and dropping a hold costs O(1) at any nesting depth. Frames are immutable and
 * used to copy their holds on every claim and leave (O(d) per acquisition at depth d); now a
 * frame's holds are a persistent list that each new frame shares, and the probe's array view is
 * one buffer grown and cut at its end. The first test checks the sharing at 2,000 nested `using`
 * blocks (timings are in bench/nesting.ts); the property checks that the shared structures never
 * let one task's frame see another's holds, over random schedules of claims, out-of-order leaves,
 * forks and probe reads.
 */
import { LockNode } from '@interlock/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detector, Lock } from '../src/index.ts';
import {
  currentFrame,
  Frame,
  frameHas,
  frameWith,
  frameWithout,
  Hold,
  holdsOf,
} from '../src/internal/task-context.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

describe('frames share their holds', () => {
  it('2,000 nested `using` blocks: each frame extends the one below without a copy', async () => {
    enableFresh({ onCycle: 'record', stacks: false });
    const depth = 2_000;
    const locks = Array.from({ length: depth }, (_, index) => new Lock({ name: `row-${index}` }));
    const frames: (Frame | undefined)[] = [];
    const views = new Set<readonly Hold[]>();
    const nest = async (index: number): Promise<void> => {
      frames.push(currentFrame());
      views.add(holdsOf(currentFrame()));
      if (index === depth) return;
      using _row = await locks[index]!.acquire();
      await nest(index + 1);
    };
    await nest(0);
    expect(currentFrame()).toBeUndefined();
    for (let index = 1; index <= depth; index++) {
      const frame = frames[index]!;
      expect(frame.top?.below).toBe(frames[index - 1]?.top); // shared, not copied
      expect(frame.top?.hold.lock.name).toBe(`row-${index - 1}`);
    }
    // The probe's view of every frame was one buffer grown in place (plus the empty frame's).
    expect(views.size).toBe(2);
    expect(frames[depth]!.holds.map((hold) => hold.lock.name)).toEqual(locks.map((l) => l.name));
    expect(detector.stats().edges).toBe(depth - 1);
  });
});

type Step =
  | { kind: 'claim'; task: number }
  | { kind: 'leave'; task: number; pick: number }
  | { kind: 'fork'; task: number }
  | { kind: 'read'; task: number; probe: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), task: fc.nat(7) }),
  fc.record({ kind: fc.constant('leave' as const), task: fc.nat(7), pick: fc.nat(40) }),
  fc.record({ kind: fc.constant('fork' as const), task: fc.nat(7) }),
  fc.record({ kind: fc.constant('read' as const), task: fc.nat(7), probe: fc.nat(80) }),
);

/** A task of the models below: its frame, and the holds the model says it has, oldest first. */
interface ModelTask {
  frame: Frame | undefined;
  model: Hold[];
}

/** `task` claims a new hold of `node`: its frame gets it, and its model (after `kept`) too. */
function claimInModel(task: ModelTask, node: LockNode, kept: (model: Hold[]) => Hold[]): Hold {
  const hold = new Hold(node, () => undefined);
  task.frame = frameWith(task.frame, hold);
  task.model = [...kept(task.model), hold];
  return hold;
}

describe('the persistent list of holds', () => {
  it('every frame reads exactly the holds its own history gave it', () => {
    const node = new LockNode({ name: 'model', kind: 'Lock', reentrant: false, exclusive: true });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const made: Hold[] = [];
        const tasks: ModelTask[] = [{ frame: undefined, model: [] }];
        for (const s of steps) {
          const task = tasks[s.task % tasks.length]!;
          if (s.kind === 'claim') {
            made.push(claimInModel(task, node, (model) => model));
          } else if (s.kind === 'leave') {
            if (task.frame === undefined || task.model.length === 0) continue;
            const hold = task.model[s.pick % task.model.length]!;
            task.frame = frameWithout(task.frame, hold);
            task.model = task.model.filter((held) => held !== hold);
          } else if (s.kind === 'fork') {
            if (tasks.length < 8) tasks.push({ frame: task.frame, model: task.model });
          } else {
            expect([...holdsOf(task.frame)]).toEqual(task.model);
            expect(task.frame?.holds ?? []).toEqual(task.model);
            if (made.length > 0) {
              const hold = made[s.probe % made.length]!;
              expect(frameHas(task.frame, hold)).toBe(task.model.includes(hold));
            }
          }
        }
        for (const task of tasks) expect([...holdsOf(task.frame)]).toEqual(task.model);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Steps of the model below: reads are rare, so lists grow far past `nearTip` without ever being
 * read (their nodes have no buffer yet), and holds end in place as a `Lock` guard ends them.
 */
type SparseStep =
  | { kind: 'claim'; task: number }
  | { kind: 'end'; task: number }
  | { kind: 'fork'; task: number }
  | { kind: 'read'; task: number };

const sparseStep: fc.Arbitrary<SparseStep> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('claim' as const), task: fc.nat(5) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('end' as const), task: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fork' as const), task: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), task: fc.nat(5) }) },
);

/** The holds a reader is given: without the ended ones on top (task-context.ts `holdsOf`). */
function withoutEndedTop(holds: readonly Hold[]): Hold[] {
  let end = holds.length;
  while (end > 0 && holds[end - 1]!.count === 0) end--;
  return holds.slice(0, end);
}

describe('the persistent list of holds, read rarely, holds ending in place', () => {
  it('every read gives the task’s live history, whichever node first gets a buffer', () => {
    const node = new LockNode({ name: 'model', kind: 'Lock', reentrant: false, exclusive: true });
    fc.assert(
      fc.property(fc.array(sparseStep, { maxLength: 200 }), (steps) => {
        const tasks: ModelTask[] = [{ frame: undefined, model: [] }];
        for (const s of steps) {
          const task = tasks[s.task % tasks.length]!;
          if (s.kind === 'claim') {
            claimInModel(task, node, withoutEndedTop);
          } else if (s.kind === 'end') {
            // The task's most recent live hold ends; its frame keeps it (guard.ts disposeInPlace).
            const live = task.model.findLast((hold) => hold.count > 0);
            if (live !== undefined) live.count = 0;
          } else if (s.kind === 'fork') {
            if (tasks.length < 6) tasks.push({ frame: task.frame, model: task.model });
          } else {
            expect([...holdsOf(task.frame)]).toEqual(withoutEndedTop(task.model));
          }
        }
        for (const task of tasks)
          expect([...holdsOf(task.frame)]).toEqual(withoutEndedTop(task.model));
      }),
      { numRuns: 300 },
    );
  });
});

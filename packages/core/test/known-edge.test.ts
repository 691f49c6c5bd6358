/**
 * The known-edge fast path (issue 3, item 9, after issue 8): a repeat of an acquisition whose
 * edge from the task's most recent hold is already in the graph is ordered without the general
 * walk. Each test makes the edge known first and then checks that the shortcut still gives the
 * general walk's answer: every repeat counted, the holds below still ordered across a gap, a
 * doubtful edge still rechecked, a cycle still found.
 */
import { describe, expect, it } from 'vitest';
import { LockOrderError } from '../src/errors.ts';
import type { LockNode } from '../src/lock-node.ts';
import { harnessFiltered, nest, setup, type Task } from './harness.ts';

describe('known-edge fast path', () => {
  it('counts every repeat of a known edge, and a later reverse order is still a cycle', () => {
    const { detector, lock, task } = setup({ onCycle: 'throw', stacks: false });
    const a = lock('a');
    const b = lock('b');
    for (let round = 0; round < 100; round++) nest(task, a, b);
    expect(detector.snapshot().edges).toEqual([
      expect.objectContaining({ from: a.id, to: b.id, count: 100 }),
    ]);
    expect(() => nest(task, b, a)).toThrow(LockOrderError);
  });

  /**
   * Another task takes `middle` then `last` first, so `middle → last` is known before the task
   * under test takes `first`, `middle` (with `gap` applied to it) and `last`: that last
   * acquisition is a known-edge repeat from the task's most recent hold. `first` must still be
   * ordered before `last`, as the general walk orders it.
   */
  function orderedAcrossKnownEdge(gap: (t: Task, middle: LockNode) => void): string[][] {
    const context = setup({ onCycle: 'record', stacks: false });
    const { detector } = context;
    const [first, middle, last] = [
      context.lock('first'),
      context.lock('middle'),
      context.lock('last'),
    ];
    nest(context.task, middle, last);
    const t = context.task();
    t.acquire(first);
    gap(t, middle);
    t.acquire(last);
    nest(context.task, last, first);
    return detector.cycles().map((cycle) => cycle.locks.map((entry) => entry.name));
  }

  it('a try-acquired hold below the known edge does not hide the hold before it', () => {
    const cycles = orderedAcrossKnownEdge((t, middle) => {
      // A try-acquire records no edge into `middle`: `first` reaches `last` only through its own.
      t.grant(middle, undefined);
    });
    expect(cycles).toEqual([['first', 'last']]);
  });

  it('a hold taken while the one before it was suspended, then revived', () => {
    const cycles = orderedAcrossKnownEdge((t, middle) => {
      const outer = t.held[0]!;
      outer.live = false;
      t.acquire(middle);
      outer.live = true;
    });
    expect(cycles).toEqual([['first', 'last']]);
  });

  it('a linked prefix remembered before reset() proves nothing afterwards', () => {
    const { detector, lock, task } = setup({ onCycle: 'record', stacks: false });
    const [first, middle, last] = [lock('first'), lock('middle'), lock('last')];
    const t = task();
    t.acquire(first);
    t.acquire(middle);
    t.release(t.acquire(last));
    t.release(t.acquire(last)); // remembers that first → middle links the prefix
    detector.reset();
    nest(task, middle, last); // middle → last known again; first → middle is not
    t.release(t.acquire(last));
    nest(task, last, first);
    expect(detector.cycles().map((cycle) => cycle.locks.map((entry) => entry.name))).toEqual([
      ['first', 'last'],
    ]);
  });

  it('a doubtful known edge is rechecked: an acquisition acting for its holder makes it certain', () => {
    const { detector, lock, task } = setup({ ...harnessFiltered, onCycle: 'throw' });
    const a = lock('a');
    const b = lock('b');
    // `a` is first taken here (its holder site); `b` too when asked, acting for that holder.
    const holder = (t: Task, then?: LockNode): void => {
      t.acquire(a);
      if (then !== undefined) t.acquire(then);
    };
    const parent = task();
    holder(parent);
    task(parent.held).acquire(b); // inherited `a`, asked from elsewhere: a → b is doubtful
    expect(detector.snapshot().edges[0]).toMatchObject({ count: 1, doubtful: true });
    // The same edge again, known, from the holder's own function: its doubt is due for a recheck.
    holder(task(), b);
    expect(detector.snapshot().edges[0]).toMatchObject({ count: 2 });
    expect(detector.snapshot().edges[0]!.doubtful).toBeUndefined();
    // Certain now, so the reverse order throws instead of being only warned.
    expect(() => nest(task, b, a)).toThrow(LockOrderError);
  });
});

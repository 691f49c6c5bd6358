import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitForGraph, type Waiter } from '../src/wait-for.ts';

interface TestWaiter extends Waiter<number, string> {
  readonly name: string;
}

/** Brute force: the greatest set of waiters whose every needed hold is held by a member. */
function stuckSet(
  waiters: readonly TestWaiter[],
  holdsOf: (lock: number) => readonly string[],
): Set<TestWaiter> {
  const stuck = new Set(waiters);
  let changed = true;
  while (changed) {
    changed = false;
    for (const waiter of [...stuck]) {
      const needed = holdsOf(waiter.lock);
      const ok =
        needed.length > 0 &&
        needed.every((hold) => [...stuck].some((other) => other.held.includes(hold)));
      if (!ok) {
        stuck.delete(waiter);
        changed = true;
      }
    }
  }
  return stuck;
}

describe('WaitForGraph', () => {
  it('fuzz: rejects a new waiter exactly when brute force finds it stuck, and the cycle is real', () => {
    // Locks 0..5, each with 0..2 live holds named "lock:index"; waiters hold some of them and wait
    // on a lock.
    const scenario = fc.record({
      holdCounts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
      waiters: fc.array(
        fc.record({
          lock: fc.nat(5),
          held: fc.uniqueArray(fc.tuple(fc.nat(5), fc.nat(1)), { maxLength: 3 }),
        }),
        {
          maxLength: 8,
        },
      ),
    });
    fc.assert(
      fc.property(scenario, ({ holdCounts, waiters }) => {
        const holdsOf = (lock: number): string[] =>
          Array.from({ length: holdCounts[lock]! }, (_, index) => `${lock}:${index}`);
        const graph = new WaitForGraph<number, string, TestWaiter>(holdsOf);
        const registered: TestWaiter[] = [];
        waiters.forEach((spec, index) => {
          const waiter: TestWaiter = {
            name: `W${index}`,
            lock: spec.lock,
            held: spec.held
              .map(([lock, slot]) => `${lock}:${slot}`)
              .filter((hold) => holdsOf(Number(hold.split(':')[0])).includes(hold)),
          };
          graph.add(waiter);
          const steps = graph.deadlockThrough(waiter);
          const expected = stuckSet([...registered, waiter], holdsOf).has(waiter);
          // Found ⇒ stuck (never a false deadlock). Stuck but not on a cycle through it cannot
          // happen when every earlier deadlock was removed, which this loop does.
          expect(steps !== undefined).toBe(expected);
          if (steps === undefined) {
            registered.push(waiter);
            return;
          }
          // Each step's waiter holds a hold of the lock the previous waiter waits on; it ends at
          // `waiter`.
          let previous = waiter;
          for (const step of steps) {
            expect(holdsOf(previous.lock)).toContain(step.hold);
            expect(step.waiter.held).toContain(step.hold);
            previous = step.waiter;
          }
          expect(previous).toBe(waiter);
          graph.remove(waiter); // what the detector does: the closing waiter is rejected
        });
        expect(graph.size).toBe(registered.length);
        for (const waiter of registered) graph.remove(waiter);
        expect(graph.size).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

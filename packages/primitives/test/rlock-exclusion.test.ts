/* eslint-disable @interlock/no-unmanaged-acquire, @interlock/no-self-deadlock -- Plain-style RLock
   holds and their re-entry are what these tests check. */
/**
 * Issue 8, item 1: RLock mutual exclusion never breaks. Children forked inside a critical section
 * act for the holder and may re-enter, but two of them that run concurrently never run their
 * re-entered sections at the same time: a re-entry is granted at once only to a task whose frame
 * holds the innermost live level; a sibling waits until that level is released, then nests in
 * the level they share. Checked on examples and with a fast-check property over random trees of
 * tasks that enter (with `using`, `withLock`, or a guard handed to an awaited callee that binds it
 * first thing), fork, yield and leave, under random schedules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detached, detector, Lock, RLock, scoped, type Guard } from '../src/index.ts';
import { gate, settle } from './support/async.ts';
import { disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

/**
 * Records who is inside the lock's sections. Entering is legal when every open section belongs
 * to the entering task or to one of its ancestors (who, by construction, awaits it); sections
 * close in the order they opened.
 */
class SectionLog {
  readonly #open: number[] = [];
  readonly #parent = new Map<number, number | undefined>();
  readonly violations: string[] = [];
  #next = 0;

  task(parent: number | undefined): number {
    const id = ++this.#next;
    this.#parent.set(id, parent);
    return id;
  }

  enter(task: number): void {
    for (const owner of this.#open) {
      if (!this.#isSelfOrAncestor(owner, task))
        this.violations.push(`task ${task} entered while task ${owner} was inside`);
    }
    this.#open.push(task);
  }

  exit(task: number): void {
    const top = this.#open.pop();
    if (top !== task) this.violations.push(`task ${task} left, but task ${top} was innermost`);
  }

  get inside(): number {
    return this.#open.length;
  }

  #isSelfOrAncestor(candidate: number, task: number): boolean {
    for (
      let current: number | undefined = task;
      current !== undefined;
      current = this.#parent.get(current)
    ) {
      if (current === candidate) return true;
    }
    return false;
  }
}

describe('RLock: concurrent children of the holder', () => {
  for (const on of [false, true]) {
    it(`two children that both re-enter with \`using\` never run their re-entered sections together (detector ${on ? 'on: and no deadlock' : 'off'})`, async () => {
      if (on) enableFresh();
      const rlock = new RLock({ name: 'r' });
      const log = new SectionLog();
      const parent = log.task(undefined);
      const child = async (): Promise<void> => {
        const id = log.task(parent);
        using _again = await rlock.acquire();
        log.enter(id);
        await settle(); // the sibling gets every chance to come in now
        await settle();
        log.exit(id);
      };
      await rlock.withLock(async () => {
        log.enter(parent);
        await Promise.all([child(), child()]);
        log.exit(parent);
      });
      expect(log.violations).toEqual([]);
      expect(rlock.locked).toBe(false);
      expect(detector.deadlocks()).toEqual([]);
    });
  }

  it('the same with withLock children, and each child can still re-enter its own section', async () => {
    const rlock = new RLock({ name: 'r' });
    const log = new SectionLog();
    const parent = log.task(undefined);
    const child = async (): Promise<void> => {
      const id = log.task(parent);
      await rlock.withLock(async () => {
        log.enter(id);
        await settle();
        await rlock.withLock(async () => {
          log.enter(id);
          await settle();
          log.exit(id);
        });
        log.exit(id);
      });
    };
    await rlock.withLock(async () => {
      log.enter(parent);
      await Promise.all([child(), child(), child()]);
      log.exit(parent);
    });
    expect(log.violations).toEqual([]);
    expect(rlock.locked).toBe(false);
  });

  it('a waiting child is let in as soon as the sibling’s level is released, before an outsider waiting for the lock', async () => {
    const rlock = new RLock({ name: 'r' });
    const order: string[] = [];
    const firstInside = gate();
    const release = gate();
    let outsider: Promise<void> | undefined;
    await rlock.withLock(async () => {
      const first = (async () => {
        using _level = await rlock.acquire();
        order.push('first in');
        firstInside.open();
        await release.promise;
        order.push('first out');
      })();
      await firstInside.promise;
      // Started outside the frame: not a child, so it waits for the whole lock.
      outsider = detached(async () => {
        using _guard = await rlock.acquire();
        order.push('outsider in');
      });
      const second = (async () => {
        using _level = await rlock.acquire();
        order.push('second in');
      })();
      await settle();
      expect(order).toEqual(['first in']);
      release.open();
      await Promise.all([first, second]);
      order.push('parent out');
    });
    await outsider;
    expect(order).toEqual(['first in', 'first out', 'second in', 'parent out', 'outsider in']);
  });

  it('one task nesting plain re-entries (acquire, acquire, release, release) still works', async () => {
    const rlock = new RLock();
    await rlock.withLock(async () => {
      await rlock.acquire();
      await rlock.acquire();
      rlock.release();
      rlock.release();
    });
    expect(rlock.locked).toBe(false);
  });
});

describe('a guard handed to a callee that binds it first thing', () => {
  it('through scoped(), the hold is the callee’s alone: a task the caller starts afterwards waits', async () => {
    const rlock = new RLock({ name: 'r' });
    const release = gate();
    const log: string[] = [];
    const consume = async (guard: Guard): Promise<void> => {
      using _bound = guard; // first synchronous segment: runs in the caller's context
      log.push('consume in');
      await release.promise;
      log.push('consume out');
    };
    const guard = await rlock.acquire();
    const consuming = scoped(() => consume(guard));
    const later = (async () => {
      using _guard = await rlock.acquire();
      log.push('later in');
    })();
    await settle();
    expect(log).toEqual(['consume in']);
    release.open();
    await Promise.all([consuming, later]);
    expect(log).toEqual(['consume in', 'consume out', 'later in']);
  });

  it('through scoped(), two handlers given pooled guards record only their own edges', async () => {
    enableFresh({ onCycle: 'record' });
    const [a, b, x, y] = ['a', 'b', 'x', 'y'].map((name) => new Lock({ name }));
    const handle = async (guard: Guard, inner: Lock): Promise<void> => {
      using _bound = guard;
      await inner.withLock(() => undefined);
    };
    const guardA = await a!.acquire();
    const guardB = await b!.acquire();
    await Promise.all([scoped(() => handle(guardA, x!)), scoped(() => handle(guardB, y!))]);
    expect(edgeNames()).toEqual(['a→x', 'b→y']);
  });
});

/** What one task does, in order. */
type Op =
  | {
      readonly kind: 'enter';
      readonly style: 'using' | 'withLock' | 'handoff';
      readonly body: readonly Op[];
    }
  | { readonly kind: 'fork'; readonly children: readonly (readonly Op[])[] }
  | { readonly kind: 'yield' };

const leafOp: fc.Arbitrary<Op> = fc.constant<Op>({ kind: 'yield' });
const op: fc.Memo<Op> = fc.memo((depth) =>
  depth <= 1
    ? leafOp
    : fc.oneof(
        leafOp,
        fc
          .record({
            style: fc.constantFrom('using' as const, 'withLock' as const, 'handoff' as const),
            body: fc.array(op(depth - 1), { maxLength: 3 }),
          })
          .map(({ style, body }): Op => ({ kind: 'enter', style, body })),
        fc
          .array(fc.array(op(depth - 1), { maxLength: 3 }), { minLength: 1, maxLength: 3 })
          .map((children): Op => ({ kind: 'fork', children })),
      ),
);

/**
 * Binds a handed-over guard first thing (in the callee's first synchronous segment) and runs `body`
 * inside.
 */
async function consume(guard: Guard, body: () => Promise<void>): Promise<void> {
  using _bound = guard;
  await body();
}

async function runTask(
  rlock: RLock,
  log: SectionLog,
  s: fc.Scheduler,
  id: number,
  ops: readonly Op[],
): Promise<void> {
  for (const current of ops) {
    switch (current.kind) {
      case 'yield':
        await s.schedule(Promise.resolve(), `yield ${id}`);
        break;
      case 'fork':
        await Promise.all(
          current.children.map((child) => runTask(rlock, log, s, log.task(id), child)),
        );
        break;
      case 'enter': {
        const inside = async (): Promise<void> => {
          log.enter(id);
          await runTask(rlock, log, s, id, current.body);
          log.exit(id);
        };
        if (current.style === 'withLock') await rlock.withLock(inside);
        else if (current.style === 'handoff') await consume(await rlock.acquire(), inside);
        else {
          using _guard = await rlock.acquire();
          await inside();
        }
        break;
      }
    }
  }
}

describe('RLock exclusion: property', () => {
  for (const on of [false, true]) {
    it(`random trees of enter / re-enter / fork / hand-off / yield never overlap two unrelated sections (detector ${on ? 'on' : 'off'})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.array(op(4), { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
          async (s, tasks) => {
            if (on) enableFresh({ onCycle: 'record' });
            else detector.disable();
            const rlock = new RLock({ name: 'r' });
            const log = new SectionLog();
            const done = Promise.all(
              tasks.map((ops) => runTask(rlock, log, s, log.task(undefined), ops)),
            );
            await s.waitFor(done);
            expect(log.violations).toEqual([]);
            expect(log.inside).toBe(0);
            expect(rlock.locked).toBe(false);
            if (on) expect(detector.deadlocks()).toEqual([]);
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

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
import { Condition, detached, detector, Lock, RLock, scoped, type Guard } from '../src/index.ts';
import { currentFrame } from '../src/internal/task-context.ts';
import { gate, settle, track } from './support/async.ts';
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

  /**
   * A task's own sections close innermost first; a fire-and-forget child's may still be open
   * above it (the lock lets its holder leave a level with a child's nested inside).
   */
  exit(task: number): void {
    const index = this.#open.lastIndexOf(task);
    if (index === -1) this.violations.push(`task ${task} left a section it was not inside`);
    else this.#open.splice(index, 1);
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

/**
 * The holder (task `parent`) runs `children` concurrently inside its own section, then checks that
 * no two unrelated sections overlapped and that the lock ended free.
 */
async function holderRuns(
  rlock: RLock,
  log: SectionLog,
  parent: number,
  children: readonly (() => Promise<void>)[],
): Promise<void> {
  await rlock.withLock(async () => {
    log.enter(parent);
    await Promise.all(children.map((child) => child()));
    log.exit(parent);
  });
  expect(log.violations).toEqual([]);
  expect(rlock.locked).toBe(false);
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
      await holderRuns(rlock, log, parent, [child, child]);
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
    await holderRuns(rlock, log, parent, [child, child, child]);
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

describe('RLock: plain and try-acquired re-entries', () => {
  for (const style of ['plain', 'tryAcquire'] as const) {
    it(`two children that re-enter ${style === 'plain' ? 'with a plain `await rlock.acquire()`' : 'with `tryAcquire()`'} after an await never run their re-entered sections together`, async () => {
      const rlock = new RLock({ name: 'r' });
      const log = new SectionLog();
      const parent = log.task(undefined);
      const child = async (): Promise<void> => {
        const id = log.task(parent);
        await settle();
        if (style === 'plain') await rlock.acquire();
        else while (rlock.tryAcquire() === undefined) await settle();
        log.enter(id);
        await settle();
        await settle();
        log.exit(id);
        rlock.release();
      };
      await holderRuns(rlock, log, parent, [child, child]);
    });
  }

  it('a sibling asking in the same synchronous run waits for a first segment’s plain re-entry, even after the owner nested and left a level inside it', async () => {
    const rlock = new RLock({ name: 'r' });
    const order: string[] = [];
    const leave = gate();
    // Both ask in their first synchronous segment: the first one's level enters the parent's frame,
    // which the second inherits; it must still wait, and stay waiting when the first one's own
    // nested level ends (that release lets waiting siblings in).
    const first = async (): Promise<void> => {
      await rlock.acquire();
      order.push('first in');
      await rlock.acquire();
      order.push('first nested');
      rlock.release();
      await leave.promise;
      order.push('first out');
      rlock.release();
    };
    const second = async (): Promise<void> => {
      await rlock.acquire();
      order.push('second in');
      rlock.release();
    };
    await rlock.withLock(async () => {
      const both = Promise.all([first(), second()]);
      await settle();
      expect(order).toEqual(['first in', 'first nested']);
      leave.open();
      await both;
    });
    expect(order).toEqual(['first in', 'first nested', 'first out', 'second in']);
    expect(rlock.locked).toBe(false);
  });

  it('the holder’s own plain and try-acquired re-entries nest, and its plain release ends its own level while a fire-and-forget child’s is open above it', async () => {
    const rlock = new RLock({ name: 'r' });
    const childInside = gate();
    const childLeave = gate();
    let child: Promise<void> | undefined;
    await rlock.withLock(async () => {
      await rlock.acquire();
      const tried = rlock.tryAcquire();
      expect(tried).toBeDefined();
      await rlock.acquire();
      rlock.release();
      tried!.release();
      child = (async () => {
        await settle();
        using _level = await rlock.acquire();
        childInside.open();
        await childLeave.promise;
      })();
      await childInside.promise;
      rlock.release(); // the holder's plain level, below the child's
      expect(rlock.tryAcquire()).toBeUndefined(); // the child's level is innermost now
      childLeave.open();
      await child;
    });
    expect(rlock.locked).toBe(false);
  });

  it('loops of plain and try-acquired re-entries (released plainly, through the guard, or timed out) do not grow the frame', async () => {
    const rlock = new RLock({ name: 'r' });
    const depths = new Set<number | undefined>();
    const leave = gate();
    await rlock.withLock(async () => {
      const sibling = (async () => {
        await settle();
        await rlock.acquire();
        await leave.promise;
        rlock.release();
      })();
      for (let turn = 0; turn < 50; turn++) {
        if (turn === 25) await settle(); // the sibling is inside from here on
        if (turn < 25) {
          await rlock.acquire();
          rlock.release();
          rlock.tryAcquire()!.release();
        } else {
          // Times out behind the sibling's level: its level never becomes live.
          await expect(rlock.acquire({ timeout: 1 })).rejects.toThrow(/Timed out/);
        }
        depths.add(currentFrame()?.holds.length);
      }
      leave.open();
      await sibling;
    });
    // The base and the last ended level (a guard's release does not leave the frame; the next
    // request drops it): never more, however many turns.
    expect([...depths]).toEqual([2]);
    expect(rlock.locked).toBe(false);
  });

  it('Condition.wait under a plain re-entry releases every level (an outsider gets in) and gives them back to their owner', async () => {
    const rlock = new RLock({ name: 'r' });
    const condition = new Condition(rlock);
    const order: string[] = [];
    await rlock.withLock(async () => {
      await rlock.acquire();
      // One wait, one notify: what is checked is the lock around them.
      // eslint-disable-next-line @interlock/condition-wait-in-loop
      const waiting = condition.wait();
      expect(rlock.locked).toBe(false);
      await detached(async () => {
        using _guard = await rlock.acquire();
        order.push('outsider in');
        condition.notify();
      });
      await waiting;
      order.push('back');
      const nested = rlock.tryAcquire(); // the plain level is this task's again
      expect(nested).toBeDefined();
      nested!.release();
      rlock.release();
    });
    expect(order).toEqual(['outsider in', 'back']);
    expect(rlock.locked).toBe(false);
  });

  it('a level stays its owner’s when a hold below it leaves the frame out of order', async () => {
    const rlock = new RLock({ name: 'r' });
    const other = new RLock({ name: 'other' });
    await rlock.withLock(async () => {
      // A re-entry of rlock under `other` orders nothing (the lint rule cannot know it re-enters).
      // eslint-disable-next-line @interlock/consistent-lock-order
      const otherGuard = await other.acquire();
      const leaveOther = otherGuard[Symbol.dispose]; // enters `other` into this frame (as `using`)
      // eslint-disable-next-line @interlock/consistent-lock-order
      await rlock.acquire(); // a level on top of `other`
      leaveOther.call(otherGuard); // `other` leaves: the level's frame node is rebuilt
      const nested = rlock.tryAcquire();
      expect(nested).toBeDefined();
      nested!.release();
      rlock.release();
    });
    expect(rlock.locked).toBe(false);
    expect(other.locked).toBe(false);
  });

  it('`Promise.all([rlock.acquire(), rlock.acquire()])` by the holder: the second waits until the first is released', async () => {
    const rlock = new RLock({ name: 'r' });
    await rlock.withLock(async () => {
      const first = rlock.acquire();
      const second = track(rlock.acquire());
      await first;
      await settle();
      expect(second.state).toBe('pending');
      rlock.release();
      await settle();
      expect(second.state).toBe('fulfilled');
      rlock.release();
    });
    expect(rlock.locked).toBe(false);
  });

  it('with the detector on, a first segment’s plain re-entry that reached the caller’s frame orders nothing new: it is the lock the caller holds', async () => {
    enableFresh({ onCycle: 'throw' });
    const rlock = new RLock({ name: 'r' });
    const [x, y] = ['x', 'y'].map((name) => new Lock({ name }));
    const child = async (): Promise<void> => {
      await rlock.acquire(); // first segment: enters the parent's frame too
      await y!.withLock(() => undefined);
      rlock.release();
    };
    await rlock.withLock(async () => {
      const running = child();
      await x!.withLock(() => undefined); // the parent's frame has the child's level: still r→x
      await running;
    });
    expect(edgeNames()).toEqual(['r→x', 'r→y']);
    expect(detector.deadlocks()).toEqual([]);
  });

  describe('not guaranteed: a plain or try re-entry in an async function’s first synchronous segment (docs/detector.md)', () => {
    /**
     * `first` asks (plain or try) before its first `await`, so the level also enters the parent's
     * frame; `second`, started after it in the same synchronous run, inherits it. Returns whether
     * `second` got in while `first` was inside.
     */
    async function overlaps(
      style: 'plain' | 'tryAcquire',
      secondAsks: 'after an await' | 'at once',
      wrap: <T>(fn: () => T) => T,
    ): Promise<boolean> {
      const rlock = new RLock({ name: 'r' });
      const leave = gate();
      let firstInside = false;
      let overlapped = false;
      const first = async (): Promise<void> => {
        if (style === 'plain') await rlock.acquire();
        else expect(rlock.tryAcquire()).toBeDefined();
        firstInside = true;
        await leave.promise;
        firstInside = false;
        rlock.release();
      };
      const second = async (): Promise<void> => {
        if (secondAsks === 'after an await') await settle();
        const guard = rlock.tryAcquire() ?? (await rlock.acquire());
        overlapped ||= firstInside;
        guard.release();
      };
      await rlock.withLock(async () => {
        const both = Promise.all([wrap(first), wrap(second)]);
        await settle();
        leave.open();
        await both;
      });
      expect(rlock.locked).toBe(false);
      return overlapped;
    }
    const bare = <T>(fn: () => T): T => fn();

    it('with the detector on: a caller that left its own hold while the leaked level is still open orders its next lock after the RLock', async () => {
      enableFresh({ onCycle: 'record' });
      const rlock = new RLock({ name: 'r' });
      const x = new Lock({ name: 'x' });
      const leave = gate();
      const child = async (): Promise<void> => {
        await rlock.acquire(); // first segment: the level enters the caller's frame too
        await leave.promise;
        rlock.release();
      };
      let running: Promise<void> | undefined;
      {
        using _base = await rlock.acquire();
        running = child(); // fire-and-forget: outlives the block
      }
      expect(rlock.locked).toBe(true); // the child's level
      await x.withLock(() => undefined);
      leave.open();
      await running;
      expect(edgeNames()).toEqual(['r→x']); // although this task held no level of r any more
      const scopedRun = async (): Promise<string[]> => {
        enableFresh({ onCycle: 'record' });
        const again = gate();
        {
          using _base = await rlock.acquire();
          running = scoped(async () => {
            await rlock.acquire();
            await again.promise;
            rlock.release();
          });
        }
        await x.withLock(() => undefined);
        again.open();
        await running;
        return edgeNames();
      };
      expect(await scopedRun()).toEqual([]); // through scoped(): nothing leaks
    });

    it('a plain one: a sibling started after it that asks after an await is let in; one that asks at once waits; scoped() keeps it exact', async () => {
      expect(await overlaps('plain', 'after an await', bare)).toBe(true);
      expect(await overlaps('plain', 'at once', bare)).toBe(false);
      expect(await overlaps('plain', 'after an await', scoped)).toBe(false);
    });

    it('a try-acquired one (delivered at once): such a sibling is let in even at once; scoped() keeps it exact', async () => {
      expect(await overlaps('tryAcquire', 'at once', bare)).toBe(true);
      expect(await overlaps('tryAcquire', 'after an await', bare)).toBe(true);
      expect(await overlaps('tryAcquire', 'at once', scoped)).toBe(false);
    });
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

/** How a section is entered: each acquisition style (plain and `try` release as `release`). */
type Style = 'using' | 'withLock' | 'handoff' | 'plain' | 'try';

/** What one task does, in order. */
type Op =
  | {
      readonly kind: 'enter';
      readonly style: Style;
      /** Plain and `try` sections: released with `rlock.release()` or through their guard. */
      readonly release: 'plain' | 'guard';
      readonly body: readonly Op[];
    }
  | {
      readonly kind: 'fork';
      /** `all`: awaited with Promise.all; `none`: fire-and-forget (awaited only by the test). */
      readonly wait: 'all' | 'none';
      /** `scoped`: each child runs through `scoped()`; `bare`: a plain call. */
      readonly start: 'bare' | 'scoped';
      readonly children: readonly (readonly Op[])[];
    }
  | { readonly kind: 'yield' };

const leafOp: fc.Arbitrary<Op> = fc.constant<Op>({ kind: 'yield' });
const op: fc.Memo<Op> = fc.memo((depth) =>
  depth <= 1
    ? leafOp
    : fc.oneof(
        leafOp,
        fc
          .record({
            style: fc.constantFrom<Style>('using', 'withLock', 'handoff', 'plain', 'try'),
            release: fc.constantFrom('plain' as const, 'guard' as const),
            body: fc.array(op(depth - 1), { maxLength: 3 }),
          })
          .map(({ style, release, body }): Op => ({ kind: 'enter', style, release, body })),
        fc
          .record({
            wait: fc.constantFrom('all' as const, 'none' as const),
            start: fc.constantFrom('bare' as const, 'scoped' as const),
            children: fc.array(fc.array(op(depth - 1), { maxLength: 3 }), {
              minLength: 1,
              maxLength: 3,
            }),
          })
          .map(({ wait, start, children }): Op => ({ kind: 'fork', wait, start, children })),
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

/** What every task of one run shares. */
interface Run {
  readonly rlock: RLock;
  readonly log: SectionLog;
  readonly s: fc.Scheduler;
  /** Fire-and-forget children, awaited by the test only. */
  readonly background: Promise<void>[];
}

/**
 * Where a task is: `inside` — it holds the lock through a section of its own or of an ancestor
 * that awaits it (only then may it take a plain or `try` re-entry: a plain *base* hold is
 * anonymous and cannot be re-entered, by design); `fresh` — nothing was awaited yet since it was
 * started by a bare call, so a request now runs in its caller's synchronous run (the documented
 * limit of plain and `try` re-entries; `using`, `withLock` and hand-offs are exact there).
 */
interface Place {
  readonly inside: boolean;
  readonly fresh: boolean;
}

async function runTask(run: Run, id: number, ops: readonly Op[], place: Place): Promise<void> {
  const { rlock, log, s } = run;
  let fresh = place.fresh;
  for (const current of ops) {
    switch (current.kind) {
      case 'yield':
        await s.schedule(Promise.resolve(), `yield ${id}`);
        fresh = false;
        break;
      case 'fork': {
        const awaited = current.wait === 'all';
        const start = (child: readonly Op[]): Promise<void> => {
          const childId = log.task(id);
          // A fire-and-forget child may outlive the section it was started in.
          const inside = awaited && place.inside;
          return current.start === 'scoped'
            ? scoped(() => runTask(run, childId, child, { inside, fresh: false }))
            : runTask(run, childId, child, { inside, fresh: true });
        };
        if (awaited) {
          await Promise.all(current.children.map(start));
          fresh = false;
        } else {
          run.background.push(...current.children.map(start));
        }
        break;
      }
      case 'enter': {
        const inside = async (): Promise<void> => {
          log.enter(id);
          await runTask(run, id, current.body, { inside: true, fresh: false });
          log.exit(id);
        };
        let style = current.style;
        if ((style === 'plain' || style === 'try') && (fresh || !place.inside)) style = 'using';
        fresh = false;
        await enterSection(rlock, style, current.release, inside, () =>
          runTask(run, id, current.body, place),
        );
        break;
      }
    }
  }
}

/** Runs `inside` holding `rlock`, taken in `style`; `unlocked` when a `try` finds it taken. */
async function enterSection(
  rlock: RLock,
  style: Style,
  release: 'plain' | 'guard',
  inside: () => Promise<void>,
  unlocked: () => Promise<void>,
): Promise<void> {
  switch (style) {
    case 'withLock':
      return rlock.withLock(inside);
    case 'handoff':
      return consume(await rlock.acquire(), inside);
    case 'using': {
      using _guard = await rlock.acquire();
      await inside(); // awaited inside the block: `return inside()` would release first
      return;
    }
    case 'plain':
    case 'try': {
      const guard = style === 'plain' ? await rlock.acquire() : rlock.tryAcquire();
      if (guard === undefined) return unlocked();
      try {
        await inside();
      } finally {
        if (release === 'plain') rlock.release();
        else guard.release();
      }
    }
  }
}

describe('RLock exclusion: property', () => {
  for (const on of [false, true]) {
    it(`random trees of enter (using, withLock, hand-off, plain, tryAcquire) / fork (awaited or not, bare or scoped) / yield / release never overlap two unrelated sections (detector ${on ? 'on' : 'off'})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.array(op(4), { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
          async (s, tasks) => {
            if (on) enableFresh({ onCycle: 'record' });
            else detector.disable();
            const rlock = new RLock({ name: 'r' });
            const log = new SectionLog();
            const run: Run = { rlock, log, s, background: [] };
            const all = async (): Promise<void> => {
              await Promise.all(
                tasks.map((ops) =>
                  runTask(run, log.task(undefined), ops, { inside: false, fresh: true }),
                ),
              );
              while (run.background.length > 0) await run.background.shift();
            };
            await s.waitFor(all());
            expect(log.violations).toEqual([]);
            expect(log.inside).toBe(0);
            expect(rlock.locked).toBe(false);
            if (on) expect(detector.deadlocks()).toEqual([]);
          },
        ),
        { numRuns: 300 },
      );
      // About 1 s here; a loaded machine must not fail it on vitest's 5 s default.
    }, 30_000);
  }
});

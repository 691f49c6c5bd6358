import { describe, expect, it } from 'vitest';
import { parseReport } from '../src/validate-report.ts';
import { formatReport } from '../src/format-text.ts';
import type { LockGraphReport } from '../src/report.ts';

const site = (line: number, column: number, fn?: string) => ({
  file: '/repo/examples/deadlock.ts',
  line,
  column,
  ...(fn === undefined ? {} : { function: fn }),
});

/** The seed's AB-BA deadlock: thread_1 takes a then b, thread_2 takes b then a. */
const abba: LockGraphReport = {
  version: 1,
  locks: [
    {
      id: 'L1',
      key: 'lock_a@/repo/examples/deadlock.ts:4:16',
      name: 'lock_a',
      kind: 'Lock',
      site: site(4, 16),
    },
    {
      id: 'L2',
      key: 'lock_b@/repo/examples/deadlock.ts:5:16',
      name: 'lock_b',
      kind: 'Lock',
      site: site(5, 16),
    },
  ],
  edges: [
    {
      from: 'L1',
      to: 'L2',
      holder: site(9, 9, 'thread1'),
      acquirer: site(12, 11, 'thread1'),
      count: 1,
    },
  ],
  cycles: [
    {
      locks: [
        { id: 'L1', name: 'lock_a' },
        { id: 'L2', name: 'lock_b' },
      ],
      edges: [
        { from: 'L1', to: 'L2', holder: site(9, 9, 'thread1'), acquirer: site(12, 11, 'thread1') },
        { from: 'L2', to: 'L1', holder: site(18, 9, 'thread2'), acquirer: site(21, 11, 'thread2') },
      ],
    },
  ],
  deadlocks: [],
};

describe('formatReport', () => {
  it('renders an AB-BA cycle like lockdep, with user sites and the unsafe scenario', () => {
    expect(formatReport(abba, 'text', { cwd: '/repo' })).toMatchInlineSnapshot(`
      "WARNING: possible circular locking dependency detected
      ------------------------------------------------------
      A task is trying to acquire lock:
        "lock_a" (Lock L1, created at examples/deadlock.ts:4:16)
        requested at examples/deadlock.ts:21:11 (thread2)

      but it already holds lock:
        "lock_b" (Lock L2, created at examples/deadlock.ts:5:16)
        taken at examples/deadlock.ts:18:9 (thread2)

      and "lock_a" is already ordered before "lock_b" (the chain below),
      so taking it now closes a cycle.

      The dependency chain is:

      -> #0 lock_a -> lock_b
           lock_a taken at examples/deadlock.ts:9:9 (thread1)
           lock_b requested at examples/deadlock.ts:12:11 (thread1)

      -> #1 lock_b -> lock_a  (new)
           lock_b taken at examples/deadlock.ts:18:9 (thread2)
           lock_a requested at examples/deadlock.ts:21:11 (thread2)

       Possible unsafe locking scenario:

        Task 1           Task 2
        ------           ------
        lock(lock_b);
                         lock(lock_a);
                         lock(lock_b);
        lock(lock_a);

       *** DEADLOCK ***

      interlock: 1 lock-order cycle, 0 deadlocks (2 locks, 1 edge)
      "
    `);
  });

  it('renders a three-lock cycle with one column per task', () => {
    const three: LockGraphReport = {
      version: 1,
      locks: ['a', 'b', 'c'].map((name, index) => ({
        id: `L${index + 1}`,
        key: name,
        name,
        kind: 'Lock',
      })),
      edges: [],
      cycles: [
        {
          locks: ['a', 'b', 'c'].map((name, index) => ({ id: `L${index + 1}`, name })),
          edges: [
            { from: 'L1', to: 'L2' },
            { from: 'L2', to: 'L3' },
            { from: 'L3', to: 'L1' },
          ],
        },
      ],
      deadlocks: [],
    };
    const text = formatReport(three);
    expect(text.slice(text.indexOf(' Possible unsafe'))).toMatchInlineSnapshot(`
      " Possible unsafe locking scenario:

        Task 1      Task 2      Task 3
        ------      ------      ------
        lock(c);
                    lock(a);
                                lock(b);
                    lock(b);
                                lock(c);
        lock(a);

       *** DEADLOCK ***

      interlock: 1 lock-order cycle, 0 deadlocks (3 locks, 0 edges)
      "
    `);
  });

  it('renders a self-deadlock, a wait-for deadlock, long holds and the summary', () => {
    const report: LockGraphReport = {
      ...abba,
      cycles: [],
      deadlocks: [
        {
          locks: [{ id: 'L1', name: 'lock_a' }],
          edges: [{ from: 'L1', to: 'L1', holder: site(9, 9), acquirer: site(10, 9) }],
        },
        abba.cycles[0]!,
      ],
      longHolds: [{ lock: 'L1', site: site(9, 9), limit: 100, count: 2 }],
      longWaits: [{ lock: 'L2', limit: 100, count: 1 }],
    };
    expect(formatReport(report, 'text', { cwd: '/repo/' })).toMatchInlineSnapshot(`
      "DEADLOCK: a task re-acquired a lock it already holds
      ----------------------------------------------------
        "lock_a" (Lock L1, created at examples/deadlock.ts:4:16)
        taken at examples/deadlock.ts:9:9
        requested again at examples/deadlock.ts:10:9

      The lock is not reentrant: the second acquire was rejected with DeadlockError.

       Possible unsafe locking scenario:

        Task 1
        ------
        lock(lock_a);
        lock(lock_a);

       *** DEADLOCK ***

      DEADLOCK: tasks blocked waiting for each other
      ----------------------------------------------
      One waiter was rejected with DeadlockError so that the others could proceed.

      The wait-for chain is:

      -> #0 lock_a -> lock_b
           lock_a taken at examples/deadlock.ts:9:9 (thread1)
           lock_b waited for at examples/deadlock.ts:12:11 (thread1)

      -> #1 lock_b -> lock_a  (rejected)
           lock_b taken at examples/deadlock.ts:18:9 (thread2)
           lock_a waited for at examples/deadlock.ts:21:11 (thread2)

       Possible unsafe locking scenario:

        Task 1           Task 2
        ------           ------
        lock(lock_b);
                         lock(lock_a);
                         lock(lock_b);
        lock(lock_a);

       *** DEADLOCK ***

      lock "lock_a" (L1) held longer than 100 ms, taken at examples/deadlock.ts:9:9 (2 times)
      lock "lock_b" (L2) waited on longer than 100 ms

      interlock: 0 lock-order cycles, 2 deadlocks (2 locks, 1 edge)
      "
    `);
  });

  it('says so when the report is clean, and renders JSON that parses back to the report', () => {
    const clean: LockGraphReport = { ...abba, cycles: [] };
    expect(formatReport(clean)).toBe('interlock: no lock-order cycles (2 locks, 1 edge)\n');
    expect(parseReport(formatReport(abba, 'json'), 'abba.json')).toEqual(abba);
  });

  it('tells locks that share a name apart by id', () => {
    const twins: LockGraphReport = {
      ...abba,
      cycles: [
        {
          locks: [
            { id: 'L1', name: 'account' },
            { id: 'L2', name: 'account' },
          ],
          edges: abba.cycles[0]!.edges,
        },
      ],
    };
    expect(formatReport(twins)).toContain('lock(account#L1);');
  });
});

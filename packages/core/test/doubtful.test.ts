/**
 * Doubtful findings (issue 8, item 8): a cycle or deadlock that may exist only through work that
 * inherited a lock and is not awaited by its holder. The engine side: what counts as evidence, a
 * doubtful cycle is warned and never thrown, a doubtful deadlock is reported and never broken,
 * and the report keeps the mark through JSON, merging and the text form.
 */
import { describe, expect, it, vi } from 'vitest';
import { DeadlockError, LockOrderError } from '../src/errors.ts';
import { formatReport } from '../src/format-text.ts';
import { mergeReports } from '../src/merge.ts';
import { actsForHolder, SiteCapture } from '../src/sites.ts';
import { parseReport } from '../src/validate-report.ts';
import { harnessFiltered, nest, setup, type Task } from './harness.ts';

/**
 * Runs `run` in a function of its own. A hold taken in there has that arrow as its holder: a
 * request made later by the test's own function is neither it nor awaited by it (doubtful).
 */
function elsewhere<T>(run: () => T): T {
  return run();
}

describe('evidence: does a request act for the holder?', () => {
  it('the same function: certain; a function it calls: called; unrelated: doubtful', () => {
    const holder = new SiteCapture();
    expect(actsForHolder(new SiteCapture(), holder)).toBe('certain');
    expect(elsewhere(() => actsForHolder(new SiteCapture(), holder))).toBe('called');
    const unrelated = elsewhere(() => new SiteCapture());
    expect(actsForHolder(new SiteCapture(), unrelated)).toBe('doubtful');
    expect(actsForHolder(undefined, holder)).toBe('doubtful');
  });

  it('a function the holder awaits is certain, seen through V8’s async stack trace', async () => {
    const holder = new SiteCapture();
    const awaited = async (): Promise<SiteCapture> => {
      await Promise.resolve();
      return new SiteCapture();
    };
    expect(actsForHolder(await awaited(), holder)).toBe('certain');
    let floating: Promise<SiteCapture> | undefined;
    const notAwaited = (): void => {
      floating = awaited();
    };
    notAwaited();
    // Awaited here only after it captured: when it ran, nobody was awaiting it.
    const late = floating!;
    expect(['doubtful', 'certain']).toContain(actsForHolder(await late, holder));
  });
});

describe('doubtful findings in the engine', () => {
  it("a cycle through a doubtful edge is warned, not thrown, under 'throw'", () => {
    const onWarning = vi.fn();
    const { detector, lock, task } = setup({ ...harnessFiltered, onWarning });
    const a = lock('a');
    const b = lock('b');
    const parent = task();
    elsewhere(() => parent.acquire(a));
    const child: Task = task(parent.held); // inherited a
    child.acquire(b); // a request that does not act for a's holder
    expect(() => nest(task, b, a)).not.toThrow();
    expect(detector.cycles()).toHaveLength(1);
    expect(detector.cycles()[0]!.doubtful).toBe(true);
    expect(onWarning).toHaveBeenCalledTimes(1);
    const warning = onWarning.mock.calls[0]![0] as LockOrderError;
    expect(warning).toBeInstanceOf(LockOrderError);
    expect(warning.cycle.doubtful).toBe(true);
  });

  it('a doubtful self-wait is reported after deadlockGrace and never broken', async () => {
    vi.useFakeTimers();
    try {
      const onWarning = vi.fn();
      const { detector, lock, task } = setup({ ...harnessFiltered, onWarning, deadlockGrace: 50 });
      const a = lock('a');
      const parent = task();
      elsewhere(() => parent.acquire(a));
      const child = task(parent.held);
      const reject = vi.fn();
      child.waitFor(a, reject);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(reject).not.toHaveBeenCalled();
      expect(detector.deadlocks()).toHaveLength(1);
      expect(detector.deadlocks()[0]!.doubtful).toBe(true);
      expect(onWarning).toHaveBeenCalledTimes(1);
      expect(onWarning.mock.calls[0]![0]).toBeInstanceOf(DeadlockError);
      expect(detector.stats().blockedWaiters).toBe(1); // still waiting: the holder will release
    } finally {
      vi.useRealTimers();
    }
  });

  it('the mark survives JSON, merging (a certain copy wins) and reads in the text form', () => {
    const { detector, lock, task } = setup({ ...harnessFiltered, onCycle: 'record' });
    const a = lock('a');
    const b = lock('b');
    const parent = task();
    elsewhere(() => parent.acquire(a));
    task(parent.held).acquire(b);
    nest(task, b, a);
    const report = detector.snapshot();
    expect(report.cycles[0]!.doubtful).toBe(true);
    expect(parseReport(formatReport(report, 'json'), 'r.json')).toEqual(report);
    expect(formatReport(report, 'text')).toContain('DOUBTFUL: a task in it holds a lock only');
    const certain = { ...report, cycles: [{ ...report.cycles[0]!, doubtful: undefined }] };
    expect(mergeReports([report]).cycles[0]!.doubtful).toBe(true);
    expect(mergeReports([report, certain]).cycles[0]!.doubtful).toBeUndefined();
    expect(() =>
      parseReport(
        JSON.stringify({ ...report, cycles: [{ ...report.cycles[0]!, doubtful: false }] }),
        'r.json',
      ),
    ).toThrow('`cycles[0].doubtful` must be true when present, got false');
  });
});

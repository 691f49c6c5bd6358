/**
 * `@interlock/primitives/bind`: what source instrumentation (`@interlock/vitest`,
 * `@interlock/primitives/register`) wraps around every awaited acquire, so that the plain
 * (`await lock.acquire(); try … finally { lock.release() }`) and releaser
 * (`const release = await mutex.acquire()`) styles are tracked like `using`.
 *
 * Its own entry point, so that `vi.mock` of a user module can never replace it.
 */
import { HoldGuard } from './guard.ts';
import { markBound, releaserHold } from './internal/bound-holds.ts';
import { enterFrame, frameHas, taskContext, type Frame, type Hold } from './internal/task-context.ts';

/**
 * Enter the holds behind `value` into the current task's frame and return `value` unchanged.
 * `value` may be a guard, an `instrument()` releaser, or an array of them (one level deep, and
 * async-mutex's `[value, releaser]` tuples inside it) — what `Promise.all` of acquires resolves to.
 * Anything else is returned untouched, at the cost of a few type checks.
 *
 * Must run synchronously in the acquiring task's continuation — right after the `await` — which is
 * where the instrumentation puts it: there `enterWith` reaches exactly that task and what it
 * starts later, never its siblings (Node 24's AsyncContextFrame).
 *
 * The hold is not *claimed*: an `RLock` cannot be re-entered through it and anyone may release it,
 * exactly as without instrumentation. See docs/vitest.md.
 *
 * @param site `file:line:column` of the acquire in the original source, for leaked-lock reports.
 * @example
 * ```ts
 * // what `await lock.acquire();` becomes
 * bind(await lock.acquire(), '/src/bank.ts:12:20');
 * ```
 */
export function bind<T>(value: T, site?: string): T {
  if (typeof value === 'object' && value !== null) {
    if (value instanceof HoldGuard) enter(HoldGuard.holdOf(value), site);
    else if (Array.isArray(value)) bindAll(value, site, true);
  } else if (typeof value === 'function') {
    const hold = releaserHold(value);
    if (hold !== undefined) enter(hold, site);
  }
  return value;
}

function bindAll(values: readonly unknown[], site: string | undefined, nested: boolean): void {
  for (const item of values) {
    if (item instanceof HoldGuard) enter(HoldGuard.holdOf(item), site);
    else if (typeof item === 'function') {
      const hold = releaserHold(item);
      if (hold !== undefined) enter(hold, site);
    } else if (nested && Array.isArray(item)) bindAll(item as unknown[], site, false);
  }
}

function enter(hold: Hold, site: string | undefined): void {
  if (hold.count === 0) return;
  markBound(hold, site);
  const frame = taskContext.getStore();
  if (frameHas(frame, hold)) return;
  taskContext.enterWith(withoutEnded(frame, hold));
}

/**
 * `frame + hold`, dropping holds that have ended: plain `release()` cannot remove its hold from
 * the frame (it may run where `enterWith` would leak to a caller), so a loop of plain
 * acquire/release would otherwise grow the frame by one stale hold per turn.
 */
function withoutEnded(frame: Frame | undefined, hold: Hold): Frame {
  if (frame === undefined) return { holds: [hold] };
  const holds = frame.holds.filter((held) => held.count > 0);
  holds.push(hold);
  return { holds };
}

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
import { probe } from './internal/probe.ts';
import { enterUnclaimed, type Hold } from './internal/task-context.ts';

/**
 * Enter the holds behind `value` into the current task's frame and return `value` unchanged.
 * `value` may be a guard, an `instrument()` releaser, or an array of them (one level deep, and
 * async-mutex's `[value, releaser]` tuples inside it) — what `Promise.all` of acquires resolves to.
 * Anything else is returned untouched, at the cost of a few type checks; with the detector off,
 * everything is (one check).
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
  // With the detector off nothing reads a bound hold (only claimed ones matter to the locks).
  if (probe === undefined) return value;
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
  enterUnclaimed(hold);
}

/** The name recorded for the next lock of exactly `target`, the class about to be constructed. */
let pendingName: { readonly name: string; readonly target: unknown } | undefined;

/**
 * Records `name` for the next lock constructed from exactly the class `target`, and returns
 * `value` unchanged. Instrumented code calls it right before constructing an async-mutex lock —
 * after all the constructor's arguments are evaluated, so nothing else runs in between — and the
 * instrumented class's constructor takes the name with {@link takeLockName}. Names come from the
 * source: `const accounts = new Mutex()` is `accounts`, a field `lock` of class `Ledger` is
 * `Ledger.lock` (docs/vitest.md).
 *
 * @example
 * ```ts
 * // what `const accounts = new Mutex();` becomes
 * const accounts = (nameNextLock('accounts', Mutex), new Mutex());
 * ```
 */
export function nameNextLock<T>(name: string, target: unknown, value?: T): T | undefined {
  pendingName = { name, target };
  return value;
}

/**
 * Takes (and clears) the name recorded by {@link nameNextLock} if it was recorded for `target`
 * (pass `new.target`). A name recorded for another class — one whose constructor never took it —
 * is dropped here, never given to this lock.
 */
export function takeLockName(target: unknown): string | undefined {
  const pending = pendingName;
  pendingName = undefined;
  return pending !== undefined && pending.target === target ? pending.name : undefined;
}

import { knownLockTypes, methodNamesOf, webLockKind } from './known-locks.ts';
import type { InterlockSettings } from './settings.ts';

/**
 * Cheap text tests that tell which files can matter to the lock rules, so the cost of the
 * analyses follows the code that uses locks rather than the size of the program. They may say
 * "maybe" for lock-free code (a cost), never "no" for code that uses a lock (a missed finding).
 */
export interface LockUsageTest {
  /** The text calls an acquire, try-acquire or callback method, or uses the Web Locks manager. */
  mayAcquire(text: string): boolean;
  /** The text calls any method of any lock kind (release, wait, notify… too), or uses Web Locks. */
  mayUseLocks(text: string): boolean;
}

const tests = new WeakMap<InterlockSettings, LockUsageTest>();

/** The tests for the lock kinds built in and declared in settings; one per settings object. */
export function lockUsageTest(settings: InterlockSettings): LockUsageTest {
  const cached = tests.get(settings);
  if (cached) return cached;
  const kinds = [
    ...[...knownLockTypes.values()].flatMap((byName) => [...byName.values()]),
    ...settings.locks.map((lock) => lock.kind),
  ];
  const acquisitions = callTest(
    kinds.flatMap((kind) => [...kind.acquire, ...kind.tryAcquire, ...kind.callback]),
  );
  const anyMethod = callTest(kinds.flatMap(methodNamesOf));
  const test: LockUsageTest = {
    mayAcquire: (text) => acquisitions(text) || usesWebLocks(text),
    mayUseLocks: (text) => anyMethod(text) || usesWebLocks(text),
  };
  tests.set(settings, test);
  return test;
}

// Web Locks' `request` is a common method name (HTTP clients): it counts only in a file that
// mentions the lock manager (`navigator.locks`, `locks.request`, a `LockManager` type).
const webLocks = new RegExp(
  `\\.locks\\b|\\blocks\\s*\\.\\s*${[...webLockKind.callback][0] ?? 'request'}\\b|\\bLockManager\\b`,
);

function usesWebLocks(text: string): boolean {
  return (text.includes('locks') || text.includes('LockManager')) && webLocks.test(text);
}

/**
 * A test for a call of one of the methods: `name(`, `name<T>(` or `['name']`. A plain substring
 * search for the names comes first (fast on lock-free files); the regular expression only runs
 * on text that contains one.
 */
function callTest(names: readonly string[]): (text: string) => boolean {
  const unique = [...new Set(names)];
  const alternatives = unique
    .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .sort()
    .join('|');
  const call = new RegExp(
    `(?:^|[^\\w$])(?:${alternatives})\\s*(?:<[^>(]*>\\s*)?\\(|\\[\\s*['"\`](?:${alternatives})['"\`]\\s*\\]`,
  );
  return (text) => unique.some((name) => text.includes(name)) && call.test(text);
}

import type ts from 'typescript';
import { knownLockTypes, methodNamesOf, webLockKind } from './known-locks.ts';
import type { InterlockSettings } from './settings.ts';

/**
 * Cheap text tests that tell which files can matter to the lock rules, so the cost of the
 * analyses follows the code that uses locks rather than the size of the program. They may say
 * "maybe" for lock-free code (a cost), never "no" for code that uses a lock (a missed finding).
 */
export interface LockUsageTest {
  /** The text calls an acquire, try-acquire or callback method, or names the Web Locks manager. */
  mayAcquire(text: string): boolean;
  /** The text calls any method of any lock kind (release, wait, notify…) or names Web Locks. */
  mayUseLocks(text: string): boolean;
  /**
   * The text calls a method named like a Web Locks request (`request(`): a lock operation only
   * where the receiver's type is a `LockManager`, which only the type checker can tell
   * (`ProgramModel.requestsWebLock`). HTTP clients share the name.
   */
  callsRequest(text: string): boolean;
}

/** What a file may do with locks (see `fileLockUsage`). */
export interface FileLockUsage {
  readonly mayAcquire: boolean;
  readonly mayUseLocks: boolean;
}

const nothing: FileLockUsage = { mayAcquire: false, mayUseLocks: false };
const everything: FileLockUsage = { mayAcquire: true, mayUseLocks: true };
const usesWithoutTaking: FileLockUsage = { mayAcquire: false, mayUseLocks: true };

/**
 * What a file may do with locks: the text tests decide, except for a `request(` in a file that
 * does not already count as taking a lock, where `requestsWebLock` (a type question, see
 * `ProgramModel.requestsWebLock`) is asked.
 */
export function fileLockUsage(
  test: LockUsageTest,
  text: string,
  requestsWebLock: () => boolean,
): FileLockUsage {
  // Taking a lock is using one: most files stop at the first test.
  const mayUseLocks = test.mayUseLocks(text);
  if (mayUseLocks && test.mayAcquire(text)) return everything;
  if (test.callsRequest(text) && requestsWebLock()) return everything;
  return mayUseLocks ? usesWithoutTaking : nothing;
}

const tests = new WeakMap<InterlockSettings, LockUsageTest>();
// Every file of a run asks with the same settings: the last answer is checked before the map.
let lastTest: { readonly settings: InterlockSettings; readonly test: LockUsageTest } | undefined;

/** The tests for the lock kinds built in and declared in settings; one per settings object. */
export function lockUsageTest(settings: InterlockSettings): LockUsageTest {
  if (lastTest?.settings === settings) return lastTest.test;
  const cached = tests.get(settings);
  if (cached) {
    lastTest = { settings, test: cached };
    return cached;
  }
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
    callsRequest: webLockRequestCall,
  };
  tests.set(settings, test);
  lastTest = { settings, test };
  return test;
}

// Web Locks' `request` is a common method name (HTTP clients): by text it counts only in a file
// that names the lock manager (`navigator.locks`, `locks.request`, a `LockManager` type).
const webLocks = new RegExp(
  `\\.locks\\b|\\blocks\\s*\\.\\s*${[...webLockKind.callback][0] ?? 'request'}\\b|\\bLockManager\\b`,
);

function usesWebLocks(text: string): boolean {
  return (text.includes('locks') || text.includes('LockManager')) && webLocks.test(text);
}

const webLockRequestCall = callTest([...webLockKind.callback]);

// Program files whose text can hand a LockManager to another file, by program.
const webLocksByProgram = new WeakMap<ts.Program, boolean>();
const webLocksMention = /\bLockManager\b|\blocks\b/;

/**
 * Whether any file of the program other than TypeScript's own lib files (`lib.dom.d.ts` declares
 * `navigator.locks` for every browser project) mentions Web Locks: `LockManager`, or the word
 * `locks` (`navigator.locks`, `const { locks: manager } = navigator`, node's `worker_threads`
 * typings). Only then can a file that never names them hold a LockManager — imported under
 * another name, or returned by a function of another file — so only then is a plain
 * `manager.request(` worth a type question. Once per program: a text search of each file.
 */
export function programMentionsWebLocks(program: ts.Program): boolean {
  let found = webLocksByProgram.get(program);
  if (found === undefined) {
    found = program
      .getSourceFiles()
      .some((file) => !program.isSourceFileDefaultLibrary(file) && webLocksMention.test(file.text));
    webLocksByProgram.set(program, found);
  }
  return found;
}

/**
 * A test for a call of one of the methods: `name(`, `name?.(`, `name<T>(` or `['name']`. A search
 * for the bare names comes first (fast on lock-free files); the call pattern only runs on text
 * that contains one.
 */
function callTest(names: readonly string[]): (text: string) => boolean {
  const unique = [...new Set(names)];
  const alternatives = unique
    .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .sort()
    .join('|');
  // `name?.(` is a call too (an optional call of the method).
  const call = new RegExp(
    `(?:^|[^\\w$])(?:${alternatives})\\s*(?:\\?\\.\\s*)?(?:<[^>(]*>\\s*)?\\(|\\[\\s*['"\`](?:${alternatives})['"\`]\\s*\\]`,
  );
  // One regular expression for "some name occurs" is ~40× faster than a substring search per
  // name (measured on the synthetic corpus' files); most lock-free text stops there. Only at a
  // word's start (a call needs one): `wait` in every `await` sent each async file on to the
  // slower call pattern, twice the time of the test on the synthetic corpus.
  const anyName = new RegExp(`\\b(?:${alternatives})`);
  return (text) => anyName.test(text) && call.test(text);
}

import path from 'node:path';
import type { AnyContext } from './lock-model.ts';
import { lockUsageTest, programMentionsWebLocks } from './lock-usage.ts';
import { readSettings } from './settings.ts';
import { hasIsolatedProgram, seenProgramWith, typeServicesOf } from './type-services.ts';

/**
 * What the cheap text tests say the linted file can involve, computed once per file and shared by
 * every rule: a rule whose findings all need a lock operation in the file creates no listeners
 * where the answer is "no", so lock-free files (most of a program) cost a text search and
 * nothing else — no lock model, no walk, no type question. The tests may say "maybe" for
 * lock-free code, never "no" for code that uses a lock (`lock-usage.ts`).
 */
export interface FileRelevance {
  /** Some call may be a lock operation (acquire, release, wait, notify…, or Web Locks). */
  readonly mayUseLocks: boolean;
  /** Some call may take a lock (acquire, try-acquire, callback form, Web Locks request). */
  readonly mayAcquire: boolean;
  /** The text has a `@guardedBy` or `@requiresLock` tag. */
  readonly annotated: boolean;
}

const annotation = /@(?:guardedBy|requiresLock)\b/;
const relevanceBySource = new WeakMap<object, FileRelevance>();

export function fileRelevance(context: AnyContext): FileRelevance {
  const sourceCode = context.sourceCode;
  const cached = relevanceBySource.get(sourceCode);
  if (cached) return cached;
  const test = lockUsageTest(readSettings(context.settings));
  // With types, a LockManager can arrive from another file under any name; without them the
  // syntactic model only knows Web Locks the file itself names.
  // A file parsed again in single-run mode is asked about with the program it belongs to.
  const program =
    typeServicesOf(sourceCode)?.program ??
    (hasIsolatedProgram(sourceCode)
      ? seenProgramWith(path.resolve(context.cwd, context.filename))
      : undefined);
  const webLocks = program !== undefined && programMentionsWebLocks(program);
  const text = sourceCode.text;
  const mayUseLocks = test.mayUseLocks(text, webLocks);
  const relevance: FileRelevance = {
    mayUseLocks,
    mayAcquire: mayUseLocks && test.mayAcquire(text, webLocks),
    annotated: annotation.test(text),
  };
  relevanceBySource.set(sourceCode, relevance);
  return relevance;
}

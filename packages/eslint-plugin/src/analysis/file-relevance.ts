import path from 'node:path';
import ts from 'typescript';
import type { AnyContext } from './lock-model.ts';
import { fileLockUsage, lockUsageTest, programMentionsWebLocks } from './lock-usage.ts';
import { programEntry } from './program-entry.ts';
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
  const text = sourceCode.text;
  const usage = fileLockUsage(lockUsageTest(readSettings(context.settings)), text, () =>
    requestsWebLock(context),
  );
  const relevance: FileRelevance = { ...usage, annotated: annotation.test(text) };
  relevanceBySource.set(sourceCode, relevance);
  return relevance;
}

/**
 * Whether the linted file, whose text calls `request(` and never names Web Locks, requests one.
 * With types the program model decides (a LockManager can arrive from another file under any
 * name). A file parsed again in single-run mode is asked about with the program it belongs to;
 * when its text has changed since, any `request(` counts if the program mentions Web Locks at
 * all. Without types the syntactic model only knows Web Locks the file itself names: no.
 */
function requestsWebLock(context: AnyContext): boolean {
  const sourceCode = context.sourceCode;
  const services = typeServicesOf(sourceCode);
  const fileName = path.resolve(context.cwd, context.filename);
  const program =
    services?.program ?? (hasIsolatedProgram(sourceCode) ? seenProgramWith(fileName) : undefined);
  if (!program) return false;
  const mapped = services?.esTreeNodeToTSNodeMap.get(sourceCode.ast);
  const sourceFile = mapped && ts.isSourceFile(mapped) ? mapped : program.getSourceFile(fileName);
  if (sourceFile?.text !== sourceCode.text) return programMentionsWebLocks(program);
  return programEntry(program, readSettings(context.settings)).model.requestsWebLock(sourceFile);
}

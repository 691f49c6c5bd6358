import path from 'node:path';
import ts from 'typescript';
import type { AnyContext } from './lock-model.ts';
import {
  fileLockUsage,
  lockUsageTest,
  programMentionsWebLocks,
  type FileLockUsage,
} from './lock-usage.ts';
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

// The answer for the file being linted. ESLint creates every rule of a file one after another, so
// one remembered file serves all seven, and nothing is kept per file (it was a WeakMap entry per
// SourceCode). A call about another file computes its answer again: the same answer.
let last: { readonly sourceCode: object; readonly relevance: FileRelevance } | undefined;

export function fileRelevance(context: AnyContext): FileRelevance {
  const sourceCode = context.sourceCode;
  if (last?.sourceCode === sourceCode) return last.relevance;
  const text = sourceCode.text;
  const usage =
    programUsage(context, text) ??
    fileLockUsage(lockUsageTest(readSettings(context.settings)), text, () =>
      requestsWebLock(context),
    );
  const relevance: FileRelevance = { ...usage, annotated: annotation.test(text) };
  last = { sourceCode, relevance };
  return relevance;
}

/**
 * With types, the program model's answer for the linted file's `ts.SourceFile` (the same text
 * tests, and the same type question for a `request(`): the lock-order graph asks it of every file
 * of the program, so on a program whose first linted file takes a lock every other file's answer
 * is already there, and each file's text is searched once instead of twice. Undefined when the
 * file has no program or its text differs from the program's (a re-parse after a fix).
 */
function programUsage(context: AnyContext, text: string): FileLockUsage | undefined {
  const services = typeServicesOf(context.sourceCode);
  const mapped = services?.esTreeNodeToTSNodeMap.get(context.sourceCode.ast);
  if (!services || !mapped || !ts.isSourceFile(mapped) || mapped.text !== text) return undefined;
  return programEntry(services.program, readSettings(context.settings)).model.usageOf(mapped);
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

import { parseAndGenerateServices, simpleTraverse } from '@typescript-eslint/typescript-estree';
import type { TSESLint } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { HeldLockWalker, type FileFacts } from './held-walk.ts';
import { typedFileModel, type FileLockModel, type ProgramEntry } from './lock-model.ts';

/** The held-lock facts of a file of the program that ESLint is not linting right now. */
export interface ProgramFileFacts {
  readonly fileName: string;
  readonly facts: FileFacts;
  readonly model: FileLockModel;
}

/**
 * Runs the held-lock walk on another file of the program, for whole-program analyses. The
 * file's ESTree is converted from the program's own `ts.SourceFile` (typescript-estree with
 * `programs: [program]`), so its node map points into the same program: identities, types and
 * call summaries are the ones every rule already shares. Passing `programs` also keeps
 * typescript-estree's single-run bookkeeping untouched (it would otherwise treat ESLint's own
 * later parse of that file as a `--fix` re-parse).
 */
export function programFileFacts(
  entry: ProgramEntry,
  sourceFile: ts.SourceFile,
  keys: TSESLint.SourceCode.VisitorKeys,
): ProgramFileFacts | undefined {
  let parsed: ReturnType<typeof parseAndGenerateServices>;
  try {
    parsed = parseAndGenerateServices(sourceFile.text, {
      filePath: sourceFile.fileName,
      programs: [entry.model.program],
      loc: true,
      range: true,
      comment: false,
      tokens: false,
    });
  } catch {
    // A file TypeScript accepts but typescript-estree refuses: it contributes nothing.
    return undefined;
  }
  const nodeMap = parsed.services.esTreeNodeToTSNodeMap;
  if (!nodeMap) return undefined;
  simpleTraverse(parsed.ast, { enter: () => undefined }, true);
  const model = typedFileModel(entry, nodeMap, undefined);
  const walker = new HeldLockWalker(model, keys);
  walker.walkProgram(parsed.ast);
  return { fileName: sourceFile.fileName, facts: walker.facts(), model };
}

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

/** The type information of the file being linted, when there is a program worth asking. */
export interface TypeServices {
  readonly program: ts.Program;
  readonly esTreeNodeToTSNodeMap: { get(node: TSESTree.Node): ts.Node | undefined };
}

/**
 * The parser's program and node map, or undefined when the file has no usable type information.
 *
 * Besides a parser without a program, that includes typescript-estree's *isolated* program. In
 * single-run mode (`CI=true`, the `eslint` CLI) a second parse of a file in one process — every
 * `--fix` pass after a fix, or a second ESLint instance — gets a one-file program built with
 * `noResolve` whose host returns the linted text for every file name and `''` as its current
 * directory. Its imports resolve to copies of the linted file, so its types are wrong, and once
 * the checker names a module in an error (a missing export) TypeScript computes a module
 * specifier against that empty directory and throws. Its empty current directory is what tells
 * it apart: a program built from a tsconfig or a project service always has an absolute one.
 */
export function typeServicesOf(
  sourceCode: Readonly<TSESLint.SourceCode>,
): TypeServices | undefined {
  // Read the services directly: getParserServices throws for parsers without them, and a
  // missing program is the documented no-type-information fallback, not an error.
  const services = sourceCode.parserServices;
  const program = services?.program ?? undefined;
  const esTreeNodeToTSNodeMap = services?.esTreeNodeToTSNodeMap;
  if (!program || !esTreeNodeToTSNodeMap || isIsolatedProgram(program)) return undefined;
  remember(program);
  return { program, esTreeNodeToTSNodeMap };
}

/** Whether the parser handed this file an isolated program (a re-parse in single-run mode). */
export function hasIsolatedProgram(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const program = sourceCode.parserServices?.program;
  return program !== undefined && program !== null && isIsolatedProgram(program);
}

// The real programs rules have seen, newest last: a file parsed again in single-run mode is
// analysed against the one that holds it (`reparsed-program.ts`). Weak references: the parser
// decides how long a program lives; a handful of projects is the common case, so the list is
// short and kept to the newest few.
const seenPrograms: WeakRef<ts.Program>[] = [];
const seen = new WeakSet<ts.Program>();
const maxSeenPrograms = 16;

function remember(program: ts.Program): void {
  if (seen.has(program)) return;
  seen.add(program);
  seenPrograms.push(new WeakRef(program));
  if (seenPrograms.length > maxSeenPrograms) seenPrograms.shift();
}

/** The newest real program seen in this process that has `fileName` among its source files. */
export function seenProgramWith(fileName: string): ts.Program | undefined {
  for (let index = seenPrograms.length - 1; index >= 0; index -= 1) {
    const program = seenPrograms[index]!.deref();
    if (program?.getSourceFile(fileName)) return program;
  }
  return undefined;
}

function isIsolatedProgram(program: ts.Program): boolean {
  return program.getCurrentDirectory() === '' && program.getCompilerOptions().noResolve === true;
}

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
  return { program, esTreeNodeToTSNodeMap };
}

function isIsolatedProgram(program: ts.Program): boolean {
  return program.getCurrentDirectory() === '' && program.getCompilerOptions().noResolve === true;
}

import path from 'node:path';
import type { TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';
import { hasIsolatedProgram, seenProgramWith } from './type-services.ts';

const reparsed = new WeakMap<object, ts.Program | null>();

/**
 * The whole program for a file that the parser handed an isolated program (single-run mode:
 * `CI=true`, the `eslint` CLI; every `--fix` pass after a fix is such a re-parse): the real
 * program an earlier parse of the file belonged to, with the file's current text. When the text
 * is unchanged that is the real program itself, with its cached lock graph; after a fix it is a
 * new program built on it (`oldProgram`), whose host hands back the real program's source files
 * for every other file, so TypeScript reuses them instead of reading and parsing them again.
 * Undefined when no real program with the file was seen in this process, and for files that
 * were not re-parsed.
 */
export function reparsedProgram(
  sourceCode: Readonly<TSESLint.SourceCode>,
  fileName: string,
): ts.Program | undefined {
  const cached = reparsed.get(sourceCode);
  if (cached !== undefined) return cached ?? undefined;
  const program = hasIsolatedProgram(sourceCode) ? withText(fileName, sourceCode.text) : undefined;
  reparsed.set(sourceCode, program ?? null);
  return program;
}

function withText(fileName: string, text: string): ts.Program | undefined {
  const real = seenProgramWith(fileName);
  const old = real?.getSourceFile(fileName);
  if (!real || !old) return undefined;
  if (old.text === text) return real;
  const options = real.getCompilerOptions();
  const host = ts.createCompilerHost(options, true);
  const readSourceFile = host.getSourceFile.bind(host);
  const target = path.resolve(fileName);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    if (path.resolve(name) === target)
      return ts.createSourceFile(name, text, languageVersion, true);
    return real.getSourceFile(name) ?? readSourceFile(name, languageVersion, onError, shouldCreate);
  };
  return ts.createProgram({
    rootNames: real.getRootFileNames(),
    options,
    host,
    oldProgram: real,
    projectReferences: real.getProjectReferences(),
  });
}

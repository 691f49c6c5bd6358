import ts from 'typescript';

/**
 * A TypeScript program of one in-memory file and no libs, for analyses whose answer needs the
 * file's text and tree but no declared types.
 */
export function oneFileProgram(
  text: string,
  fileName = '/virtual/file.ts',
): { program: ts.Program; sourceFile: ts.SourceFile } {
  const options = { noEmit: true, types: [], noLib: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) =>
    name === fileName
      ? ts.createSourceFile(name, text, ts.ScriptTarget.ESNext, true)
      : getSourceFile(name, version);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram([fileName], options, host);
  return { program, sourceFile: program.getSourceFile(fileName)! };
}

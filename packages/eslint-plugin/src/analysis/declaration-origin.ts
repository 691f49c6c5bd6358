import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Where a declaration comes from, in `TypeOrValueSpecifier` terms. `package` is the declaring
 * package whatever `from` says: workspace packages reached through a symlink resolve to their
 * sources (`from: 'file'`) yet still belong to their package.
 */
export interface DeclarationOrigin {
  readonly from: 'package' | 'lib' | 'file';
  readonly fileName: string;
  readonly package: string | undefined;
}

// Directory → the `name` of the nearest package.json at or above it (undefined: none). Shared by
// every program in the process: package.json files do not change during a lint run.
const packageNameByDirectory = new Map<string, string | undefined>();

/**
 * The origin of a declaration. A package is found by the nearest package.json `name`, not by a
 * `node_modules/<pkg>/` path; an ambient `declare module 'pkg'` counts as that package.
 */
export function originOf(declaration: ts.Node, program: ts.Program): DeclarationOrigin {
  const sourceFile = declaration.getSourceFile();
  const fileName = sourceFile.fileName;
  const ambient = ambientModuleName(declaration);
  if (ambient !== undefined) return { from: 'package', package: ambient, fileName };
  if (program.isSourceFileDefaultLibrary(sourceFile))
    return { from: 'lib', package: undefined, fileName };
  const name = nearestPackageName(dirname(fileName));
  const external =
    sourceFile.isDeclarationFile ||
    fileName.includes('/node_modules/') ||
    program.isSourceFileFromExternalLibrary(sourceFile);
  return { from: external && name !== undefined ? 'package' : 'file', package: name, fileName };
}

function ambientModuleName(node: ts.Node): string | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isModuleDeclaration(current) && ts.isStringLiteral(current.name))
      return current.name.text;
  }
  return undefined;
}

function nearestPackageName(directory: string): string | undefined {
  if (packageNameByDirectory.has(directory)) return packageNameByDirectory.get(directory);
  let name: string | undefined;
  try {
    const parsed = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      name?: unknown;
    } | null;
    name = typeof parsed?.name === 'string' ? parsed.name : undefined;
  } catch {
    name = undefined;
  }
  // A nameless package.json (`dist/esm/package.json` holding only `"type": "module"`) does not
  // end the package: keep looking above it.
  if (name === undefined) {
    const parent = dirname(directory);
    name = parent === directory ? undefined : nearestPackageName(parent);
  }
  packageNameByDirectory.set(directory, name);
  return name;
}

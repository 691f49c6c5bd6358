import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { originOf } from '../../src/analysis/declaration-origin.ts';

// A package laid out like many dual builds: a named package.json at the root and a nameless one
// (`{"type": "module"}`) next to the ESM declarations.
const root = mkdtempSync(join(tmpdir(), 'interlock-origin-'));
const packageDir = join(root, 'node_modules', 'async-mutex');
mkdirSync(join(packageDir, 'dist', 'esm'), { recursive: true });
writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'async-mutex' }));
writeFileSync(join(packageDir, 'dist', 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
const declarations = join(packageDir, 'dist', 'esm', 'index.d.ts');
writeFileSync(declarations, 'export declare class Mutex { acquire(): Promise<() => void>; }\n');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('originOf', () => {
  it('looks past a nameless package.json to the package that owns the file', () => {
    const program = ts.createProgram([declarations], { noEmit: true, types: [] });
    program.getTypeChecker(); // binds the files, which sets the parent links originOf walks
    const file = program.getSourceFile(declarations);
    const declaration = file?.statements[0];
    expect(declaration).toBeDefined();
    expect(originOf(declaration!, program)).toEqual({
      from: 'package',
      package: 'async-mutex',
      fileName: declarations,
    });
  });
});

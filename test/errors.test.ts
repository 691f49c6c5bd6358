import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, fromRoot, repoRoot, workspacePackages } from './support/workspace.ts';

/** One row of the table in docs/errors.md. */
interface DocumentedCode {
  readonly code: string;
  readonly className: string;
  readonly packageDir: string;
}

/** A `class X extends Y { readonly code = '…' }` found in a package's sources. */
interface DeclaredCode {
  readonly code: string;
  readonly className: string;
  readonly packageDir: string;
  readonly file: string;
}

const CODE_SCHEME = /^ERR_INTERLOCK_[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

/** The table rows (`| \`ERR_…\` | …`) of one `## heading` section of docs/errors.md. */
function codeRows(heading: string): string[] {
  const text = readFileSync(join(repoRoot, 'docs/errors.md'), 'utf8');
  const start = text.indexOf(`## ${heading}`);
  if (start === -1) return [];
  const next = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, next === -1 ? undefined : next);
  return section.split('\n').filter((line) => /^\| `ERR_/.test(line));
}

/** Codes of argument errors (built-in TypeError/RangeError with a code): their own table. */
function argumentCodes(): string[] {
  return codeRows('Bad arguments').map((row) => /`([^`]+)`/.exec(row)?.[1] ?? '');
}

/** Codes of process warnings (`process.emitWarning(…, { code })`): no class, their own table. */
function warningCodes(): string[] {
  return codeRows('Process warnings').map((row) => /`([^`]+)`/.exec(row)?.[1] ?? '');
}

/** `code: 'ERR_INTERLOCK_…'` passed as a warning's code in a package's sources. */
function emittedWarningCodes(): string[] {
  const codes: string[] = [];
  for (const pkg of workspacePackages()) {
    for (const file of filesUnder(join(pkg.path, 'src'), (name) => name.endsWith('.ts'))) {
      const text = readFileSync(file, 'utf8');
      for (const [, code = ''] of text.matchAll(/\bcode: '(ERR_INTERLOCK_[A-Z0-9_]+)'/g))
        codes.push(code);
    }
  }
  return codes;
}

function documentedCodes(): DocumentedCode[] {
  const rows = codeRows('All codes');
  return rows.map((row) => {
    const [code = '', className = '', packageDir = ''] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => /`([^`]+)`/.exec(cell)?.[1] ?? cell.trim());
    return { code, className, packageDir };
  });
}

function declaredCodes(): DeclaredCode[] {
  const declared: DeclaredCode[] = [];
  for (const pkg of workspacePackages()) {
    for (const file of filesUnder(join(pkg.path, 'src'), (name) => name.endsWith('.ts'))) {
      const text = readFileSync(file, 'utf8');
      const classes = text.matchAll(/class (\w+) extends \w+[^{]*\{([\s\S]*?)\n\}/g);
      for (const [, className = '', body = ''] of classes) {
        const code = /readonly code(?::[^=]+)? = '([^']+)'/.exec(body)?.[1];
        if (code !== undefined)
          declared.push({ code, className, packageDir: pkg.dir, file: fromRoot(file) });
      }
    }
  }
  return declared;
}

type ErrorClass = abstract new (...args: never[]) => Error;

// The entry points an error class may be exported from: the package's main entry, and the
// worker_threads entry (`@interlock/primitives/threads`) where a package has one.
const ERROR_ENTRIES = ['src/index.ts', 'src/threads/index.ts'];

async function exportedClass(
  packageDir: string,
  className: string,
): Promise<ErrorClass | undefined> {
  for (const entryFile of ERROR_ENTRIES) {
    const path = join(repoRoot, 'packages', packageDir, entryFile);
    if (!existsSync(path)) continue;
    const entry = (await import(path)) as Record<string, unknown>;
    if (typeof entry[className] === 'function') return entry[className] as ErrorClass;
  }
  return undefined;
}

describe('error codes', () => {
  const documented = documentedCodes();
  const declared = declaredCodes();

  it('the docs table lists codes (sanity: the parser found the table)', () => {
    expect(documented.length).toBeGreaterThan(5);
    expect(declared.length).toBeGreaterThan(5);
  });

  it('every code follows ERR_INTERLOCK_<SPECIFIC> and is used by one class only', () => {
    for (const { code, file } of declared) expect(code, file).toMatch(CODE_SCHEME);
    const codes = declared.map((entry) => entry.code);
    expect(new Set(codes).size, `a code shared by two classes: ${codes.join(', ')}`).toBe(
      codes.length,
    );
  });

  it('no source string is an ERR_ code outside the scheme', () => {
    for (const pkg of workspacePackages()) {
      for (const file of filesUnder(join(pkg.path, 'src'), (name) => name.endsWith('.ts'))) {
        const strays = [...readFileSync(file, 'utf8').matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g)]
          .map((match) => match[1] ?? '')
          .filter((code) => !CODE_SCHEME.test(code));
        expect(strays, fromRoot(file)).toEqual([]);
      }
    }
  });

  it('docs/errors.md lists exactly the codes the sources declare, with their class and package', () => {
    const sortByCode = <T extends { code: string }>(list: T[]): T[] =>
      [...list].sort((a, b) => a.code.localeCompare(b.code));
    expect(sortByCode(documented)).toEqual(
      sortByCode(
        declared.map(({ code, className, packageDir }) => ({ code, className, packageDir })),
      ),
    );
  });

  it('every documented class is exported by its package and is an InterlockError with that code', async () => {
    const core = (await import(join(repoRoot, 'packages/core/src/index.ts'))) as Record<
      string,
      unknown
    >;
    const base = core['InterlockError'] as abstract new (...args: never[]) => Error;
    for (const { code, className, packageDir } of documented) {
      const errorClass = await exportedClass(packageDir, className);
      expect(errorClass, `${className} is not exported by packages/${packageDir}`).toBeTypeOf(
        'function',
      );
      expect(errorClass?.prototype, className).toBeInstanceOf(base);
      const declaredHere = declared.find((entry) => entry.className === className);
      expect(declaredHere?.code, className).toBe(code);
    }
  });

  it('every error class a package exports extends InterlockError (one scheme in every package)', async () => {
    const core = (await import(join(repoRoot, 'packages/core/src/index.ts'))) as Record<
      string,
      unknown
    >;
    const base = core['InterlockError'] as abstract new (...args: never[]) => Error;
    for (const pkg of workspacePackages()) {
      const entry = (await import(join(pkg.path, 'src/index.ts'))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(entry)) {
        if (value === base || typeof value !== 'function' || !(value.prototype instanceof Error))
          continue;
        expect(value.prototype, `${pkg.dir}: ${name}`).toBeInstanceOf(base);
      }
    }
  });

  it('every warning code the sources emit is in the process-warnings table, and only those', () => {
    expect([...new Set(emittedWarningCodes())].sort()).toEqual([...warningCodes()].sort());
    for (const code of warningCodes()) expect(code).toMatch(CODE_SCHEME);
  });

  it('argument errors: the documented codes are the ones core gives every TypeError/RangeError', async () => {
    const { argumentErrorCodes } = (await import(
      join(repoRoot, 'packages/core/src/index.ts')
    )) as typeof import('../packages/core/src/index.ts');
    expect(argumentCodes().sort()).toEqual(Object.values(argumentErrorCodes).sort());
    const { Lock, Semaphore, BoundedSemaphore } = (await import(
      join(repoRoot, 'packages/primitives/src/index.ts')
    )) as typeof import('../packages/primitives/src/index.ts');
    const thrown = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const wrongType = thrown(() => new Lock('a' as never));
    expect(wrongType).toBeInstanceOf(TypeError);
    expect(wrongType).toMatchObject({ code: argumentErrorCodes.type });
    const outOfRange = thrown(() => new Semaphore(-1));
    expect(outOfRange).toBeInstanceOf(RangeError);
    expect(outOfRange).toMatchObject({ code: argumentErrorCodes.range });
    const bounded = new BoundedSemaphore(1);
    expect(thrown(() => bounded.release())).toMatchObject({ code: argumentErrorCodes.range });
    expect(bounded.value).toBe(1);
  });

  it('no package source builds a TypeError or RangeError by hand: all come with their code', () => {
    for (const pkg of workspacePackages()) {
      for (const file of filesUnder(join(pkg.path, 'src'), (name) => name.endsWith('.ts'))) {
        if (fromRoot(file) === 'packages/core/src/arguments.ts') continue;
        const text = readFileSync(file, 'utf8');
        expect(text, fromRoot(file)).not.toMatch(/\bnew (?:TypeError|RangeError)\(/);
      }
    }
  });

  it('every ERR_ code named in the docs and READMEs is in the table', () => {
    const known = new Set([
      ...documented.map((entry) => entry.code),
      ...warningCodes(),
      ...argumentCodes(),
    ]);
    const markdown = [
      ...filesUnder(join(repoRoot, 'docs'), (name) => name.endsWith('.md')),
      ...filesUnder(join(repoRoot, 'packages'), (name) => name.endsWith('.md')),
      join(repoRoot, 'README.md'),
    ];
    for (const file of markdown) {
      const named = [...readFileSync(file, 'utf8').matchAll(/\bERR_[A-Z0-9_]*[A-Z0-9]\b/g)].map(
        (m) => m[0],
      );
      expect(
        named.filter((code) => code !== 'ERR_INTERLOCK' && !known.has(code)),
        fromRoot(file),
      ).toEqual([]);
    }
  });
});

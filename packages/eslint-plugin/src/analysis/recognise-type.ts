import ts from 'typescript';
import { originOf, type DeclarationOrigin } from './declaration-origin.ts';
import { knownLockTypes, webLockKind } from './known-locks.ts';
import { specifierNames, type InterlockSettings, type TypeSpecifier } from './settings.ts';
import type { LockKind } from './types.ts';

// Deep enough for `class A extends B extends Lock`, shallow enough to stay cheap.
const maxBaseDepth = 4;

/**
 * Recognises lock types through the type checker: by the declaring package and name of the type
 * (or of a base class), never by the shape of its methods — duck typing is what made go vet's
 * copylocks noisy.
 */
export class TypeRecogniser {
  readonly #program: ts.Program;
  readonly #checker: ts.TypeChecker;
  readonly #settings: InterlockSettings;
  // ts.Type → kind, or null for "not a lock"; types are interned by the checker, so this is hit
  // often.
  readonly #cache = new Map<ts.Type, LockKind | null>();

  constructor(program: ts.Program, settings: InterlockSettings) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#settings = settings;
  }

  /** The lock kind of a type, or undefined when it is not a lock. `T | undefined` counts as T. */
  kindOf(type: ts.Type, depth = 0): LockKind | undefined {
    const cached = this.#cache.get(type);
    if (cached !== undefined) return cached ?? undefined;
    const kind = this.#compute(type, depth);
    this.#cache.set(type, kind ?? null);
    return kind;
  }

  #compute(type: ts.Type, depth: number): LockKind | undefined {
    if (type.isUnion()) {
      const parts = type.types.filter(
        (part) => !(part.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)),
      );
      const first = parts[0] && this.kindOf(parts[0], depth);
      return first && parts.every((part) => this.kindOf(part, depth) === first) ? first : undefined;
    }
    if (type.isIntersection()) {
      for (const part of type.types) {
        const kind = this.kindOf(part, depth);
        if (kind) return kind;
      }
      return undefined;
    }
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (!symbol) return undefined;
    const kind = this.#kindOfSymbol(symbol);
    if (kind || depth >= maxBaseDepth) return kind;
    return this.#kindOfBases(type, depth);
  }

  #kindOfSymbol(symbol: ts.Symbol): LockKind | undefined {
    const declaration = symbol.declarations?.[0];
    if (!declaration) return undefined;
    const name = declaredName(symbol, declaration);
    const origin = originOf(declaration, this.#program);
    const builtin =
      origin.package === undefined ? undefined : knownLockTypes.get(origin.package)?.get(name);
    if (builtin) return builtin;
    if (name === 'LockManager' && (origin.from === 'lib' || origin.package === '@types/node'))
      return webLockKind;
    for (const custom of this.#settings.locks) {
      if (matchesSpecifier(custom.specifier, name, origin)) return custom.kind;
    }
    return undefined;
  }

  #kindOfBases(type: ts.Type, depth: number): LockKind | undefined {
    const target = isTypeReference(type) ? type.target : type;
    if (!(target.flags & ts.TypeFlags.Object)) return undefined;
    if (!((target as ts.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface))
      return undefined;
    for (const base of this.#checker.getBaseTypes(target as ts.InterfaceType)) {
      const kind = this.kindOf(base, depth + 1);
      if (kind) return kind;
    }
    return undefined;
  }
}

/**
 * A symbol's name; `export default class X` has the symbol name `default`, so ask the declaration.
 */
function declaredName(symbol: ts.Symbol, declaration: ts.Declaration): string {
  const name = symbol.getName();
  if (name !== 'default') return name;
  const declaredAs = (declaration as { name?: ts.Node }).name;
  return declaredAs && ts.isIdentifier(declaredAs) ? declaredAs.text : name;
}

function isTypeReference(type: ts.Type): type is ts.TypeReference {
  return (
    !!(type.flags & ts.TypeFlags.Object) &&
    !!((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
  );
}

/** Whether a declared type matches a `TypeOrValueSpecifier`-style entry. */
export function matchesSpecifier(
  specifier: TypeSpecifier,
  name: string,
  origin: DeclarationOrigin,
): boolean {
  if (!specifierNames(specifier).includes(name)) return false;
  if (typeof specifier === 'string') return true;
  switch (specifier.from) {
    case 'package':
      return origin.package === specifier.package;
    case 'lib':
      return origin.from === 'lib';
    case 'file': {
      if (origin.from !== 'file') return false;
      if (specifier.path === undefined) return true;
      const wanted = specifier.path.replace(/^\.\//, '');
      return origin.fileName === wanted || origin.fileName.endsWith(`/${wanted}`);
    }
  }
}

import ts from 'typescript';
import { asyncMutexWrappers } from './known-locks.ts';
import { skipOuter } from './ts-ast.ts';
import { classOfThis } from './this-class.ts';

/** Identity of an expression: equal `id`s name the same object. */
export interface Identity {
  readonly id: string;
  readonly display: string;
  /** Reached through async-mutex's `tryAcquire(m)`: acquiring may fail instead of waiting. */
  readonly tryWrapper?: boolean;
  /** The declaration the identity is rooted at (absent for `this`): decides its scope. */
  readonly root?: ts.Declaration;
}

// A chain of `const a = b` aliases longer than this is not followed.
const maxAliasDepth = 8;

/**
 * Lock identity through the type checker. A binding is named by its declaration (so an imported
 * binding, aliased or not, is the exporting module's binding); `this.x` by the class and member
 * (`ClassName.x`); `a.b` by the identity of `a` plus `b`, so two instances are never confused;
 * `const l = other` by `other`.
 */
export class IdentityResolver {
  readonly #checker: ts.TypeChecker;
  // Per-node memo; nodes of one program never change.
  readonly #memo = new WeakMap<ts.Node, Identity | null>();

  constructor(checker: ts.TypeChecker) {
    this.#checker = checker;
  }

  of(expression: ts.Expression, depth = 0): Identity | undefined {
    const memo = this.#memo.get(expression);
    if (memo !== undefined) return memo ?? undefined;
    const identity =
      depth > maxAliasDepth ? undefined : this.#compute(skipOuter(expression), depth);
    this.#memo.set(expression, identity ?? null);
    return identity;
  }

  /** Identity of a declared symbol (a variable, parameter, class, member). */
  ofSymbol(symbol: ts.Symbol, depth = 0): Identity | undefined {
    const resolved =
      symbol.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(symbol) : symbol;
    const declaration = resolved.valueDeclaration ?? resolved.declarations?.[0];
    if (!declaration) return undefined;
    if (
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer &&
      ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const &&
      !ts.isNewExpression(skipOuter(declaration.initializer))
    ) {
      // `const lock = this.lock` and friends are the same lock as their initializer.
      const traced = this.of(declaration.initializer, depth + 1);
      if (traced) return traced;
    }
    // Parameters are marked: the caller chose the object, so per-function facts about it are weak.
    const prefix = ts.isParameter(declaration) ? 'param:' : '';
    return {
      id: `${prefix}${declarationKey(declaration)}`,
      display: resolved.getName(),
      root: declaration,
    };
  }

  #compute(expression: ts.Expression, depth: number): Identity | undefined {
    if (expression.kind === ts.SyntaxKind.ThisKeyword) {
      const owner = classOfThis(expression);
      if (!owner) return undefined;
      // In a static member `this` is the class itself: `this.m` there is `Class.m` anywhere.
      if (inStaticMember(expression))
        return { id: declarationKey(owner), display: owner.name?.text ?? 'this', root: owner };
      return { id: `this:${declarationKey(owner)}`, display: owner.name?.text ?? 'this' };
    }
    if (ts.isIdentifier(expression)) {
      const symbol = this.#checker.getSymbolAtLocation(expression);
      return symbol ? this.ofSymbol(symbol, depth) : undefined;
    }
    if (ts.isPropertyAccessExpression(expression)) {
      // `ns.lock` through `import * as ns` is the exported binding itself.
      const exported = this.#namespaceMember(expression);
      if (exported) return this.ofSymbol(exported, depth + 1);
      // `this.mutex` through `get mutex() { return this.#mutex; }` is the field itself.
      const field = this.#returnedField(
        this.#checker.getSymbolAtLocation(expression.name),
        ts.SyntaxKind.GetAccessor,
      );
      return this.#member(expression.expression, field ?? expression.name.text, depth);
    }
    if (
      ts.isElementAccessExpression(expression) &&
      ts.isStringLiteralLike(expression.argumentExpression)
    ) {
      return this.#member(expression.expression, expression.argumentExpression.text, depth);
    }
    if (ts.isCallExpression(expression))
      return this.#wrapper(expression, depth) ?? this.#getterCall(expression, depth);
    return undefined;
  }

  /**
   * `x.getMutex()` where the method's whole body is `return this.<field>`: `x.<field>`. Other
   * calls (`locks.get(id)`, factories) keep no identity: what they return can differ per call.
   */
  #getterCall(call: ts.CallExpression, depth: number): Identity | undefined {
    const callee = skipOuter(call.expression);
    if (call.arguments.length > 0 || !ts.isPropertyAccessExpression(callee)) return undefined;
    const field = this.#returnedField(
      this.#checker.getSymbolAtLocation(callee.name),
      ts.SyntaxKind.MethodDeclaration,
    );
    return field === undefined ? undefined : this.#member(callee.expression, field, depth);
  }

  /**
   * The field a getter (accessor or method, as `kind` says) returns when its body is just `return
   * this.<field>`.
   */
  #returnedField(
    symbol: ts.Symbol | undefined,
    kind: ts.SyntaxKind.GetAccessor | ts.SyntaxKind.MethodDeclaration,
  ): string | undefined {
    const declarations = symbol?.declarations ?? [];
    const declaration = declarations.find((candidate) => candidate.kind === kind) as
      ts.GetAccessorDeclaration | ts.MethodDeclaration | undefined;
    // An overloaded or ambient method tells us nothing about what it returns.
    if (
      !declaration?.body ||
      declarations.filter((candidate) => candidate.kind === kind).length > 1
    )
      return undefined;
    const [only] = declaration.body.statements;
    if (
      declaration.body.statements.length !== 1 ||
      !only ||
      !ts.isReturnStatement(only) ||
      !only.expression
    )
      return undefined;
    const returned = skipOuter(only.expression);
    if (
      !ts.isPropertyAccessExpression(returned) ||
      skipOuter(returned.expression).kind !== ts.SyntaxKind.ThisKeyword
    )
      return undefined;
    return returned.name.text;
  }

  #member(object: ts.Expression, name: string, depth: number): Identity | undefined {
    const base = this.of(object, depth + 1);
    if (!base) return undefined;
    return {
      id: `${base.id}.${name}`,
      display: `${base.display}.${name}`,
      ...(base.root ? { root: base.root } : {}),
    };
  }

  /** The symbol of `ns.x` when `ns` is a module namespace (`import * as ns`), else undefined. */
  #namespaceMember(expression: ts.PropertyAccessExpression): ts.Symbol | undefined {
    const object = skipOuter(expression.expression);
    if (!ts.isIdentifier(object)) return undefined;
    let symbol = this.#checker.getSymbolAtLocation(object);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.#checker.getAliasedSymbol(symbol);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.ValueModule)) return undefined;
    return this.#checker.getSymbolAtLocation(expression.name);
  }

  /** async-mutex's `withTimeout(m, ms)` and `tryAcquire(m)` wrap the same lock `m`. */
  #wrapper(call: ts.CallExpression, depth: number): Identity | undefined {
    const callee = skipOuter(call.expression);
    const first = call.arguments[0];
    if (!ts.isIdentifier(callee) || !first) return undefined;
    const symbol = this.#checker.getSymbolAtLocation(callee);
    const target =
      symbol && symbol.flags & ts.SymbolFlags.Alias
        ? this.#checker.getAliasedSymbol(symbol)
        : symbol;
    if (!target || !asyncMutexWrappers.has(target.getName())) return undefined;
    const fileName = target.declarations?.[0]?.getSourceFile().fileName ?? '';
    if (!fileName.includes('async-mutex')) return undefined;
    const inner = this.of(first, depth + 1);
    if (!inner) return undefined;
    return target.getName() === 'tryAcquire' ? { ...inner, tryWrapper: true } : inner;
  }
}

/** Whether `this` at a node belongs to a static member (method, accessor, field, static block). */
function inStaticMember(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isClassStaticBlockDeclaration(current)) return true;
    if (ts.isClassElement(current))
      return !!(ts.getCombinedModifierFlags(current) & ts.ModifierFlags.Static);
    if (ts.isFunctionLike(current) && !ts.isClassElement(current)) return false;
  }
  return false;
}

/** A stable key for a declaration: its file and position. */
export function declarationKey(node: ts.Node): string {
  return `${node.getSourceFile().fileName}:${node.pos}`;
}

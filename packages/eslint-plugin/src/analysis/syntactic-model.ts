import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { knownLockTypes } from './known-locks.ts';
import { operationKind } from './program-model.ts';
import { specifierNames, type InterlockSettings } from './settings.ts';
import type { LockKind, LockOp, LockRef } from './types.ts';
import { classOfThisEstree } from './this-class.ts';
import { estreeWebLockView, webLockRequest } from './web-locks.ts';
import { memberKeyName } from './estree.ts';

// A chain of `const a = b` aliases longer than this is not followed.
const maxAliasDepth = 8;

/**
 * The lock model without type information: a lock is a binding or class member of the same file
 * initialised with `new X()`, where `X` is imported from a known package (or named in
 * `settings.interlock.locks`). Locks received as parameters, returned by functions or imported
 * from other files are not seen, and calls are not followed.
 */
export class SyntacticModel {
  readonly #sourceCode: Readonly<TSESLint.SourceCode>;
  readonly #settings: InterlockSettings;
  // Local import name → where it comes from.
  readonly #imports = new Map<string, { source: string; imported: string }>();

  constructor(sourceCode: Readonly<TSESLint.SourceCode>, settings: InterlockSettings) {
    this.#sourceCode = sourceCode;
    this.#settings = settings;
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) {
          // `import AwaitLock from 'await-lock'`: a default export is known by its local name.
          this.#imports.set(specifier.local.name, {
            source: statement.source.value,
            imported: specifier.local.name,
          });
        }
        if (specifier.type !== AST_NODE_TYPES.ImportSpecifier) continue;
        const imported =
          specifier.imported.type === AST_NODE_TYPES.Identifier
            ? specifier.imported.name
            : specifier.imported.value;
        this.#imports.set(specifier.local.name, { source: statement.source.value, imported });
      }
    }
  }

  classify(call: TSESTree.CallExpression): LockOp | undefined {
    const callee = call.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const method = memberName(callee);
    if (method === undefined) return undefined;
    if (method === 'request' && isNavigatorLocks(callee.object)) {
      const request = webLockRequest(
        estreeWebLockView(call, (node) => this.#sourceCode.getText(node)),
      );
      const callback = request && call.arguments[request.callbackIndex];
      return (
        request &&
        callback && {
          kind: 'callback',
          call,
          method,
          lock: request.lock,
          callback,
          exclusive: request.exclusive,
        }
      );
    }
    const lock = this.lockOf(callee.object);
    if (!lock) return undefined;
    const kind = operationKind(lock.kind, method);
    if (!kind) return undefined;
    const callback = kind === 'callback' ? call.arguments[0] : undefined;
    return { kind, call, method, lock, exclusive: true, ...(callback ? { callback } : {}) };
  }

  /** The lock an expression denotes, when it is declared in this file. */
  lockOf(expression: TSESTree.Expression, depth = 0): LockRef | undefined {
    if (depth > maxAliasDepth) return undefined;
    if (expression.type === AST_NODE_TYPES.Identifier)
      return this.#lockOfBinding(expression, depth);
    if (
      expression.type === AST_NODE_TYPES.MemberExpression &&
      expression.object.type === AST_NODE_TYPES.ThisExpression
    ) {
      return this.#lockOfThisMember(expression, depth);
    }
    return undefined;
  }

  #lockOfBinding(identifier: TSESTree.Identifier, depth: number): LockRef | undefined {
    const variable = ASTUtils.findVariable(this.#sourceCode.getScope(identifier), identifier.name);
    const definition = variable?.defs[0];
    if (!definition || definition.node.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
    const init = definition.node.init;
    if (!init) return undefined;
    if (init.type !== AST_NODE_TYPES.NewExpression) {
      return definition.node.parent.kind === 'const' ? this.lockOf(init, depth + 1) : undefined;
    }
    return this.#lockOfConstruction(
      init,
      `var:${definition.name.range[0]}`,
      identifier.name,
      depth,
    );
  }

  #lockOfThisMember(member: TSESTree.MemberExpression, depth: number): LockRef | undefined {
    const name = memberName(member);
    const owner = classOfThisEstree(member);
    if (name === undefined || !owner) return undefined;
    const construction = constructionInClass(owner, name);
    if (!construction) return undefined;
    const className = owner.id?.name ?? 'this';
    return this.#lockOfConstruction(
      construction,
      `this:${owner.range[0]}.${name}`,
      `${className}.${name}`,
      depth,
    );
  }

  #lockOfConstruction(
    construction: TSESTree.NewExpression,
    id: string,
    display: string,
    depth: number,
  ): LockRef | undefined {
    if (construction.callee.type !== AST_NODE_TYPES.Identifier) return undefined;
    const kind = this.#kindOfConstructor(construction.callee.name);
    if (!kind) return undefined;
    const argument = construction.arguments[0];
    const underlying =
      kind.category === 'condition' && argument && argument.type !== AST_NODE_TYPES.SpreadElement
        ? this.lockOf(argument, depth + 1)
        : undefined;
    return { kind, id, display, ...(underlying ? { underlying } : {}) };
  }

  #kindOfConstructor(localName: string): LockKind | undefined {
    const origin = this.#imports.get(localName);
    if (origin) {
      const builtin = knownLockTypes.get(origin.source)?.get(origin.imported);
      if (builtin) return builtin;
    }
    const name = origin?.imported ?? localName;
    for (const custom of this.#settings.locks) {
      const spec = custom.specifier;
      if (!specifierNames(spec).includes(name)) continue;
      if (typeof spec === 'string') return custom.kind;
      if (spec.from === 'package' && origin?.source === spec.package) return custom.kind;
      if (spec.from === 'file' && !origin) return custom.kind;
    }
    return undefined;
  }
}

function memberName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === AST_NODE_TYPES.Identifier)
    return member.property.name;
  if (member.property.type === AST_NODE_TYPES.PrivateIdentifier) return `#${member.property.name}`;
  if (member.property.type === AST_NODE_TYPES.Literal && typeof member.property.value === 'string')
    return member.property.value;
  return undefined;
}

/** `navigator.locks` or `globalThis.navigator.locks`. */
function isNavigatorLocks(expression: TSESTree.Expression): boolean {
  if (expression.type !== AST_NODE_TYPES.MemberExpression || memberName(expression) !== 'locks')
    return false;
  const object = expression.object;
  if (object.type === AST_NODE_TYPES.Identifier) return object.name === 'navigator';
  return object.type === AST_NODE_TYPES.MemberExpression && memberName(object) === 'navigator';
}

/** `x = new L()` as a class field, or `this.x = new L()` in the constructor. */
function constructionInClass(
  owner: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  name: string,
): TSESTree.NewExpression | undefined {
  for (const element of owner.body.body) {
    if (
      element.type === AST_NODE_TYPES.PropertyDefinition &&
      memberKeyName(element.key) === name &&
      element.value?.type === AST_NODE_TYPES.NewExpression
    ) {
      return element.value;
    }
    if (element.type === AST_NODE_TYPES.MethodDefinition && element.kind === 'constructor') {
      for (const statement of element.value.body?.body ?? []) {
        if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
        const expression = statement.expression;
        if (
          expression.type === AST_NODE_TYPES.AssignmentExpression &&
          expression.left.type === AST_NODE_TYPES.MemberExpression &&
          expression.left.object.type === AST_NODE_TYPES.ThisExpression &&
          memberName(expression.left) === name &&
          expression.right.type === AST_NODE_TYPES.NewExpression
        ) {
          return expression.right;
        }
      }
    }
  }
  return undefined;
}

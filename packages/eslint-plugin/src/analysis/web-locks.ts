import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { webLockKind } from './known-locks.ts';
import { constantString, skipOuter } from './ts-ast.ts';
import type { LockRef } from './types.ts';

/**
 * One property of a Web Locks options literal, as either syntax tree reads it. `value` is the
 * constant the property holds (a string or boolean), or `unknown` when it cannot be read.
 */
export interface WebLockOption {
  readonly key: string | undefined;
  readonly value: string | boolean | typeof unknownValue;
}

export const unknownValue: unique symbol = Symbol('unknown option value');

/** A `navigator.locks.request(name, [options], callback)` call, as either syntax tree reads it. */
export interface WebLockRequestView {
  readonly argumentCount: number;
  /** The constant lock name, when it is one. */
  readonly name: string | undefined;
  /** Source text of the name argument, for messages when it is not constant. */
  readonly nameText: string;
  /** The options' properties; undefined when there is a middle argument that is no literal. */
  readonly options: readonly WebLockOption[] | undefined;
}

/** What a Web Locks request does: which lock, whether exclusive, which argument is the callback. */
export interface WebLockRequest {
  readonly lock: LockRef;
  readonly callbackIndex: number;
  readonly exclusive: boolean;
}

/**
 * The one place that decides what a Web Locks request means. Identity is the name when it is
 * constant. The request is exclusive and waits unless its options say `mode: 'shared'`,
 * `ifAvailable` or `steal`; options that cannot be read count as not exclusive (no finding).
 */
export function webLockRequest(view: WebLockRequestView): WebLockRequest | undefined {
  if (view.argumentCount < 2) return undefined;
  const hasOptions = view.argumentCount >= 3;
  return {
    lock: {
      kind: webLockKind,
      id: view.name === undefined ? undefined : `weblock:${view.name}`,
      display: view.name === undefined ? view.nameText : `'${view.name}'`,
    },
    callbackIndex: view.argumentCount - 1,
    exclusive: !hasOptions || (view.options !== undefined && view.options.every(keepsExclusive)),
  };
}

function keepsExclusive(option: WebLockOption): boolean {
  if (option.key === undefined) return false;
  if (option.key === 'mode') return option.value === 'exclusive';
  if (option.key === 'ifAvailable' || option.key === 'steal') return option.value === false;
  return true;
}

/** Reads a request from the TypeScript tree (`checker` resolves `const` names). */
export function tsWebLockView(
  call: ts.CallExpression,
  checker: ts.TypeChecker,
): WebLockRequestView {
  const [nameArgument, second] = call.arguments;
  const literal = second && call.arguments.length >= 3 ? skipOuter(second) : undefined;
  let options: WebLockOption[] | undefined;
  if (literal && ts.isObjectLiteralExpression(literal)) {
    options = literal.properties.map((property) => {
      if (!ts.isPropertyAssignment(property)) return { key: undefined, value: unknownValue };
      const key =
        ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)
          ? property.name.text
          : undefined;
      const value = skipOuter(property.initializer);
      if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) {
        return { key, value: value.kind === ts.SyntaxKind.TrueKeyword };
      }
      return { key, value: constantString(value, checker) ?? unknownValue };
    });
  }
  return {
    argumentCount: call.arguments.length,
    name: nameArgument ? constantString(nameArgument, checker) : undefined,
    nameText: nameArgument?.getText() ?? 'lock',
    options,
  };
}

/** Reads a request from the ESTree tree (no type information: only literal names). */
export function estreeWebLockView(
  call: TSESTree.CallExpression,
  sourceText: (node: TSESTree.Node) => string,
): WebLockRequestView {
  const [nameArgument, second] = call.arguments;
  let options: WebLockOption[] | undefined;
  if (second?.type === AST_NODE_TYPES.ObjectExpression && call.arguments.length >= 3) {
    options = second.properties.map((property) => {
      if (property.type !== AST_NODE_TYPES.Property || property.computed)
        return { key: undefined, value: unknownValue };
      const key =
        property.key.type === AST_NODE_TYPES.Identifier
          ? property.key.name
          : property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string'
            ? property.key.value
            : undefined;
      const value = property.value;
      if (value.type === AST_NODE_TYPES.Literal && typeof value.value === 'boolean')
        return { key, value: value.value };
      return { key, value: staticString(value) ?? unknownValue };
    });
  }
  return {
    argumentCount: call.arguments.length,
    name: nameArgument ? staticString(nameArgument) : undefined,
    nameText: nameArgument ? sourceText(nameArgument) : 'lock',
    options,
  };
}

/** A string literal or a template literal without substitutions. */
export function staticString(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

export type FunctionNode =
  TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export function isFunction(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression
  );
}

/**
 * Strips parentheses-free wrappers that do not change the value: `x!`, `x as T`, `x satisfies T`.
 */
export function skipTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion
  ) {
    current = current.expression;
  }
  return current;
}

/** The call inside `await call`, `call`, `call!`, or undefined. */
export function awaitedCall(
  node: TSESTree.Node | null | undefined,
): { call: TSESTree.CallExpression; awaited: boolean } | undefined {
  if (!node) return undefined;
  let inner = skipTypeWrappers(node);
  let awaited = false;
  if (inner.type === AST_NODE_TYPES.AwaitExpression) {
    awaited = true;
    inner = skipTypeWrappers(inner.argument);
  }
  if (inner.type === AST_NODE_TYPES.ChainExpression) inner = inner.expression;
  return inner.type === AST_NODE_TYPES.CallExpression ? { call: inner, awaited } : undefined;
}

/** The name of the member called in `x.name()` / `x['name']()`. */
export function calledMethodName(call: TSESTree.CallExpression): string | undefined {
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (!callee.computed && callee.property.type === AST_NODE_TYPES.Identifier)
    return callee.property.name;
  if (callee.property.type === AST_NODE_TYPES.Literal && typeof callee.property.value === 'string')
    return callee.property.value;
  return undefined;
}

/** The innermost function around a node, or undefined at module level. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current)) return current;
  }
  return undefined;
}

/** A class member's name: `x`, or `#x` for a private name; undefined for computed keys. */
export function memberKeyName(key: TSESTree.Node): string | undefined {
  if (key.type === AST_NODE_TYPES.Identifier) return key.name;
  return key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : undefined;
}

/**
 * The child nodes of a node, in source order, by the parser's visitor keys: the one way the
 * analyses step into a node's children (they differ in which children they skip).
 */
export function childNodes(
  node: TSESTree.Node,
  keys: Readonly<Record<string, readonly string[] | undefined>>,
): TSESTree.Node[] {
  const children: TSESTree.Node[] = [];
  for (const key of keys[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (isNode(child)) children.push(child);
    }
  }
  return children;
}

/** Every node under `root` (itself included) in source order, nested functions included. */
export function everyNode(
  root: TSESTree.Node,
  keys: Readonly<Record<string, readonly string[] | undefined>>,
  visit: (node: TSESTree.Node) => void,
): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const children = childNodes(node, keys);
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
}

function isNode(value: unknown): value is TSESTree.Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

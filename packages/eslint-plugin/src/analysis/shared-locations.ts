import { ASTUtils, AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { enclosingFunction, skipTypeWrappers, type FunctionNode } from './estree.ts';
import { classOfThisEstree } from './this-class.ts';

const { DefinitionType, ScopeType } = TSESLint.Scope;

type Scope = TSESLint.Scope.Scope;
type Variable = TSESLint.Scope.Variable;

/** Why a location can be seen by more than one task. */
export type SharedRoot =
  /** A binding of the module (or global) scope. */
  | 'module'
  /** A binding of an enclosing function, used from a closure (two runs of it can interleave). */
  | 'captured'
  /** A property of `this` in a class. */
  | 'this'
  /** A property of a parameter: the caller chose the object, other tasks may hold it too. */
  | 'param';

/**
 * A place a write can go to that other tasks can also reach: `counter`, `this.items`,
 * `state.count`, `job.attempts`. Two accesses with the same `key` name the same place (within
 * one file); `field` is the first property under the root, what `@guardedBy` annotates.
 */
export interface SharedLocation {
  readonly key: string;
  /**
   * The key of the annotated part: the binding itself, or `this.field` (what `@guardedBy` is on).
   */
  readonly guardKey: string;
  readonly display: string;
  readonly root: SharedRoot;
  /** The binding at the root (module, captured or parameter), when there is one. */
  readonly variable?: Variable;
  /** For `this.x…`: the class and `x`. */
  readonly owner?: TSESTree.ClassDeclaration | TSESTree.ClassExpression;
  readonly field?: string;
}

/**
 * The shared location an expression names, or undefined when it is local (a binding of the
 * function it is used in, or a property of such a binding: an object that does not escape is
 * nobody else's). Computed members keep their key's text (`this.counts[id]`).
 */
export function sharedLocationOf(
  expression: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
): SharedLocation | undefined {
  const node = skipTypeWrappers(expression);
  if (node.type === AST_NODE_TYPES.Identifier) return sharedBinding(node, sourceCode);
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const path: string[] = [];
  let current: TSESTree.Node = node;
  while (current.type === AST_NODE_TYPES.MemberExpression) {
    path.unshift(memberText(current, sourceCode));
    current = skipTypeWrappers(current.object);
  }
  const suffix = path.join('');
  if (current.type === AST_NODE_TYPES.ThisExpression) {
    const owner = classOfThisEstree(current);
    const first = path[0];
    if (!owner || first === undefined || !first.startsWith('.')) return undefined;
    return {
      key: `this:${owner.range[0]}${suffix}`,
      guardKey: `this:${owner.range[0]}${first}`,
      display: `this${suffix}`,
      root: 'this',
      owner,
      field: first.slice(1),
    };
  }
  if (current.type !== AST_NODE_TYPES.Identifier) return undefined;
  const base = sharedBinding(current, sourceCode) ?? parameterBinding(current, sourceCode);
  if (!base) return undefined;
  return { ...base, key: `${base.key}${suffix}`, display: `${base.display}${suffix}` };
}

/** The key `@guardedBy` on a module variable or class field gives the location it annotates. */
export function bindingGuardKey(identifier: TSESTree.Identifier): string {
  return `var:${identifier.range[0]}`;
}

/** The key of `this.<field>` in `owner`. */
export function fieldGuardKey(
  owner: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  field: string,
): string {
  return `this:${owner.range[0]}.${field}`;
}

/** Whether `inner` is `outer` or a part of it (`this.a.b` is part of `this.a`). */
export function isPartOf(inner: SharedLocation, outer: SharedLocation): boolean {
  return (
    inner.key === outer.key ||
    inner.key.startsWith(`${outer.key}.`) ||
    inner.key.startsWith(`${outer.key}[`)
  );
}

function memberText(
  member: TSESTree.MemberExpression,
  sourceCode: Readonly<TSESLint.SourceCode>,
): string {
  const property = member.property;
  if (!member.computed)
    return property.type === AST_NODE_TYPES.PrivateIdentifier
      ? `.#${property.name}`
      : `.${sourceCode.getText(property)}`;
  if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string')
    return `.${property.value}`;
  return `[${sourceCode.getText(property)}]`;
}

/** The variable an identifier refers to, from the scope it is used in. */
export function variableOf(
  identifier: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): Variable | undefined {
  return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier.name) ?? undefined;
}

/** The function (or module) whose scope declares a variable. */
function declaringFunction(variable: Variable): FunctionNode | undefined | null {
  let scope: Scope | null = variable.scope;
  while (
    scope &&
    scope.type !== ScopeType.function &&
    scope.type !== ScopeType.module &&
    scope.type !== ScopeType.global
  )
    scope = scope.upper;
  if (!scope || scope.type !== ScopeType.function) return null;
  return scope.block as FunctionNode;
}

function sharedBinding(
  identifier: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): SharedLocation | undefined {
  const variable = variableOf(identifier, sourceCode);
  const definition = variable?.defs[0];
  // Imports are read-only bindings, classes and functions are not state.
  if (!variable || !definition || definition.type !== DefinitionType.Variable) return undefined;
  const owner = declaringFunction(variable);
  const key = bindingGuardKey(definition.name);
  if (owner === null)
    return { key, guardKey: key, display: identifier.name, root: 'module', variable };
  if (owner !== enclosingFunction(identifier))
    return { key, guardKey: key, display: identifier.name, root: 'captured', variable };
  return undefined;
}

function parameterBinding(
  identifier: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): SharedLocation | undefined {
  const variable = variableOf(identifier, sourceCode);
  const definition = variable?.defs[0];
  if (!variable || definition?.type !== DefinitionType.Parameter) return undefined;
  const key = `param:${definition.name.range[0]}`;
  return { key, guardKey: key, display: identifier.name, root: 'param', variable };
}

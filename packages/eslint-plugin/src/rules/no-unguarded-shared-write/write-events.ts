import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  calledMethodName,
  enclosingFunction,
  memberKeyName,
  skipTypeWrappers,
  type FunctionNode,
} from '../../analysis/estree.ts';
import type { FileLockModel } from '../../analysis/lock-model.ts';
import { sharedLocationOf, type SharedLocation } from '../../analysis/shared-locations.ts';

/** How a write changes its location. */
export type WriteKind = 'assignment' | 'compound' | 'update' | 'delete' | 'call';

/** One write to a shared location. `node` is the expression the held-lock walk answers for. */
export interface WriteEvent {
  readonly node:
    | TSESTree.AssignmentExpression
    | TSESTree.UpdateExpression
    | TSESTree.UnaryExpression
    | TSESTree.CallExpression;
  readonly kind: WriteKind;
  /**
   * The expression written: the assignment's left side, the updated or deleted operand, the
   * receiver.
   */
  readonly target: TSESTree.Node;
  readonly location: SharedLocation;
  /** The mutating method, for `call`. */
  readonly method?: string;
}

/** Methods that change the array, Map, Set or typed array they are called on. */
const mutatingMethods: ReadonlySet<string> = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'delete',
  'clear',
  'add',
]);

/**
 * A write event for a node, when the node writes a shared location. Mutating calls are taken by
 * name here; confirm them with `isCollectionWrite` before reporting or counting them.
 */
export function writeEventOf(
  node: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
): WriteEvent | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.AssignmentExpression: {
      const location = sharedLocationOf(node.left, sourceCode);
      return (
        location && {
          node,
          kind: node.operator === '=' ? 'assignment' : 'compound',
          target: node.left,
          location,
        }
      );
    }
    case AST_NODE_TYPES.UpdateExpression: {
      const location = sharedLocationOf(node.argument, sourceCode);
      return location && { node, kind: 'update', target: node.argument, location };
    }
    case AST_NODE_TYPES.UnaryExpression: {
      if (node.operator !== 'delete') return undefined;
      const location = sharedLocationOf(node.argument, sourceCode);
      return location && { node, kind: 'delete', target: node.argument, location };
    }
    case AST_NODE_TYPES.CallExpression: {
      const method = calledMethodName(node);
      const callee = node.callee;
      if (
        method === undefined ||
        !mutatingMethods.has(method) ||
        callee.type !== AST_NODE_TYPES.MemberExpression
      )
        return undefined;
      const receiver = skipTypeWrappers(callee.object);
      // Whether the receiver is a collection (a type question) is asked only of the calls that
      // matter, through `isCollectionWrite`.
      const location = sharedLocationOf(receiver, sourceCode);
      return location && { node, kind: 'call', target: receiver, location, method };
    }
    default:
      return undefined;
  }
}

/**
 * Writes that set a location up rather than change shared state: in a constructor of the
 * location's class, a class field initialiser or static block, or top-level module code
 * (which runs once, before anything can interleave with it).
 */
export function isInitialisation(event: WriteEvent): boolean {
  const fn = enclosingFunction(event.node);
  if (!fn) return true;
  if (event.location.root !== 'this') return false;
  // `this.x = …` in the constructor itself, or in an arrow function it runs.
  for (let current: FunctionNode | undefined = fn; current; current = enclosingFunction(current)) {
    if (isConstructor(current)) return true;
    if (current.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
  }
  return false;
}

function isConstructor(fn: FunctionNode): boolean {
  return fn.parent?.type === AST_NODE_TYPES.MethodDefinition && fn.parent.kind === 'constructor';
}

/**
 * The name callers use for a function: a method's key, a declared or `const`-bound function's name.
 */
export function calleeNameOf(fn: FunctionNode): { name: string; method: boolean } | undefined {
  const parent = fn.parent;
  if (
    (parent?.type === AST_NODE_TYPES.MethodDefinition ||
      parent?.type === AST_NODE_TYPES.PropertyDefinition) &&
    !parent.computed
  ) {
    const name = memberKeyName(parent.key);
    if (
      name === undefined ||
      (parent.type === AST_NODE_TYPES.MethodDefinition && parent.kind !== 'method')
    )
      return undefined;
    return { name, method: true };
  }
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id)
    return { name: fn.id.name, method: false };
  if (
    parent?.type === AST_NODE_TYPES.VariableDeclarator &&
    parent.id.type === AST_NODE_TYPES.Identifier
  )
    return { name: parent.id.name, method: false };
  return undefined;
}

/**
 * Whether a write really changes its location: always, except a mutating-named call on something
 * that is no array, Map or Set.
 */
export function isCollectionWrite(event: WriteEvent, model: FileLockModel): boolean {
  if (event.kind !== 'call' || event.node.type !== AST_NODE_TYPES.CallExpression) return true;
  const callee = event.node.callee;
  return callee.type === AST_NODE_TYPES.MemberExpression && model.isCollection(callee.object);
}

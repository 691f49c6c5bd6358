import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calledMethodName, isFunction } from './estree.ts';
import type { FileLockModel } from './lock-model.ts';

/**
 * Whether a statement between an acquire and the `try` that releases it can throw (Error Prone's
 * `LockNotBeforeTry` asks the same). Decided from the syntax and, for method calls, the type of
 * the receiver; anything not listed here is taken to be able to throw:
 *
 * - declarations without initialiser, or initialised with a safe expression;
 * - safe expressions: literals, template literals of safe parts, reads of a binding or of `this.x`,
 *   function and arrow expressions (creating a closure runs nothing), array and object literals of
 *   safe parts without spreads, a property of an array, Map or Set (`items.length`),
 *   `!`/`typeof`/`void`, `===`/`!==`, `&&`/`||`/`??`, `?:` of safe parts,
 *   `x = safe` to a binding, `x++`/`x--` on a binding or `this.x`;
 * - calls of built-ins that cannot fail on their argument: `clear`, `has`, `get`, `set`, `add`,
 *   `delete`, `push`, `includes`, `indexOf`, `at`, `keys`, `values`, `entries`, `slice` on an
 *   array,
 *   Map, Set or typed array from TypeScript's lib (with type information; without it, the name
 *   decides), and `Array.from`/`Array.of`/`Array.isArray`, `Date.now()`, `performance.now()`,
 *   `Math.random()` — all with safe arguments;
 * - `break` and empty statements.
 *
 * Getters and `valueOf` could in principle throw on a read or a comparison; code that does that
 * between acquiring and `try` is rare enough that we accept the missed finding.
 */
export function cannotThrow(statement: TSESTree.Node, model: FileLockModel): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.EmptyStatement:
    case AST_NODE_TYPES.BreakStatement:
      return true;
    case AST_NODE_TYPES.VariableDeclaration:
      return (
        (statement.kind === 'const' || statement.kind === 'let' || statement.kind === 'var') &&
        statement.declarations.every(
          (declarator) =>
            declarator.id.type === AST_NODE_TYPES.Identifier &&
            (declarator.init === null || isSafe(declarator.init, model)),
        )
      );
    case AST_NODE_TYPES.ExpressionStatement:
      return isSafe(statement.expression, model);
    default:
      return false;
  }
}

const safeCollectionMethods: ReadonlySet<string> = new Set([
  'clear',
  'has',
  'get',
  'set',
  'add',
  'delete',
  'push',
  'includes',
  'indexOf',
  'at',
  'keys',
  'values',
  'entries',
  'slice',
]);
const safeStaticCalls: ReadonlySet<string> = new Set([
  'Array.from',
  'Array.of',
  'Array.isArray',
  'Date.now',
  'performance.now',
  'Math.random',
]);

function isSafe(node: TSESTree.Node, model: FileLockModel): boolean {
  if (isFunction(node)) return true;
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.ThisExpression:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.every((expression) => isSafe(expression, model));
    case AST_NODE_TYPES.MemberExpression:
      // `this.x`, and `.length`/`.size` of an array, Map or Set.
      if (node.computed) return false;
      if (node.object.type === AST_NODE_TYPES.ThisExpression) return true;
      return isSafe(node.object, model) && model.isCollection(node.object);
    case AST_NODE_TYPES.ArrayExpression:
      return node.elements.every(
        (element) =>
          element === null ||
          (element.type !== AST_NODE_TYPES.SpreadElement && isSafe(element, model)),
      );
    case AST_NODE_TYPES.ObjectExpression:
      return node.properties.every(
        (property) =>
          property.type === AST_NODE_TYPES.Property &&
          !property.computed &&
          isSafe(property.value, model),
      );
    case AST_NODE_TYPES.UnaryExpression:
      return (
        (node.operator === '!' || node.operator === 'typeof' || node.operator === 'void') &&
        isSafe(node.argument, model)
      );
    case AST_NODE_TYPES.BinaryExpression:
      return (
        (node.operator === '===' || node.operator === '!==') &&
        isSafe(node.left, model) &&
        isSafe(node.right, model)
      );
    case AST_NODE_TYPES.LogicalExpression:
      return isSafe(node.left, model) && isSafe(node.right, model);
    case AST_NODE_TYPES.ConditionalExpression:
      return (
        isSafe(node.test, model) && isSafe(node.consequent, model) && isSafe(node.alternate, model)
      );
    case AST_NODE_TYPES.AssignmentExpression:
      return (
        node.operator === '=' &&
        node.left.type === AST_NODE_TYPES.Identifier &&
        isSafe(node.right, model)
      );
    case AST_NODE_TYPES.UpdateExpression:
      return node.argument.type === AST_NODE_TYPES.Identifier || isSafe(node.argument, model);
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return isSafe(node.expression, model);
    case AST_NODE_TYPES.CallExpression:
      return isSafeCall(node, model);
    default:
      return false;
  }
}

function isSafeCall(call: TSESTree.CallExpression, model: FileLockModel): boolean {
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression || call.optional) return false;
  if (
    !call.arguments.every(
      (argument) => argument.type !== AST_NODE_TYPES.SpreadElement && isSafe(argument, model),
    )
  )
    return false;
  const method = calledMethodName(call);
  if (method === undefined) return false;
  if (
    callee.object.type === AST_NODE_TYPES.Identifier &&
    safeStaticCalls.has(`${callee.object.name}.${method}`)
  ) {
    // `Array.from(x)` iterates x: safe when x is an array, Map or Set (or a literal).
    const [first] = call.arguments;
    return (
      first === undefined ||
      first.type === AST_NODE_TYPES.ArrayExpression ||
      (first.type !== AST_NODE_TYPES.SpreadElement && model.isCollection(first))
    );
  }
  return (
    safeCollectionMethods.has(method) &&
    isSafe(callee.object, model) &&
    model.isCollection(callee.object)
  );
}

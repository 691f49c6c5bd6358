import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { skipTypeWrappers } from '../../analysis/estree.ts';

/** A non-atomic read-modify-write of one element of a typed array over shared memory. */
export interface SharedMemoryUpdate {
  readonly element: TSESTree.MemberExpression;
  /**
   * The `Atomics` call that does the same atomically, when there is one (integer arrays, statement
   * position).
   */
  readonly replacement?: string;
}

// Typed arrays `Atomics` works on; float arrays have no atomic add.
const integerArrays = new Set([
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
]);
const floatArrays = new Set(['Float16Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray']);
const atomicOperators: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'sub',
  '&': 'and',
  '|': 'or',
  '^': 'xor',
};

interface Services {
  readonly checker: ts.TypeChecker;
  readonly map: { get(node: TSESTree.Node): ts.Node | undefined };
}

/**
 * `a[i]++`, `a[i] += x`, `a[i] = a[i] + x` on a typed array whose type says its buffer is a
 * `SharedArrayBuffer` (`Int32Array<SharedArrayBuffer>`): another thread can write the element
 * between this thread's read and write. Needs type information; arrays over an `ArrayBuffer`
 * (or `ArrayBufferLike`, which may be either) are never reported.
 */
export function sharedMemoryUpdate(
  node: TSESTree.AssignmentExpression | TSESTree.UpdateExpression,
  sourceCode: Readonly<TSESLint.SourceCode>,
  services: Services,
): SharedMemoryUpdate | undefined {
  const target = skipTypeWrappers(
    node.type === AST_NODE_TYPES.UpdateExpression ? node.argument : node.left,
  );
  if (target.type !== AST_NODE_TYPES.MemberExpression || !target.computed) return undefined;
  // `a[i] = v` changes nothing it read unless `v` is a binary expression: no type question.
  if (
    node.type === AST_NODE_TYPES.AssignmentExpression &&
    node.operator === '=' &&
    skipTypeWrappers(node.right).type !== AST_NODE_TYPES.BinaryExpression
  )
    return undefined;
  const arrayKind = sharedArrayKind(target.object, services);
  if (!arrayKind) return undefined;
  const statement = node.parent?.type === AST_NODE_TYPES.ExpressionStatement;
  const one = arrayKind.startsWith('Big') ? '1n' : '1';
  const call = (operation: string, operand: string): string | undefined =>
    statement && integerArrays.has(arrayKind)
      ? `Atomics.${operation}(${sourceCode.getText(target.object)}, ${sourceCode.getText(target.property)}, ${operand})`
      : undefined;
  if (node.type === AST_NODE_TYPES.UpdateExpression) {
    return withReplacement(target, call(node.operator === '++' ? 'add' : 'sub', one));
  }
  if (node.operator !== '=') {
    const operation = atomicOperators[node.operator.slice(0, -1)];
    return withReplacement(
      target,
      operation ? call(operation, sourceCode.getText(node.right)) : undefined,
    );
  }
  // `a[i] = a[i] + x` (or `x + a[i]`, `a[i] - x`): the element is read on the right.
  const right = skipTypeWrappers(node.right);
  if (right.type !== AST_NODE_TYPES.BinaryExpression) return undefined;
  const text = sourceCode.getText(target);
  const sameElement = (side: TSESTree.Node): boolean =>
    sourceCode.getText(skipTypeWrappers(side)) === text;
  const operation = atomicOperators[right.operator];
  if (sameElement(right.left))
    return withReplacement(
      target,
      operation ? call(operation, sourceCode.getText(right.right)) : undefined,
    );
  if (sameElement(right.right)) {
    const commutes =
      right.operator === '+' ||
      right.operator === '&' ||
      right.operator === '|' ||
      right.operator === '^';
    return withReplacement(
      target,
      commutes && operation ? call(operation, sourceCode.getText(right.left)) : undefined,
    );
  }
  return undefined;
}

function withReplacement(
  element: TSESTree.MemberExpression,
  replacement: string | undefined,
): SharedMemoryUpdate {
  return replacement === undefined ? { element } : { element, replacement };
}

/** The typed array's name when its type says its buffer is a SharedArrayBuffer. */
function sharedArrayKind(object: TSESTree.Expression, services: Services): string | undefined {
  const tsNode = services.map.get(object);
  if (!tsNode) return undefined;
  const type = services.checker.getTypeAtLocation(tsNode).getNonNullableType();
  const name = type.getSymbol()?.getName();
  if (name === undefined || (!integerArrays.has(name) && !floatArrays.has(name))) return undefined;
  if (
    !(type.flags & ts.TypeFlags.Object) ||
    !((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
  )
    return undefined;
  const [buffer] = services.checker.getTypeArguments(type as ts.TypeReference);
  return buffer?.getSymbol()?.getName() === 'SharedArrayBuffer' ? name : undefined;
}

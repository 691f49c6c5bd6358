import { simpleTraverse } from '@typescript-eslint/typescript-estree';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calledMethodName, enclosingFunction } from '../../analysis/estree.ts';

const relational = new Set(['<', '>', '<=', '>=']);
const orderingMethods = new Set(['sort', 'toSorted', 'localeCompare']);

/**
 * Whether the code before an outer acquisition visibly puts its objects in an order first: a
 * comparison (`a.id < b.id`), a `sort`/`toSorted`, or a `localeCompare`, anywhere in the
 * function that takes the outer lock, before it takes it. We do not check *what* is compared: when
 * the code
 * orders something before taking two locks of one class, we trust it (a missed finding, never a
 * false one).
 */
export function visiblyOrderedBefore(node: TSESTree.Node): boolean {
  // `node` is the outer acquisition: the function around it is the one that chose the order.
  const scope: TSESTree.Node | undefined = enclosingFunction(node) ?? rootOf(node);
  if (!scope) return false;
  let ordered = false;
  simpleTraverse(scope, {
    enter(candidate) {
      if (ordered || candidate.range[0] >= node.range[0]) return;
      if (candidate.type === AST_NODE_TYPES.BinaryExpression && relational.has(candidate.operator))
        ordered = true;
      if (candidate.type === AST_NODE_TYPES.CallExpression) {
        const method = calledMethodName(candidate);
        if (method !== undefined && orderingMethods.has(method)) ordered = true;
      }
    },
  });
  return ordered;
}

function rootOf(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

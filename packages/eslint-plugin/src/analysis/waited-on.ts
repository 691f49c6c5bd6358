import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isFunction } from './estree.ts';
import type { FileLockModel } from './lock-model.ts';

/**
 * Whether the code around a call waits for it to finish: it is awaited, returned to a lock
 * callback (which awaits its callback's result), or synchronous. An acquire or call left pending
 * (`track(lock.acquire())`, `void helper()`) cannot block the task that made it.
 */
export function isWaitedOn(call: TSESTree.CallExpression, model: FileLockModel): boolean {
  let node: TSESTree.Node = call;
  while (
    node.parent?.type === AST_NODE_TYPES.TSAsExpression ||
    node.parent?.type === AST_NODE_TYPES.TSNonNullExpression ||
    node.parent?.type === AST_NODE_TYPES.ChainExpression
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.AwaitExpression) return true;
  const fn =
    parent?.type === AST_NODE_TYPES.ReturnStatement
      ? enclosing(parent)
      : parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node
        ? parent
        : undefined;
  if (fn?.parent?.type === AST_NODE_TYPES.CallExpression) {
    const op = model.classify(fn.parent);
    if (op?.kind === 'callback' && op.callback === fn) return true;
  }
  return !model.returnsPromise(call);
}

function enclosing(node: TSESTree.Node): TSESTree.Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunction(current)) return current;
  return undefined;
}

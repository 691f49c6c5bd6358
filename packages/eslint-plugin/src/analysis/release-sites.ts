import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { childNodes, isFunction } from './estree.ts';
import { releasedBinding } from './held-set.ts';
import type { FileLockModel } from './lock-model.ts';
import { canonicalId, type LockRef } from './types.ts';

/**
 * What releases a particular acquisition: the lock's own release method or the bound
 * guard/releaser.
 */
export interface ReleaseTarget {
  readonly lock: LockRef;
  /** Source text of the lock expression, used when the lock has no known identity. */
  readonly lockText: string;
  readonly binding: string | undefined;
}

/** Whether `call` releases the target. */
export function isReleaseOf(
  call: TSESTree.CallExpression,
  target: ReleaseTarget,
  model: FileLockModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  if (target.binding !== undefined && releasedBinding(call) === target.binding) return true;
  const op = model.classify(call);
  if (op?.kind !== 'release') return false;
  const id = canonicalId(target.lock);
  if (id !== undefined && canonicalId(op.lock) === id) return true;
  return (
    call.callee.type === AST_NODE_TYPES.MemberExpression &&
    sourceCode.getText(call.callee.object) === target.lockText
  );
}

/** Whether any call inside `root` (not inside nested functions) releases the target. */
export function containsRelease(
  root: TSESTree.Node,
  target: ReleaseTarget,
  model: FileLockModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found || (node !== root && isFunction(node))) return;
    if (
      node.type === AST_NODE_TYPES.CallExpression &&
      isReleaseOf(node, target, model, sourceCode)
    ) {
      found = true;
      return;
    }
    for (const child of childNodes(node, sourceCode.visitorKeys)) visit(child);
  };
  visit(root);
  return found;
}

/** Whether a `try` statement's `finally` releases the target. */
export function finallyReleases(
  statement: TSESTree.Node | undefined,
  target: ReleaseTarget,
  model: FileLockModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
): statement is TSESTree.TryStatement & { finalizer: TSESTree.BlockStatement } {
  return (
    statement?.type === AST_NODE_TYPES.TryStatement &&
    statement.finalizer !== null &&
    containsRelease(statement.finalizer, target, model, sourceCode)
  );
}

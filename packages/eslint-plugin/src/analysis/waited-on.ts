import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { enclosingFunction } from './estree.ts';
import type { FileLockModel } from './lock-model.ts';

/** Where a call's value goes, past wrappers that keep the value (`!`, `as`, parentheses, `?.`). */
interface CallUse<F> {
  readonly awaited: boolean;
  /** The function the value is returned from (a `return`, or an arrow's expression body). */
  readonly returnedFrom: F | undefined;
}

/**
 * The one rule for "does the code around a call wait for it to finish": it is awaited, returned
 * to a lock callback (which awaits its callback's result), or synchronous. An acquire or call
 * left pending (`track(lock.acquire())`, `void helper()`) cannot block the task that made it.
 */
function waitedOn<F>(
  use: CallUse<F>,
  isLockCallback: (fn: F) => boolean,
  returnsPromise: () => boolean,
): boolean {
  if (use.awaited) return true;
  if (use.returnedFrom !== undefined && isLockCallback(use.returnedFrom)) return true;
  return !returnsPromise();
}

/** `waitedOn` for a call of the linted file's ESTree. */
export function isWaitedOn(call: TSESTree.CallExpression, model: FileLockModel): boolean {
  let node: TSESTree.Node = call;
  while (
    node.parent?.type === AST_NODE_TYPES.TSAsExpression ||
    node.parent?.type === AST_NODE_TYPES.TSNonNullExpression ||
    node.parent?.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    node.parent?.type === AST_NODE_TYPES.ChainExpression
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  const returnedFrom =
    parent?.type === AST_NODE_TYPES.ReturnStatement
      ? enclosingFunction(parent)
      : parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node
        ? parent
        : undefined;
  const use = { awaited: parent?.type === AST_NODE_TYPES.AwaitExpression, returnedFrom };
  const isLockCallback = (fn: TSESTree.Node): boolean => {
    if (fn.parent?.type !== AST_NODE_TYPES.CallExpression) return false;
    const op = model.classify(fn.parent);
    return op?.kind === 'callback' && op.callback === fn;
  };
  return waitedOn(use, isLockCallback, () => model.returnsPromise(call));
}

/** `waitedOn` for a call of any file of the program (TypeScript's tree). */
export function isWaitedOnTs(
  call: ts.CallExpression,
  isLockCallback: (fn: ts.SignatureDeclaration) => boolean,
  checker: ts.TypeChecker,
): boolean {
  let node: ts.Node = call;
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isAsExpression(node.parent) ||
    ts.isNonNullExpression(node.parent) ||
    ts.isSatisfiesExpression(node.parent)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  const returnedFrom = ts.isReturnStatement(parent)
    ? ts.findAncestor(parent, ts.isFunctionLike)
    : ts.isArrowFunction(parent) && parent.body === node
      ? parent
      : undefined;
  const use = { awaited: ts.isAwaitExpression(parent), returnedFrom };
  return waitedOn(
    use,
    isLockCallback,
    () => checker.getTypeAtLocation(call).getNonNullableType().getProperty('then') !== undefined,
  );
}

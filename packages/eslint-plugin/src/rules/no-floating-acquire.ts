import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calledMethodName } from '../analysis/estree.ts';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import type { LockOp } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import { acquisitionSite } from '../analysis/acquisition-site.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [];
export type MessageIds = 'floating' | 'droppedTryResult';

export default createRule<Options, MessageIds>({
  name: 'no-floating-acquire',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow acquires whose promise or guard is dropped',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      floating:
        'The promise of `{{lock}}.{{method}}()` is dropped: the lock is taken at some ' +
        'later moment, the code after this line runs without it, and nothing here releases ' +
        'it. Await it and manage the guard (`using guard = await …`).',
      droppedTryResult:
        'The result of `{{lock}}.{{method}}()` is dropped: nothing can tell whether the ' +
        'lock was taken, so it can be neither relied on nor released correctly.',
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    // Only acquires can be reported: a file that takes no lock has none.
    if (!fileRelevance(context).mayAcquire) return {};
    const sourceCode = context.sourceCode;
    const model = lockModelFor(context);

    /**
     * Whether the value of `outer` is thrown away: a statement, `void x`, or an arrow's result in
     * `forEach`.
     */
    function isDropped(outer: TSESTree.Node): boolean {
      const parent = outer.parent;
      if (!parent) return false;
      if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
      if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void')
        return isDropped(parent) || parent.parent?.type === AST_NODE_TYPES.ArrowFunctionExpression;
      if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === outer) {
        const call = parent.parent;
        return (
          call?.type === AST_NODE_TYPES.CallExpression &&
          call.arguments.includes(parent) &&
          calledMethodName(call) === 'forEach'
        );
      }
      return false;
    }

    /** A promise bound to a variable nobody reads. */
    function isUnusedBinding(outer: TSESTree.Node): boolean {
      const declarator = outer.parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== outer)
        return false;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
      const [variable] = sourceCode.getDeclaredVariables(declarator);
      return (
        variable !== undefined &&
        variable.references.every((reference) => reference.init === true || !reference.isRead())
      );
    }

    function check(op: LockOp): void {
      const { awaited, outer } = acquisitionSite(op.call);
      if (awaited) return;
      const data = { lock: op.lock.display, method: op.method };
      if (op.kind === 'tryAcquire') {
        if (isDropped(outer))
          context.report({ node: op.call, messageId: 'droppedTryResult', data });
        return;
      }
      if (!model.returnsPromise(op.call)) return;
      if (isDropped(outer) || isUnusedBinding(outer))
        context.report({ node: op.call, messageId: 'floating', data });
    }

    function checkFile(): void {
      for (const { op } of fileFactsFor(sourceCode, model).ops) {
        if (op.kind === 'acquire' || op.kind === 'tryAcquire') check(op);
      }
    }

    return { Program: checkFile };
  },
});

import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isFunction } from '../analysis/estree.ts';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import type { LockOp } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [];
export type MessageIds = 'waitNotInLoop' | 'ifToWhile';

export default createRule<Options, MessageIds>({
  name: 'condition-wait-in-loop',
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description: 'Require `Condition.wait()` to be called in a loop that re-checks its predicate',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      waitNotInLoop:
        '`{{lock}}.{{method}}()` is not in a loop that re-checks its predicate: another ' +
        'task can consume the state between the notify and this wakeup, and a timeout ' +
        'wakes it with nothing changed. Use `while (!ready) await cond.wait()` or `await ' +
        'cond.waitFor(() => ready)`.',
      ifToWhile:
        'Turn the `if` into a `while` so the predicate is checked again after every wakeup.',
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    // Only a `wait` call can be reported: a file that calls no lock method has none.
    if (!fileRelevance(context).mayUseLocks) return {};
    const sourceCode = context.sourceCode;
    const model = lockModelFor(context);

    function inLoop(node: TSESTree.Node): boolean {
      for (let current = node.parent; current && !isFunction(current); current = current.parent) {
        if (
          current.type === AST_NODE_TYPES.WhileStatement ||
          current.type === AST_NODE_TYPES.DoWhileStatement ||
          current.type === AST_NODE_TYPES.ForStatement
        ) {
          return true;
        }
      }
      return false;
    }

    /**
     * `if (test) await cond.wait();` (or in a block of its own): the `if` that should be a `while`.
     */
    function guardingIf(call: TSESTree.CallExpression): TSESTree.IfStatement | undefined {
      let statement: TSESTree.Node | undefined = call.parent;
      if (statement?.type === AST_NODE_TYPES.AwaitExpression) statement = statement.parent;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      let branch: TSESTree.Node = statement;
      if (branch.parent?.type === AST_NODE_TYPES.BlockStatement && branch.parent.body.length === 1)
        branch = branch.parent;
      const parent = branch.parent;
      return parent?.type === AST_NODE_TYPES.IfStatement &&
        parent.consequent === branch &&
        parent.alternate === null
        ? parent
        : undefined;
    }

    /**
     * `return cond.wait(o)` (or an arrow whose body is the wait): a wrapper that hands the wait's
     * outcome to its caller, whose loop we cannot see. A missed finding beats a wrong one.
     */
    function isReturned(call: TSESTree.CallExpression): boolean {
      let node: TSESTree.Node = call;
      if (node.parent?.type === AST_NODE_TYPES.AwaitExpression) node = node.parent;
      const parent = node.parent;
      if (parent?.type === AST_NODE_TYPES.ReturnStatement) return true;
      return parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node;
    }

    function check(op: LockOp): void {
      if (inLoop(op.call) || isReturned(op.call)) return;
      const guard = guardingIf(op.call);
      const suggest: TSESLint.ReportSuggestionArray<MessageIds> = [];
      if (guard) {
        const ifToken = sourceCode.getFirstToken(guard);
        if (ifToken)
          suggest.push({
            messageId: 'ifToWhile',
            fix: (fixer) => fixer.replaceText(ifToken, 'while'),
          });
      }
      context.report({
        node: op.call,
        messageId: 'waitNotInLoop',
        data: { lock: op.lock.display, method: op.method },
        suggest,
      });
    }

    function checkFile(): void {
      for (const { op } of fileFactsFor(sourceCode, model).ops) if (op.kind === 'wait') check(op);
    }

    return { Program: checkFile };
  },
});

import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { enclosingFunction } from '../analysis/estree.ts';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import { containsRelease, finallyReleases, isReleaseOf, type ReleaseTarget } from '../analysis/release-sites.ts';
import type { LockOp } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import {
  acquisitionSite,
  bindingEscapes,
  enclosingTryBlock,
  nextStatement,
  statementList,
} from './no-unmanaged-acquire/acquisition-site.ts';
import { usingFix, type UsingRewrite } from './no-unmanaged-acquire/using-fix.ts';

export type Options = [{ preferUsing?: boolean }];
export type MessageIds = 'unmanaged' | 'acquireInsideTry' | 'preferUsing' | 'useUsing';

export default createRule<Options, MessageIds>({
  name: 'no-unmanaged-acquire',
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description: 'Require every acquire to be context-managed: `using`, a callback form, or a release ' +
        'in `finally`',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      unmanaged:
        '`{{lock}}.{{method}}()` is not context-managed: an exception or early return ' +
          'leaves the lock held. Bind the guard with `using`, use a callback form, or ' +
          'release it in a `finally` right after acquiring.',
      acquireInsideTry:
        '`{{lock}}.{{method}}()` is inside the `try` whose `finally` releases it: when the ' +
          'acquire fails, the `finally` releases a lock this task does not hold. Acquire ' +
          'before the `try`.',
      preferUsing: '`{{lock}}` is released by try/finally; a `using` guard says the same and cannot be ' +
        'separated from its acquire.',
      useUsing: 'Bind the guard with `using` (released at the end of the block).',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          preferUsing: {
            type: 'boolean',
            description: 'Also report acquire + try/finally release of locks whose guard is Disposable, ' +
              'with a `using` suggestion.',
          },
        },
      },
    ],
    defaultOptions: [{ preferUsing: false }],
  },
  create(context, [{ preferUsing = false }]) {
    const sourceCode = context.sourceCode;
    const model = lockModelFor(context);

    function targetOf(op: LockOp, binding: string | undefined): ReleaseTarget {
      const callee = op.call.callee;
      const lockText = callee.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(callee.object) : '';
      return { lock: op.lock, lockText, binding };
    }

    function report(op: LockOp, messageId: 'unmanaged' | 'acquireInsideTry' | 'preferUsing', rewrite?: UsingRewrite): void {
      const fix = rewrite && op.lock.kind.acquireResult === 'guard' ? usingFix(rewrite, sourceCode) : undefined;
      context.report({
        node: op.call,
        messageId,
        data: { lock: op.lock.display, method: op.method },
        suggest: fix ? [{ messageId: 'useUsing', fix }] : [],
      });
    }

    function bindingReferences(statement: TSESTree.VariableDeclaration): TSESTree.Identifier[] {
      return statement.declarations.flatMap((declarator) =>
        sourceCode.getDeclaredVariables(declarator).flatMap((variable) => variable.references.map((reference) => reference.identifier as TSESTree.Identifier)),
      );
    }

    /**
     * A release of the target as the last statement of the same block: the fixable unmanaged form.
     */
    function trailingRelease(statement: TSESTree.Node, target: ReleaseTarget): TSESTree.Node | undefined {
      const list = statementList(statement);
      const last = list?.at(-1);
      if (!last || last === statement || last.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const call = last.expression.type === AST_NODE_TYPES.ChainExpression ? last.expression.expression : last.expression;
      if (call.type !== AST_NODE_TYPES.CallExpression || !isReleaseOf(call, target, model, sourceCode)) return undefined;
      // Another release between them would make the guard release twice.
      const between = (list ?? []).slice(list!.indexOf(statement) + 1, -1);
      return between.some((node) => containsRelease(node, target, model, sourceCode)) ? undefined : last;
    }

    function checkBlockingAcquire(op: LockOp): void {
      const { site, awaited, outer } = acquisitionSite(op.call);
      if (site.form === 'using' || site.form === 'escapes' || site.form === 'condition') return;
      // A pending promise is no-floating-acquire's; a synchronous (blocking) acquire holds at once.
      if (!awaited && model.returnsPromise(op.call)) return;
      const binding = site.form === 'binding' ? site.binding : undefined;
      if (site.form === 'binding' && (binding === undefined || bindingEscapes(site.statement, bindingReferences(site.statement)))) return;
      const target = targetOf(op, binding);
      const statement = site.statement;
      // `await lock.acquire();` in a function that never releases that lock hands it to the
      // caller: a lock wrapper's own acquire method (`KeyedMutex.acquire(key)`), not a leak.
      if (site.form === 'statement' && !containsRelease(enclosingFunction(statement) ?? sourceCode.ast, target, model, sourceCode)) return;
      const following = nextStatement(statement);
      const acquireText = sourceCode.getText(outer);
      const constBinding = site.form === 'binding' && site.constant ? binding : undefined;
      if (finallyReleases(following, target, model, sourceCode)) {
        if (preferUsing && op.lock.kind.acquireResult === 'guard' && isOnlyRelease(following.finalizer, target)) {
          const rewritable = (site.form === 'statement' || constBinding !== undefined) && !releasesEarly(following, target);
          report(
            op,
            'preferUsing',
            rewritable
              ? { acquireText, binding: constBinding, from: statement, tryStatement: following, body: following.block.body, trailingRelease: undefined }
              : undefined,
          );
        }
        return;
      }
      const surroundingTry = enclosingTryBlock(statement);
      if (surroundingTry && finallyReleases(surroundingTry, target, model, sourceCode)) {
        const isFirst = surroundingTry.block.body[0] === statement;
        report(
          op,
          'acquireInsideTry',
          isFirst && site.form === 'statement' && isOnlyRelease(surroundingTry.finalizer, target) && !releasesEarly(surroundingTry, target)
            ? { acquireText, binding: undefined, from: surroundingTry, tryStatement: surroundingTry, body: surroundingTry.block.body.slice(1), trailingRelease: undefined }
            : undefined,
        );
        return;
      }
      const trailing = trailingRelease(statement, target);
      report(
        op,
        'unmanaged',
        trailing && (site.form === 'statement' || constBinding)
          ? { acquireText, binding: constBinding, from: statement, tryStatement: undefined, body: [], trailingRelease: trailing }
          : undefined,
      );
    }

    /**
     * A try-acquire is managed when a `finally` after it, anywhere in the function, releases it.
     */
    function checkTryAcquire(op: LockOp): void {
      const { site } = acquisitionSite(op.call);
      if (site.form === 'condition') {
        const target = targetOf(op, undefined);
        if (!containsFinallyRelease(site.statement.consequent, target)) report(op, 'unmanaged');
        return;
      }
      if (site.form !== 'binding' || site.binding === undefined) return;
      if (bindingEscapes(site.statement, bindingReferences(site.statement))) return;
      const target = targetOf(op, site.binding);
      const list = statementList(site.statement) ?? [];
      const after = list.slice(list.indexOf(site.statement) + 1);
      if (!after.some((statement) => containsFinallyRelease(statement, target))) report(op, 'unmanaged');
    }

    function containsFinallyRelease(root: TSESTree.Node, target: ReleaseTarget): boolean {
      if (root.type === AST_NODE_TYPES.TryStatement && finallyReleases(root, target, model, sourceCode)) return true;
      if (root.type === AST_NODE_TYPES.BlockStatement) return root.body.some((statement) => containsFinallyRelease(statement, target));
      if (root.type === AST_NODE_TYPES.IfStatement) {
        return containsFinallyRelease(root.consequent, target) || (root.alternate !== null && containsFinallyRelease(root.alternate, target));
      }
      return false;
    }

    /**
     * A release inside the `try` body as well: the guard would not follow it (a guard whose hold
     * was released by the lock stays released, so a re-acquired hold would outlive the block).
     */
    function releasesEarly(tryStatement: TSESTree.TryStatement, target: ReleaseTarget): boolean {
      return containsRelease(tryStatement.block, target, model, sourceCode);
    }

    function isOnlyRelease(finalizer: TSESTree.BlockStatement, target: ReleaseTarget): boolean {
      const [only] = finalizer.body;
      if (finalizer.body.length !== 1 || only?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      return only.expression.type === AST_NODE_TYPES.CallExpression && isReleaseOf(only.expression, target, model, sourceCode);
    }

    function checkFile(): void {
      for (const { op } of fileFactsFor(sourceCode, model).ops) {
        if (op.kind === 'acquire') checkBlockingAcquire(op);
        else if (op.kind === 'tryAcquire') checkTryAcquire(op);
      }
    }

    return { Program: checkFile };
  },
}) satisfies TSESLint.RuleModule<MessageIds, Options>;

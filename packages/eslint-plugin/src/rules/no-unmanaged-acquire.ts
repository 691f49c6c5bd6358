import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import {
  containsRelease,
  finallyReleases,
  isReleaseOf,
  type ReleaseTarget,
} from '../analysis/release-sites.ts';
import { cannotThrow } from '../analysis/cannot-throw.ts';
import {
  childNodes,
  enclosingFunction,
  isFunction,
  type FunctionNode,
} from '../analysis/estree.ts';
import { sharedLocationOf } from '../analysis/shared-locations.ts';
import { canonicalId, type LockOp } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import {
  acquisitionSite,
  bindingEscapes,
  enclosingTryBlock,
  nextStatement,
  statementList,
} from '../analysis/acquisition-site.ts';
import { usingFix, type UsingRewrite } from './no-unmanaged-acquire/using-fix.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [{ preferUsing?: boolean }];
export type MessageIds =
  'unmanaged' | 'acquireInsideTry' | 'conditionalRelease' | 'preferUsing' | 'useUsing';

export default createRule<Options, MessageIds>({
  name: 'no-unmanaged-acquire',
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description:
        'Require every acquire to be context-managed: `using`, a callback form, or a release ' +
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
        'acquire fails, the `finally` releases a lock this task does not hold. Acquire before ' +
        'the `try`.',
      conditionalRelease:
        '`{{lock}}.{{method}}()` is released by a `finally` only when `{{condition}}`: on ' +
        'every other path the lock stays held. Release it unconditionally, or use `using` or a ' +
        'callback form.',
      preferUsing:
        '`{{lock}}` is released by try/finally; a `using` guard says the same and cannot be ' +
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
            description:
              'Also report acquire + try/finally release of locks whose guard is Disposable, ' +
              'with a `using` suggestion.',
          },
        },
      },
    ],
    defaultOptions: [{ preferUsing: false }],
  },
  create(context, [{ preferUsing = false }]) {
    // Only acquires can be reported: a file that takes no lock has none.
    if (!fileRelevance(context).mayAcquire) return {};
    const sourceCode = context.sourceCode;
    const model = lockModelFor(context);

    function targetOf(op: LockOp, binding: string | undefined): ReleaseTarget {
      const callee = op.call.callee;
      const lockText =
        callee.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(callee.object) : '';
      return { lock: op.lock, lockText, binding };
    }

    function report(
      op: LockOp,
      messageId: 'unmanaged' | 'acquireInsideTry' | 'preferUsing',
      rewrite?: UsingRewrite,
    ): void {
      const fix =
        rewrite && op.lock.kind.acquireResult === 'guard'
          ? usingFix(rewrite, sourceCode)
          : undefined;
      context.report({
        node: op.call,
        messageId,
        data: { lock: op.lock.display, method: op.method },
        suggest: fix ? [{ messageId: 'useUsing', fix }] : [],
      });
    }

    function bindingReferences(statement: TSESTree.VariableDeclaration): TSESTree.Identifier[] {
      return statement.declarations.flatMap((declarator) =>
        sourceCode
          .getDeclaredVariables(declarator)
          .flatMap((variable) =>
            variable.references.map((reference) => reference.identifier as TSESTree.Identifier),
          ),
      );
    }

    /**
     * A release of the target as the last statement of the same block: the fixable unmanaged form.
     */
    function trailingRelease(
      statement: TSESTree.Node,
      target: ReleaseTarget,
    ): TSESTree.Node | undefined {
      const list = statementList(statement);
      const last = list?.at(-1);
      if (!last || last === statement || !isReleaseStatement(last, target)) return undefined;
      // Another release between them would make the guard release twice.
      const between = (list ?? []).slice(list!.indexOf(statement) + 1, -1);
      return between.some((node) => containsRelease(node, target, model, sourceCode))
        ? undefined
        : last;
    }

    function checkBlockingAcquire(op: LockOp): void {
      const { site, awaited, outer } = acquisitionSite(op.call);
      if (site.form === 'using' || site.form === 'escapes' || site.form === 'condition') return;
      // A pending promise is no-floating-acquire's; a synchronous (blocking) acquire holds at once.
      if (!awaited && model.returnsPromise(op.call)) return;
      const binding = site.form === 'binding' ? site.binding : undefined;
      if (
        site.form === 'binding' &&
        (binding === undefined || bindingEscapes(site.statement, bindingReferences(site.statement)))
      )
        return;
      const target = targetOf(op, binding);
      const statement = site.statement;
      // `await lock.acquire();` in a function that never releases that lock hands it to the
      // caller: a lock wrapper's own acquire method (`KeyedMutex.acquire(key)`), not a leak.
      if (
        site.form === 'statement' &&
        !containsRelease(enclosingFunction(statement) ?? sourceCode.ast, target, model, sourceCode)
      )
        return;
      // A protocol that hands the lock to a sibling method (`acquireSession()` /
      // `releaseSession()`).
      if (releasedBySibling(op, statement)) return;
      const { following, skipped } = managingStatement(statement);
      const acquireText = sourceCode.getText(outer);
      const constBinding = site.form === 'binding' && site.constant ? binding : undefined;
      // `await x.acquire(); x.release();`: released before anything that could throw runs.
      if (isReleaseStatement(following, target)) return;
      if (finallyReleases(following, target, model, sourceCode)) {
        const conditional = conditionalFinallyRelease(following.finalizer, target);
        if (conditional) {
          context.report({
            node: op.call,
            messageId: 'conditionalRelease',
            data: {
              lock: op.lock.display,
              method: op.method,
              condition: sourceCode.getText(conditional),
            },
          });
          return;
        }
        if (
          preferUsing &&
          op.lock.kind.acquireResult === 'guard' &&
          isOnlyRelease(following.finalizer, target)
        ) {
          const rewritable =
            !skipped &&
            (site.form === 'statement' || constBinding !== undefined) &&
            !releasesEarly(following, target);
          report(
            op,
            'preferUsing',
            rewritable
              ? {
                  acquireText,
                  binding: constBinding,
                  from: statement,
                  tryStatement: following,
                  body: following.block.body,
                  trailingRelease: undefined,
                }
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
          isFirst &&
            site.form === 'statement' &&
            isOnlyRelease(surroundingTry.finalizer, target) &&
            !releasesEarly(surroundingTry, target)
            ? {
                acquireText,
                binding: undefined,
                from: surroundingTry,
                tryStatement: surroundingTry,
                body: surroundingTry.block.body.slice(1),
                trailingRelease: undefined,
              }
            : undefined,
        );
        return;
      }
      const trailing = trailingRelease(statement, target);
      report(
        op,
        'unmanaged',
        trailing && (site.form === 'statement' || constBinding)
          ? {
              acquireText,
              binding: constBinding,
              from: statement,
              tryStatement: undefined,
              body: [],
              trailingRelease: trailing,
            }
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
      if (!after.some((statement) => containsFinallyRelease(statement, target)))
        report(op, 'unmanaged');
    }

    function containsFinallyRelease(root: TSESTree.Node, target: ReleaseTarget): boolean {
      if (
        root.type === AST_NODE_TYPES.TryStatement &&
        finallyReleases(root, target, model, sourceCode)
      )
        return true;
      if (root.type === AST_NODE_TYPES.BlockStatement)
        return root.body.some((statement) => containsFinallyRelease(statement, target));
      if (root.type === AST_NODE_TYPES.IfStatement) {
        return (
          containsFinallyRelease(root.consequent, target) ||
          (root.alternate !== null && containsFinallyRelease(root.alternate, target))
        );
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

    /** `x.release();` (or `release?.();`) of the target as a statement of its own. */
    function isReleaseStatement(
      statement: TSESTree.Node | undefined,
      target: ReleaseTarget,
    ): boolean {
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      const expression =
        statement.expression.type === AST_NODE_TYPES.ChainExpression
          ? statement.expression.expression
          : statement.expression;
      return (
        expression.type === AST_NODE_TYPES.CallExpression &&
        isReleaseOf(expression, target, model, sourceCode)
      );
    }

    function isOnlyRelease(finalizer: TSESTree.BlockStatement, target: ReleaseTarget): boolean {
      const [only] = finalizer.body;
      if (finalizer.body.length !== 1 || only?.type !== AST_NODE_TYPES.ExpressionStatement)
        return false;
      return (
        only.expression.type === AST_NODE_TYPES.CallExpression &&
        isReleaseOf(only.expression, target, model, sourceCode)
      );
    }

    /**
     * The statement that should manage an acquire: the next one, after statements that cannot
     * throw (see `cannotThrow`), and out of a loop through a `break` right after the acquire.
     */
    function managingStatement(statement: TSESTree.Node): {
      following: TSESTree.Node | undefined;
      skipped: boolean;
    } {
      let current: TSESTree.Node | undefined = statement;
      let skipped = false;
      for (let guard = 0; current && guard < 64; guard++) {
        const next: TSESTree.Node | undefined = nextStatement(current);
        if (next === undefined) {
          return { following: undefined, skipped };
        }
        if (next.type === AST_NODE_TYPES.BreakStatement && next.label === null) {
          const loop = loopAround(next);
          if (!loop) return { following: next, skipped };
          current = loop;
          skipped = true;
          continue;
        }
        if (!cannotThrow(next, model)) return { following: next, skipped };
        current = next;
        skipped = true;
      }
      return { following: undefined, skipped };
    }

    /**
     * Whether a release of the lock sits in another function of the same class (for `this.x`
     * locks) or module (for module locks): the acquiring method returns with the lock held on
     * purpose, and its sibling ends the hold. A `try`/`finally` would break that protocol.
     */
    function releasedBySibling(op: LockOp, statement: TSESTree.Node): boolean {
      const id = canonicalId(op.lock);
      const acquirer = outermostFunction(statement);
      if (id === undefined || !acquirer) return false;
      const ops = fileFactsFor(sourceCode, model).ops;
      const acquires = (fn: FunctionNode): boolean =>
        ops.some(
          ({ op: other }) =>
            (other.kind === 'acquire' || other.kind === 'tryAcquire') &&
            canonicalId(other.lock) === id &&
            outermostFunction(other.call) === fn,
        );
      // The sibling only releases: a method that acquires and releases is an ordinary user.
      return ops.some(({ op: other }) => {
        if (other.kind !== 'release' || canonicalId(other.lock) !== id) return false;
        const releaser = outermostFunction(other.call);
        return releaser !== undefined && releaser !== acquirer && !acquires(releaser);
      });
    }

    /**
     * The condition under which a `finally` releases the target, when it does so only on some
     * paths and the condition is the function's own (`if (flag) sem.release()`). A condition on
     * shared state (`if (this.readers === 0)`) is a counted protocol — the last holder releases —
     * and a test of the guard itself (`if (release)`) is always true once acquired: neither is
     * reported.
     */
    function conditionalFinallyRelease(
      finalizer: TSESTree.BlockStatement,
      target: ReleaseTarget,
    ): TSESTree.Node | undefined {
      for (const statement of finalizer.body) {
        if (
          containsRelease(statement, target, model, sourceCode) &&
          !isConditionalStatement(statement)
        )
          return undefined;
      }
      for (const statement of finalizer.body) {
        if (
          statement.type !== AST_NODE_TYPES.IfStatement ||
          !containsRelease(statement, target, model, sourceCode)
        )
          continue;
        const test = statement.test;
        if (testsOnlyLocals(test, target)) return test;
      }
      return undefined;
    }

    function testsOnlyLocals(test: TSESTree.Node, target: ReleaseTarget): boolean {
      let localOnly = true;
      const visit = (node: TSESTree.Node): void => {
        if (!localOnly) return;
        if (
          node.type === AST_NODE_TYPES.CallExpression ||
          node.type === AST_NODE_TYPES.ThisExpression ||
          node.type === AST_NODE_TYPES.AwaitExpression
        ) {
          localOnly = false;
          return;
        }
        if (node.type === AST_NODE_TYPES.Identifier) {
          if (
            node.name === target.binding ||
            sourceCode.getText(node) === target.lockText ||
            sharedLocationOf(node, sourceCode)
          )
            localOnly = false;
          return;
        }
        for (const child of childNodes(node, sourceCode.visitorKeys)) visit(child);
      };
      visit(test);
      return localOnly;
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

/** The loop whose body a `break` directly leaves (through blocks and ifs, not nested functions). */
function loopAround(statement: TSESTree.Node): TSESTree.Node | undefined {
  for (let node = statement.parent; node && !isFunction(node); node = node.parent) {
    switch (node.type) {
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
      case AST_NODE_TYPES.ForStatement:
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
        return node;
      case AST_NODE_TYPES.SwitchStatement:
        return undefined;
      default:
        break;
    }
  }
  return undefined;
}

/**
 * The outermost function a node is in, below its class if it is in one (a method, a module
 * function).
 */
function outermostFunction(node: TSESTree.Node): FunctionNode | undefined {
  let outermost: FunctionNode | undefined;
  for (
    let current = node.parent;
    current && current.type !== AST_NODE_TYPES.ClassBody;
    current = current.parent
  ) {
    if (isFunction(current)) outermost = current;
  }
  return outermost;
}

function isConditionalStatement(statement: TSESTree.Node): boolean {
  return (
    statement.type === AST_NODE_TYPES.IfStatement ||
    statement.type === AST_NODE_TYPES.SwitchStatement
  );
}

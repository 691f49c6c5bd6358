import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { enclosingFunction } from './estree.ts';
import { bindingName } from './held-set.ts';

/** Where an acquire's result goes. */
export type AcquisitionSite =
  /** `using g = …` / `await using g = …`: managed. */
  | { readonly form: 'using' }
  /** `const g = await lock.acquire()` or `const [, release] = await sem.acquire()`. */
  | {
      readonly form: 'binding';
      readonly statement: TSESTree.VariableDeclaration;
      readonly binding: string | undefined;
      readonly constant: boolean;
    }
  /** `await lock.acquire();` — released through the lock. */
  | { readonly form: 'statement'; readonly statement: TSESTree.ExpressionStatement }
  /** `if (lock.tryAcquire()) { … }` (await-lock's boolean try-acquire). */
  | { readonly form: 'condition'; readonly statement: TSESTree.IfStatement }
  /** Anything else: returned, passed on, stored, not awaited; someone else manages it. */
  | { readonly form: 'escapes' };

/** Classifies what happens to the result of an acquire call. */
export function acquisitionSite(call: TSESTree.CallExpression): {
  site: AcquisitionSite;
  awaited: boolean;
  outer: TSESTree.Node;
} {
  let outer: TSESTree.Node = call;
  let awaited = false;
  for (;;) {
    const parent: TSESTree.Node | undefined = outer.parent;
    if (!parent) break;
    if (
      parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      parent.type === AST_NODE_TYPES.TSAsExpression ||
      parent.type === AST_NODE_TYPES.ChainExpression
    ) {
      outer = parent;
    } else if (parent.type === AST_NODE_TYPES.AwaitExpression && !awaited) {
      awaited = true;
      outer = parent;
    } else {
      break;
    }
  }
  const parent = outer.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === outer) {
    const declaration = parent.parent;
    if (declaration.kind === 'using' || declaration.kind === 'await using')
      return { site: { form: 'using' }, awaited, outer };
    return {
      site: {
        form: 'binding',
        statement: declaration,
        binding: bindingName(parent.id),
        constant: declaration.kind === 'const',
      },
      awaited,
      outer,
    };
  }
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement)
    return { site: { form: 'statement', statement: parent }, awaited, outer };
  if (parent?.type === AST_NODE_TYPES.IfStatement && parent.test === outer) {
    return { site: { form: 'condition', statement: parent }, awaited, outer };
  }
  return { site: { form: 'escapes' }, awaited, outer };
}

/** The statement right after `statement` in its block, if any. */
export function nextStatement(statement: TSESTree.Node): TSESTree.Node | undefined {
  const list = statementList(statement);
  if (!list) return undefined;
  return list[list.indexOf(statement) + 1];
}

/** The statement list holding `statement`, when it sits directly in a block, program or case. */
export function statementList(statement: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  const parent = statement.parent;
  if (!parent) return undefined;
  if (
    parent.type === AST_NODE_TYPES.BlockStatement ||
    parent.type === AST_NODE_TYPES.Program ||
    parent.type === AST_NODE_TYPES.StaticBlock
  ) {
    return parent.body;
  }
  if (parent.type === AST_NODE_TYPES.SwitchCase) return parent.consequent;
  return undefined;
}

/** The `try` whose protected block directly contains `statement`. */
export function enclosingTryBlock(statement: TSESTree.Node): TSESTree.TryStatement | undefined {
  const block = statement.parent;
  const tryStatement = block?.parent;
  return block?.type === AST_NODE_TYPES.BlockStatement &&
    tryStatement?.type === AST_NODE_TYPES.TryStatement &&
    tryStatement.block === block
    ? tryStatement
    : undefined;
}

/**
 * Whether a binding is used other than by releasing it here: returned, passed on, stored, or
 * used inside a closure (`promise.finally(() => release())`, a returned wrapper that releases
 * later). The closure's owner decides when the lock ends, which this rule cannot follow.
 */
export function bindingEscapes(
  declaration: TSESTree.VariableDeclaration,
  references: readonly TSESTree.Identifier[],
): boolean {
  const owner = enclosingFunction(declaration);
  for (const identifier of references) {
    if (
      identifier.parent === undefined ||
      (declaration.range[0] <= identifier.range[0] && identifier.range[1] <= declaration.range[1])
    )
      continue;
    if (enclosingFunction(identifier) !== owner) return true;
    const parent = identifier.parent;
    // `g()`, `g.release()`, `g[Symbol.dispose]()`, `if (g)`, `!g`: uses that keep it here.
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === identifier) continue;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) continue;
    if (
      parent.type === AST_NODE_TYPES.IfStatement ||
      parent.type === AST_NODE_TYPES.UnaryExpression
    )
      continue;
    if (
      parent.type === AST_NODE_TYPES.LogicalExpression ||
      (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test === identifier)
    )
      continue;
    if (parent.type === AST_NODE_TYPES.BinaryExpression) continue;
    return true;
  }
  return false;
}

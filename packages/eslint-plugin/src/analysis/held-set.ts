import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calledMethodName } from './estree.ts';
import type { HeldSet, Hold } from './types.ts';

/** The state of the walk after a statement. */
export interface Flow {
  readonly held: HeldSet;
  /** False when control cannot reach the next statement (return, throw, break, continue). */
  readonly completes: boolean;
}

/** The variable a guard or releaser is bound to: `g`, or the releaser in `[, release]`. */
export function bindingName(pattern: TSESTree.Node): string | undefined {
  if (pattern.type === AST_NODE_TYPES.Identifier) return pattern.name;
  if (pattern.type === AST_NODE_TYPES.ArrayPattern) {
    const releaser = pattern.elements[1];
    return releaser?.type === AST_NODE_TYPES.Identifier ? releaser.name : undefined;
  }
  return undefined;
}

/** `release()`, `guard.release()`, `guard[Symbol.dispose]()` → the variable released. */
export function releasedBinding(call: TSESTree.CallExpression): string | undefined {
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (
    callee.type !== AST_NODE_TYPES.MemberExpression ||
    callee.object.type !== AST_NODE_TYPES.Identifier
  )
    return undefined;
  const method = calledMethodName(call);
  if (method === 'release') return callee.object.name;
  const property = callee.property;
  const isDispose =
    callee.computed &&
    property.type === AST_NODE_TYPES.MemberExpression &&
    property.object.type === AST_NODE_TYPES.Identifier &&
    property.object.name === 'Symbol' &&
    property.property.type === AST_NODE_TYPES.Identifier &&
    property.property.name === 'dispose';
  return isDispose ? callee.object.name : undefined;
}

/**
 * Joins two paths: code that cannot continue does not vote; a lock held on one side only is
 * conditional.
 */
export function mergeFlows(a: Flow, b: Flow): Flow {
  if (!a.completes) return b.completes ? b : { held: b.held, completes: false };
  if (!b.completes) return a;
  const merged: Hold[] = [];
  for (const hold of a.held) {
    const other = b.held.find((candidate) => candidate.site === hold.site);
    merged.push(
      other
        ? other.definite === hold.definite
          ? hold
          : { ...hold, definite: hold.definite && other.definite }
        : { ...hold, definite: false },
    );
  }
  for (const hold of b.held) {
    if (!a.held.some((candidate) => candidate.site === hold.site))
      merged.push({ ...hold, definite: false });
  }
  return { held: merged, completes: true };
}

export function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--)
    if (predicate(items[index] as T)) return index;
  return -1;
}

import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

/** What a node between `this` and the class around it does to `this`. */
type ThisBoundary =
  /** A class: `this` is its instance (or the class itself in a static member). */
  | 'class'
  /**
   * A non-arrow function that is not a class member, or a static block: it binds its own `this`.
   */
  | 'own-this'
  /** Anything else (arrow functions, methods, blocks): `this` passes through. */
  | 'through';

/**
 * The class whose `this` is meant at a node, looking through arrow functions: the one rule, for
 * whichever syntax tree `parentOf` and `boundaryOf` read.
 */
function classOfThisIn<N extends object>(
  node: N,
  parentOf: (n: N) => N | undefined,
  boundaryOf: (n: N) => ThisBoundary,
): N | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    const boundary = boundaryOf(current);
    if (boundary === 'class') return current;
    if (boundary === 'own-this') return undefined;
  }
  return undefined;
}

/** `classOfThisIn` on the TypeScript tree. */
export function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  return classOfThisIn<ts.Node>(
    node,
    (n) => n.parent,
    (n) => {
      if (ts.isClassLike(n)) return 'class';
      if (
        ts.isFunctionDeclaration(n) ||
        ts.isFunctionExpression(n) ||
        ts.isClassStaticBlockDeclaration(n)
      )
        return 'own-this';
      return 'through';
    },
  ) as ts.ClassLikeDeclaration | undefined;
}

type EstreeClass = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/**
 * `classOfThisIn` on the ESTree tree (a method's value is a FunctionExpression: it passes through).
 */
export function classOfThisEstree(node: TSESTree.Node): EstreeClass | undefined {
  return classOfThisIn<TSESTree.Node>(
    node,
    (n) => n.parent,
    (n) => {
      if (n.type === AST_NODE_TYPES.ClassDeclaration || n.type === AST_NODE_TYPES.ClassExpression)
        return 'class';
      if (n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.StaticBlock)
        return 'own-this';
      if (
        n.type === AST_NODE_TYPES.FunctionExpression &&
        n.parent.type !== AST_NODE_TYPES.MethodDefinition
      )
        return 'own-this';
      return 'through';
    },
  ) as EstreeClass | undefined;
}

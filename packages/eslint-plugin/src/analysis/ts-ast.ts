import ts from 'typescript';

/** Array and iterator methods whose callback runs before the call returns. */
export const immediateCallbackMethods: ReadonlySet<string> = new Set([
  'forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find',
  'findIndex', 'findLast', 'findLastIndex', 'sort', 'toSorted',
]);

/** Strips parentheses, `as`, `!` and `satisfies`, which never change which object is meant. */
export function skipOuter(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) ||
        ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The called member's name for `x.name(…)` / `x['name'](…)`, else undefined. */
export function calledMemberName(call: ts.CallExpression): { receiver: ts.Expression; name: string } | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) {
    return { receiver: callee.expression, name: callee.name.text };
  }
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    return { receiver: callee.expression, name: callee.argumentExpression.text };
  }
  return undefined;
}

/** The class whose instance `this` is at a node, looking through arrow functions. */
export function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isClassLike(current)) return current;
    if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) return undefined;
    if (ts.isClassStaticBlockDeclaration(current)) return undefined;
  }
  return undefined;
}

/** A literal string value: `'x'`, `` `x` ``, or a `const` bound to one. */
export function constantString(expression: ts.Expression, checker: ts.TypeChecker): string | undefined {
  const inner = skipOuter(expression);
  if (ts.isStringLiteralLike(inner)) return inner.text;
  const type = checker.getTypeAtLocation(inner);
  return type.isStringLiteral() ? type.value : undefined;
}

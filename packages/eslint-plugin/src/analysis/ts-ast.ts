import ts from 'typescript';

/** Array and iterator methods whose callback runs before the call returns. */
export const immediateCallbackMethods: ReadonlySet<string> = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'sort',
  'toSorted',
]);

// Receivers whose callback methods above run the callback before returning. Iterator helpers
// (`values().map(fn)`, lazy), Node streams and observables (`forEach` later) share the names.
const eagerCollections = new Set([
  'Array',
  'ReadonlyArray',
  'Map',
  'ReadonlyMap',
  'Set',
  'ReadonlySet',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/**
 * Whether `receiver.method(fn)` runs a non-async `fn` at once: an array-method name on an array,
 * tuple, Map, Set or typed array (from TypeScript's lib). Anything else — `any` included — is
 * taken to run it later, which can only hide a finding.
 */
export function runsCallbackNow(
  call: ts.CallExpression,
  checker: ts.TypeChecker,
  program: ts.Program,
): boolean {
  const member = calledMemberName(call);
  if (!member || !immediateCallbackMethods.has(member.name)) return false;
  return isLibCollection(member.receiver, checker, program);
}

/**
 * Whether an expression is an array, tuple, Map, Set or typed array from TypeScript's lib (every
 * member of a union); `any` and look-alikes from packages are not.
 */
export function isLibCollection(
  expression: ts.Expression,
  checker: ts.TypeChecker,
  program: ts.Program,
): boolean {
  const type = checker.getTypeAtLocation(expression).getNonNullableType();
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((part) => {
    if (checker.isArrayType(part) || checker.isTupleType(part)) return true;
    const symbol = part.getSymbol() ?? part.aliasSymbol;
    const declaration = symbol?.declarations?.[0];
    return (
      declaration !== undefined &&
      (eagerCollections.has(symbol!.getName()) ||
        symbol!.getName() === 'WeakMap' ||
        symbol!.getName() === 'WeakSet') &&
      program.isSourceFileDefaultLibrary(declaration.getSourceFile())
    );
  });
}

/** Strips parentheses, `as`, `!` and `satisfies`, which never change which object is meant. */
export function skipOuter(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The called member's name for `x.name(…)` / `x['name'](…)`, else undefined. */
export function calledMemberName(
  call: ts.CallExpression,
): { receiver: ts.Expression; name: string } | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) {
    return { receiver: callee.expression, name: callee.name.text };
  }
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    return { receiver: callee.expression, name: callee.argumentExpression.text };
  }
  return undefined;
}

/** A literal string value: `'x'`, `` `x` ``, or a `const` bound to one. */
export function constantString(
  expression: ts.Expression,
  checker: ts.TypeChecker,
): string | undefined {
  const inner = skipOuter(expression);
  if (ts.isStringLiteralLike(inner)) return inner.text;
  const type = checker.getTypeAtLocation(inner);
  return type.isStringLiteral() ? type.value : undefined;
}

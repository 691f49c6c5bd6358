/**
 * The little of ESTree the source instrumentation reads (oxc's AST, as Vite's `this.parse` and
 * oxc-parser give it), shared by the await wrapping and the lock naming.
 */

/**
 * The smallest view of an ESTree node this walk needs (oxc's AST, as Vite and oxc-parser give it).
 */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** Parentheses, `?.` chains and TypeScript's value-preserving wrappers (`as`, `!`, `satisfies`). */
export function unwrap(node: AstNode): AstNode {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
        current = (current as unknown as { expression: AstNode }).expression;
        break;
      default:
        return current;
    }
  }
}

export function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * The child nodes of `node`, in source order of their keys (ESTree's key order is source order).
 */
export function* children(node: AstNode): Generator<AstNode> {
  for (const key in node) {
    if (key === 'parent') continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield item;
    } else if (isNode(value)) yield value;
  }
}

/** Sorted offsets where the text says `word`: only subtrees spanning one can contain it. */
export function offsetsOf(code: string, word: string): number[] {
  const offsets: number[] = [];
  for (
    let index = code.indexOf(word);
    index !== -1;
    index = code.indexOf(word, index + word.length)
  )
    offsets.push(index);
  return offsets;
}

/** Is some offset of the sorted `offsets` within [start, end)? */
export function spansOffset(offsets: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! < start) low = middle + 1;
    else high = middle;
  }
  return low < offsets.length && offsets[low]! < end;
}

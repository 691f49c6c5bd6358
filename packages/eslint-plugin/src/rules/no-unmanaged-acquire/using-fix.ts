import {
  AST_NODE_TYPES,
  AST_TOKEN_TYPES,
  type TSESLint,
  type TSESTree,
} from '@typescript-eslint/utils';

/**
 * Builds the `using` rewrite of an acquisition, when it is safe:
 * - the lock's acquire resolves to a Disposable guard (interlock's primitives);
 * - the acquisition and its release sit directly in one block (not a `case`, not module level).
 * A `using` guard is released where its block ends, so the hold must end there too:
 * - when the `try` (or the trailing release) is the block's last statement, the `try` body is
 *   unwrapped into the block, provided that redeclares no name of the block;
 * - otherwise the guard and the `try` body get a block of their own, so the lock is released
 *   right where the old `finally` ran and not held over the statements after it (which might
 *   acquire it again), and the body's names keep their scope; a guard name still used after
 *   the `try` forbids this form.
 * Either way the guard is also released on the early exits that used to leak it.
 */
export interface UsingRewrite {
  /** `await lock.acquire(…)` as written. */
  readonly acquireText: string;
  /** The existing `const` name, or undefined to pick a fresh one. */
  readonly binding: string | undefined;
  /** First node to replace (the acquire statement, or the `try` when the acquire is inside it). */
  readonly from: TSESTree.Node;
  /** The `try` whose body is unwrapped, if any. */
  readonly tryStatement: TSESTree.TryStatement | undefined;
  /** Statements of the try body to keep (the acquire itself is dropped when it was inside). */
  readonly body: readonly TSESTree.Node[];
  /** A trailing release statement to delete (the non-`finally` form). */
  readonly trailingRelease: TSESTree.Node | undefined;
}

export function usingFix(
  rewrite: UsingRewrite,
  sourceCode: Readonly<TSESLint.SourceCode>,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  const block = rewrite.from.parent;
  if (block?.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  const tryStatement = rewrite.tryStatement;
  const endsBlock = block.body.at(-1) === (tryStatement ?? rewrite.trailingRelease);
  // A trailing release is the last statement by construction; anything else is not rewritten.
  if (!tryStatement && !endsBlock) return undefined;
  const unwrap = endsBlock && (!tryStatement || unwrapIsSafe(block, tryStatement, rewrite.body));
  if (
    tryStatement &&
    !unwrap &&
    rewrite.binding !== undefined &&
    usedAfter(rewrite.binding, block, tryStatement, sourceCode)
  ) {
    return undefined;
  }
  const name = rewrite.binding ?? freshName(sourceCode.getText(block));
  const declaration = `using ${name} = ${rewrite.acquireText};`;
  return (fixer) => {
    const fixes: TSESLint.RuleFix[] = [];
    if (tryStatement) {
      const range: [number, number] = [rewrite.from.range[0], tryStatement.range[1]];
      const indent = indentOf(rewrite.from, sourceCode);
      if (unwrap) {
        const body =
          rewrite.body.length === 0
            ? ''
            : `\n${indent}${dedentedBody(tryStatement, rewrite.body, sourceCode)}`;
        fixes.push(fixer.replaceTextRange(range, `${declaration}${body}`));
      } else {
        // The try body keeps its indentation: it stays one level inside a block.
        const first = rewrite.body[0];
        const innerIndent = first
          ? indentOf(first, sourceCode)
          : `${indentOf(tryStatement, sourceCode)}  `;
        const kept = bodyRange(rewrite.body, sourceCode);
        const body = kept ? `\n${innerIndent}${sourceCode.text.slice(...kept)}` : '';
        fixes.push(
          fixer.replaceTextRange(range, `{\n${innerIndent}${declaration}${body}\n${indent}}`),
        );
      }
    } else {
      fixes.push(fixer.replaceText(rewrite.from, declaration));
    }
    if (rewrite.trailingRelease) {
      const before = sourceCode.getTokenBefore(rewrite.trailingRelease);
      fixes.push(
        fixer.removeRange([
          before ? before.range[1] : rewrite.trailingRelease.range[0],
          rewrite.trailingRelease.range[1],
        ]),
      );
    }
    return fixes;
  };
}

/** Whether `name` appears in the block after the `try`: it would be out of scope in a new block. */
function usedAfter(
  name: string,
  block: TSESTree.BlockStatement,
  tryStatement: TSESTree.TryStatement,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  const after = sourceCode.text.slice(tryStatement.range[1], block.range[1]);
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(after);
}

function freshName(text: string): string {
  for (let index = 0; ; index++) {
    const name = index === 0 ? 'guard' : `guard${index + 1}`;
    if (!new RegExp(`\\b${name}\\b`).test(text)) return name;
  }
}

/** The text range of the kept statements, with the comments right before and after them. */
function bodyRange(
  body: readonly TSESTree.Node[],
  sourceCode: Readonly<TSESLint.SourceCode>,
): [number, number] | undefined {
  const first = body[0];
  const last = body.at(-1);
  if (!first || !last) return undefined;
  const start = sourceCode.getCommentsBefore(first)[0]?.range[0] ?? first.range[0];
  const end = sourceCode.getCommentsAfter(last).at(-1)?.range[1] ?? last.range[1];
  return [start, end];
}

/** The whitespace a node's line starts with (tabs or spaces, as written). */
function indentOf(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string {
  const prefix = sourceCode.lines[node.loc.start.line - 1]?.slice(0, node.loc.start.column) ?? '';
  return /^\s*$/.test(prefix) ? prefix : ' '.repeat(node.loc.start.column);
}

/**
 * The try body's statements with one level of indentation removed — unless a template literal
 * or string spans lines in them: its text would change with the indentation, so it stays.
 */
function dedentedBody(
  tryStatement: TSESTree.TryStatement,
  body: readonly TSESTree.Node[],
  sourceCode: Readonly<TSESLint.SourceCode>,
): string {
  const first = body[0];
  const range = bodyRange(body, sourceCode);
  if (!first || !range) return '';
  const text = sourceCode.text.slice(...range);
  const outer = indentOf(tryStatement, sourceCode);
  const inner = indentOf(first, sourceCode);
  const extra = inner.startsWith(outer) ? inner.slice(outer.length) : '';
  const spansLines = sourceCode.ast.tokens.some(
    (token) =>
      token.range[0] >= range[0] &&
      token.range[1] <= range[1] &&
      (token.type === AST_TOKEN_TYPES.Template || token.type === AST_TOKEN_TYPES.String) &&
      token.loc.start.line !== token.loc.end.line,
  );
  if (extra === '' || spansLines) return text;
  return text
    .split('\n')
    .map((line, index) => (index > 0 && line.startsWith(extra) ? line.slice(extra.length) : line))
    .join('\n');
}

/** Names declared at the top of the try body must not clash with names of the block it joins. */
function unwrapIsSafe(
  block: TSESTree.BlockStatement,
  tryStatement: TSESTree.TryStatement,
  body: readonly TSESTree.Node[],
): boolean {
  if (tryStatement.handler) return false;
  const inner = new Set(body.flatMap(declaredNames));
  if (inner.size === 0) return true;
  return !block.body.some(
    (statement) =>
      statement !== tryStatement && declaredNames(statement).some((name) => inner.has(name)),
  );
}

function declaredNames(statement: TSESTree.Node): string[] {
  if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
    return statement.declarations.flatMap((declarator) => patternNames(declarator.id));
  }
  if (
    (statement.type === AST_NODE_TYPES.FunctionDeclaration ||
      statement.type === AST_NODE_TYPES.ClassDeclaration) &&
    statement.id
  ) {
    return [statement.id.name];
  }
  return [];
}

function patternNames(pattern: TSESTree.Node): string[] {
  switch (pattern.type) {
    case AST_NODE_TYPES.Identifier:
      return [pattern.name];
    case AST_NODE_TYPES.ArrayPattern:
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case AST_NODE_TYPES.ObjectPattern:
      return pattern.properties.flatMap((property) =>
        patternNames(property.type === AST_NODE_TYPES.Property ? property.value : property),
      );
    case AST_NODE_TYPES.RestElement:
      return patternNames(pattern.argument);
    case AST_NODE_TYPES.AssignmentPattern:
      return patternNames(pattern.left);
    default:
      return [];
  }
}

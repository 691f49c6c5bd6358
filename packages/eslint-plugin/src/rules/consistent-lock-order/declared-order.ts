import ts from 'typescript';
import type { LockRef } from '../../analysis/types.ts';

/** Where a declared order comes from, for the message. */
export interface OrderSource {
  /** `first` is to be taken before `second`. */
  readonly first: string;
  readonly second: string;
  readonly origin: string;
}

/**
 * The names a lock answers to in `order`, `ignore` and `@acquiredBefore`: how messages show it
 * (`Bank.accounts`, `from.lock`), its last part (`accounts`), its class member (`Account.lock`)
 * and, for a Web Lock, its name without quotes.
 */
export function namesOf(lock: LockRef): readonly string[] {
  const names = new Set<string>([lock.display]);
  const lastDot = lock.display.lastIndexOf('.');
  if (lastDot >= 0) names.add(lock.display.slice(lastDot + 1));
  if (/^'.*'$/.test(lock.display)) names.add(lock.display.slice(1, -1));
  const field = lock.field;
  const fieldName = field && ts.getNameOfDeclaration(field);
  if (field && fieldName && ts.isIdentifier(fieldName)) {
    names.add(fieldName.text);
    const owner = ts.isParameter(field) ? field.parent.parent : field.parent;
    if (ts.isClassLike(owner) && owner.name) names.add(`${owner.name.text}.${fieldName.text}`);
  }
  return [...names];
}

/** The declaration whose JSDoc speaks for a lock: its class member, or the binding it is. */
function declarationOf(lock: LockRef): ts.Declaration | undefined {
  if (lock.field) return lock.field;
  const root = lock.root;
  if (
    root &&
    ts.isVariableDeclaration(root) &&
    ts.isIdentifier(root.name) &&
    root.name.text === lock.display
  )
    return root;
  return undefined;
}

/** Names listed in a lock's `@acquiredBefore` / `@acquiredAfter` JSDoc tags. */
function taggedNames(
  lock: LockRef,
  tagName: 'acquiredBefore' | 'acquiredAfter',
): readonly string[] {
  const declaration = declarationOf(lock);
  if (!declaration) return [];
  return ts
    .getJSDocTags(declaration)
    .filter((tag) => tag.tagName.text === tagName)
    .flatMap((tag) => (ts.getTextOfJSDocComment(tag.comment) ?? '').split(/[\s,]+/))
    .map((name) => name.replace(/^[{`'"]+|[}`'"]+$/g, ''))
    .filter((name) => name !== '');
}

/**
 * The declared orders, from the `order` option (each list is a chain: earlier before later) and
 * from JSDoc `@acquiredBefore` / `@acquiredAfter` on the locks' declarations (type information
 * only). Returns why taking `acquired` while holding `held` breaks one of them, or undefined.
 */
export function declaredOrderBroken(
  held: LockRef,
  acquired: LockRef,
  order: readonly (readonly string[])[],
  fileOf: (node: ts.Node) => string,
): OrderSource | undefined {
  const heldNames = namesOf(held);
  const acquiredNames = namesOf(acquired);
  for (const chain of order) {
    const acquiredAt = chain.findIndex((name) => acquiredNames.includes(name));
    const heldAt = chain.findIndex((name) => heldNames.includes(name));
    if (acquiredAt >= 0 && heldAt > acquiredAt) {
      return { first: chain[acquiredAt]!, second: chain[heldAt]!, origin: 'the `order` option' };
    }
  }
  const before = taggedNames(acquired, 'acquiredBefore').find((name) => heldNames.includes(name));
  if (before !== undefined) {
    return {
      first: acquired.display,
      second: before,
      origin: `\`@acquiredBefore\` at ${jsDocSite(acquired, fileOf)}`,
    };
  }
  const after = taggedNames(held, 'acquiredAfter').find((name) => acquiredNames.includes(name));
  if (after !== undefined) {
    return {
      first: after,
      second: held.display,
      origin: `\`@acquiredAfter\` at ${jsDocSite(held, fileOf)}`,
    };
  }
  return undefined;
}

function jsDocSite(lock: LockRef, fileOf: (node: ts.Node) => string): string {
  const declaration = declarationOf(lock)!;
  const sourceFile = declaration.getSourceFile();
  const { line } = sourceFile.getLineAndCharacterOfPosition(declaration.getStart());
  return `${fileOf(declaration)}:${line + 1}`;
}

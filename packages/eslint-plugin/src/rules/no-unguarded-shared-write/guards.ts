import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { enclosingFunction, memberKeyName, type FunctionNode } from '../../analysis/estree.ts';
import type { FileFacts } from '../../analysis/held-walk.ts';
import type { ClassNode, FileLockModel } from '../../analysis/lock-model.ts';
import { bindingGuardKey, fieldGuardKey } from '../../analysis/shared-locations.ts';
import { classOfThisEstree } from '../../analysis/this-class.ts';
import { canonicalId, type HeldSet } from '../../analysis/types.ts';
import { calleeNameOf } from './write-events.ts';

/** A `@guardedBy` declaration on a module variable or class field. */
export interface DeclaredGuard {
  /** The lock's name as written in the tag. */
  readonly lockName: string;
  /** The lock's identity; undefined when the name is no lock the model knows. */
  readonly lockId: string | undefined;
  /** The annotated declaration (where an unknown lock name is reported). */
  readonly declaration: TSESTree.Node;
}

const guardedByTag = /@guardedBy\s+([\w$#.]+)/;
const requiresLockTag = /@requiresLock\s+([\w$#.]+)/g;

/** The lock named by a `@guardedBy` tag in the comments right before `node`. */
function guardNameBefore(
  node: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
): string | undefined {
  for (const comment of sourceCode.getCommentsBefore(node)) {
    const match = guardedByTag.exec(comment.value);
    if (match) return match[1];
  }
  return undefined;
}

/** Every `@guardedBy` of a file, by the guard key of the location it annotates. */
export function declaredGuards(
  sourceCode: Readonly<TSESLint.SourceCode>,
  model: FileLockModel,
): Map<string, DeclaredGuard> {
  const guards = new Map<string, DeclaredGuard>();
  const visitClass = (owner: ClassNode): void => {
    for (const element of owner.body.body) {
      if (element.type !== AST_NODE_TYPES.PropertyDefinition || element.static || element.computed)
        continue;
      const name = memberKeyName(element.key);
      const lockName = name === undefined ? undefined : guardNameBefore(element, sourceCode);
      if (name === undefined || lockName === undefined) continue;
      guards.set(fieldGuardKey(owner, name), {
        lockName,
        lockId: model.guardLockId(lockName, element, owner),
        declaration: element,
      });
    }
  };
  const visitStatement = (statement: TSESTree.Node): void => {
    const inner =
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration && statement.declaration
        ? statement.declaration
        : statement;
    if (inner.type === AST_NODE_TYPES.ClassDeclaration) visitClass(inner);
    if (inner.type !== AST_NODE_TYPES.VariableDeclaration) return;
    const lockName = guardNameBefore(statement, sourceCode) ?? guardNameBefore(inner, sourceCode);
    for (const declarator of inner.declarations) {
      if (declarator.init?.type === AST_NODE_TYPES.ClassExpression) visitClass(declarator.init);
      if (lockName === undefined || declarator.id.type !== AST_NODE_TYPES.Identifier) continue;
      guards.set(bindingGuardKey(declarator.id), {
        lockName,
        lockId: model.guardLockId(lockName, declarator, undefined),
        declaration: declarator,
      });
    }
  };
  for (const statement of sourceCode.ast.body) visitStatement(statement);
  return guards;
}

/** Whether a lock with this id is held (even only maybe: we prefer a missed finding). */
export function holdsLock(held: HeldSet, lockId: string): boolean {
  return held.some((hold) => canonicalId(hold.lock) === lockId);
}

/** Depth of callers followed for "every caller holds the lock". */
const maxCallerDepth = 3;

/**
 * Answers "does every caller of this function hold the lock?" — helpers that a locked section
 * calls (`this.#flush()` inside `runExclusive`) write guarded state without taking the lock
 * themselves. True when the function's JSDoc says `@requiresLock <name>` for it, or when it has
 * call sites in this file and every one of them holds the lock (or is itself such a helper, up to
 * three callers deep). A function nobody in the file calls is not trusted: exported code can be
 * called from anywhere.
 */
export class CallerLocks {
  readonly #sourceCode: Readonly<TSESLint.SourceCode>;
  readonly #model: FileLockModel;
  readonly #facts: FileFacts;
  readonly #calls: readonly TSESTree.CallExpression[];
  readonly #memo = new Map<string, boolean>();
  readonly #ids = new WeakMap<FunctionNode, number>();
  #nextId = 0;

  constructor(
    sourceCode: Readonly<TSESLint.SourceCode>,
    model: FileLockModel,
    facts: FileFacts,
    calls: readonly TSESTree.CallExpression[],
  ) {
    this.#sourceCode = sourceCode;
    this.#model = model;
    this.#facts = facts;
    this.#calls = calls;
  }

  /**
   * Whether every caller of the function around `node` holds `lockId` (any lock when undefined).
   */
  holdAround(node: TSESTree.Node, lockId: string | undefined): boolean {
    const fn = enclosingFunction(node);
    return fn !== undefined && this.#callersHold(fn, lockId, 0);
  }

  #callersHold(fn: FunctionNode, lockId: string | undefined, depth: number): boolean {
    if (this.#declaresRequired(fn, lockId)) return true;
    if (depth >= maxCallerDepth) return false;
    let id = this.#ids.get(fn);
    if (id === undefined) this.#ids.set(fn, (id = this.#nextId++));
    const key = `${id}:${lockId ?? '*'}`;
    const memo = this.#memo.get(key);
    if (memo !== undefined) return memo;
    // Assume no while deciding: a call cycle proves nothing.
    this.#memo.set(key, false);
    const sites = this.#callSites(fn);
    const result =
      sites.length > 0 &&
      sites.every((call) => {
        const held = this.#facts.heldAt(call);
        if (lockId === undefined ? held.length > 0 : holdsLock(held, lockId)) return true;
        const caller = enclosingFunction(call);
        return caller !== undefined && this.#callersHold(caller, lockId, depth + 1);
      });
    this.#memo.set(key, result);
    return result;
  }

  #declaresRequired(fn: FunctionNode, lockId: string | undefined): boolean {
    const host =
      fn.parent?.type === AST_NODE_TYPES.MethodDefinition ||
      fn.parent?.type === AST_NODE_TYPES.PropertyDefinition
        ? fn.parent
        : fn;
    const statement =
      host.parent?.type === AST_NODE_TYPES.ExportNamedDeclaration ? host.parent : host;
    const owner = host === fn ? undefined : classOfThisEstree(fn);
    for (const comment of this.#sourceCode.getCommentsBefore(statement)) {
      for (const match of comment.value.matchAll(requiresLockTag)) {
        if (lockId === undefined || this.#model.guardLockId(match[1]!, fn, owner) === lockId)
          return true;
      }
    }
    return false;
  }

  #callSites(fn: FunctionNode): TSESTree.CallExpression[] {
    const named = calleeNameOf(fn);
    if (!named) return [];
    const owner = named.method ? classOfThisEstree(fn) : undefined;
    return this.#calls.filter((call) => {
      const callee = call.callee;
      if (named.method) {
        return (
          callee.type === AST_NODE_TYPES.MemberExpression &&
          callee.object.type === AST_NODE_TYPES.ThisExpression &&
          !callee.computed &&
          memberKeyName(callee.property) === named.name &&
          classOfThisEstree(callee.object) === owner
        );
      }
      return callee.type === AST_NODE_TYPES.Identifier && callee.name === named.name;
    });
  }
}

import type { BranchCondition } from './branch-conditions.ts';
import type { TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

/** What kind of primitive a lock type is; decides which rules apply to it. */
export type LockCategory = 'lock' | 'rlock' | 'semaphore' | 'condition' | 'weblock';

/** What an acquire method resolves to, which decides how the lock is released. */
export type AcquireResult =
  /** interlock: a Disposable Guard with release(); `using` works. */
  | 'guard'
  /** async-mutex Mutex: a releaser function. */
  | 'releaser'
  /** async-mutex Semaphore: `[value, releaser]`. */
  | 'value-and-releaser'
  /** await-lock / custom: nothing; release on the lock itself. */
  | 'nothing';

/** One recognised lock type: where it comes from and its method names. */
export interface LockKind {
  /** Display name of the type, e.g. `Lock`, `Mutex`. */
  readonly typeName: string;
  readonly category: LockCategory;
  /** Re-acquiring while held is fine for the owning task. */
  readonly reentrant: boolean;
  readonly acquireResult: AcquireResult;
  /** Blocking acquire methods (return a promise or block). */
  readonly acquire: ReadonlySet<string>;
  /** Non-blocking acquire methods; the result says whether the lock was taken. */
  readonly tryAcquire: ReadonlySet<string>;
  readonly release: ReadonlySet<string>;
  /** Methods that run their first function argument with the lock held. */
  readonly callback: ReadonlySet<string>;
  /** Condition methods that need the lock: wait-like ones. */
  readonly wait: ReadonlySet<string>;
  /** Condition wait-with-predicate methods (loop built in). */
  readonly waitFor: ReadonlySet<string>;
  readonly notify: ReadonlySet<string>;
}

/**
 * A lock as the rules see it: its kind and its identity. Two references with the same `id` are
 * the same lock. `id` is undefined when identity is unknown; unknown locks never match anything
 * (we prefer a missed finding to an invented one).
 */
export interface LockRef {
  readonly kind: LockKind;
  readonly id: string | undefined;
  /** How to name the lock in a message: `sharedLock`, `Account.lock`, `'cache'`. */
  readonly display: string;
  /** For a Condition built on a known lock (`new Condition(lock)`): that lock. */
  readonly underlying?: LockRef;
  /**
   * For a Condition not built in sight (a parameter, `Condition.from(handle)`, a call's result):
   * the lock it waits on is unknown and may be any lock that is held.
   */
  readonly lockHidden?: boolean;
  /** Acquired through a wrapper that may give up (async-mutex `tryAcquire(m)`). */
  readonly tryWrapper?: boolean;
  /**
   * The declaration the identity is rooted at, with type information: a parameter or local of
   * a function names a different object in every call of it, which summaries must respect.
   */
  readonly root?: ts.Declaration;
  /**
   * With type information, for a lock reached as a member (`this.lock`, `from.lock`): the
   * member's declaration. Two locks with different ids and the same `field` are the same field
   * of two objects of one class (`transfer(from, to)`); `consistent-lock-order` also reads its
   * JSDoc (`@acquiredBefore`).
   */
  readonly field?: ts.Declaration;
}

export type LockOpKind =
  'acquire' | 'tryAcquire' | 'release' | 'callback' | 'wait' | 'waitFor' | 'notify';

/** A call recognised as an operation on a lock. */
export interface LockOp {
  readonly kind: LockOpKind;
  readonly call: TSESTree.CallExpression;
  readonly method: string;
  readonly lock: LockRef;
  /** The function argument run with the lock held (callback forms). */
  readonly callback?: TSESTree.CallExpressionArgument;
  /** False for Web Locks shared-mode, `ifAvailable` or `steal` requests. */
  readonly exclusive: boolean;
}

/** How a hold was taken; decides how it ends. */
export type HoldStyle = 'using' | 'statement' | 'binding' | 'callback';

/** One lock held at a point of a function. */
export interface Hold {
  readonly lock: LockRef;
  /** False when only conditionally held (a try-acquire not yet checked, one branch of an if). */
  readonly definite: boolean;
  readonly style: HoldStyle;
  /** The acquiring call. */
  readonly site: TSESTree.Node;
  /** The variable bound to the guard or releaser, when there is one. */
  readonly binding?: string;
  /**
   * For a hold taken on one branch of an `if` whose test is made of reads
   * (`if (exclusive) await lock.acquire()`, `if (this.flag)`, `if (a && b)`; see
   * `branch-conditions.ts`): held exactly when that test is truthy (`branch: true`) or falsy.
   * `binding` is the test's key. A later `if` with the same key knows for sure — for a test
   * that reads members (`test`), when nothing from `since` (the end of the first test) to the
   * later test can change them.
   */
  readonly condition?: {
    readonly binding: string;
    readonly branch: boolean;
    readonly test?: BranchCondition;
    readonly since?: number;
  };
}

export type HeldSet = readonly Hold[];

/** The identity that decides whether two references name the same underlying lock. */
export function canonicalId(lock: LockRef): string | undefined {
  return lock.underlying?.id ?? lock.id;
}

/**
 * The id a lock takes part in the lock order under: its canonical id, unless it has none or is a
 * counting semaphore (several tasks hold one at once, so it orders nothing).
 */
export function orderedId(lock: LockRef): string | undefined {
  return lock.kind.category === 'semaphore' ? undefined : canonicalId(lock);
}

/** Reentrancy of the lock actually taken (a Condition delegates to its lock). */
export function isReentrant(lock: LockRef): boolean {
  if (lock.underlying) return lock.underlying.kind.reentrant;
  return lock.kind.reentrant;
}

import ts from 'typescript';
import { knownLockTypes, methodNamesOf, webLockKind } from './known-locks.ts';
import {
  fileLockUsage,
  lockUsageTest,
  programMentionsWebLocks,
  type FileLockUsage,
  type LockUsageTest,
} from './lock-usage.ts';
import { TypeRecogniser } from './recognise-type.ts';
import type { InterlockSettings } from './settings.ts';
import { calledMemberName, skipOuter } from './ts-ast.ts';
import { IdentityResolver } from './ts-identity.ts';
import type { LockKind, LockOpKind, LockRef } from './types.ts';
import { tsWebLockView, webLockRequest } from './web-locks.ts';

const webLockRequestMethod = [...webLockKind.callback][0] ?? 'request';

/** A lock operation found in the TypeScript AST. */
export interface TsLockOp {
  readonly kind: LockOpKind;
  readonly method: string;
  readonly lock: LockRef;
  /** Index of the argument run with the lock held (callback forms). */
  readonly callbackIndex?: number;
  readonly exclusive: boolean;
}

/**
 * The type-aware half of the lock model for one `ts.Program`: lock types, identities and lock
 * operations. Built once per program (see `programModelFor`) and shared by every rule and file.
 */
export class ProgramModel {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly identities: IdentityResolver;
  readonly #types: TypeRecogniser;
  // Method names any recognised lock type reacts to: calls of other names never ask the checker.
  readonly #methodNames: ReadonlySet<string>;
  readonly #usage: LockUsageTest;
  // Per source file: what it may do with locks (see `mayAcquire`).
  readonly #fileUsage = new WeakMap<ts.SourceFile, FileLockUsage>();
  // Per call node; undefined results stored as null.
  readonly #ops = new WeakMap<ts.CallExpression, TsLockOp | null>();

  constructor(program: ts.Program, settings: InterlockSettings) {
    this.program = program;
    this.checker = program.getTypeChecker();
    this.identities = new IdentityResolver(this.checker);
    this.#types = new TypeRecogniser(program, settings);
    const kinds = [
      ...[...knownLockTypes.values()].flatMap((byName) => [...byName.values()]),
      webLockKind,
      ...settings.locks.map((lock) => lock.kind),
    ];
    this.#methodNames = new Set(kinds.flatMap(methodNamesOf));
    this.#usage = lockUsageTest(settings);
  }

  /**
   * Whether a file of the program may take a lock: its text calls a method named like an
   * acquire, try-acquire or callback form of some lock kind or names Web Locks, or it requests a
   * Web Lock through a manager that reached it under another name (`requestsWebLock`). Lets
   * whole-program analyses skip the files that cannot hold a lock (never a false "no").
   */
  mayAcquire(sourceFile: ts.SourceFile): boolean {
    return this.usageOf(sourceFile).mayAcquire;
  }

  /** Whether a file may call any lock method (release, wait, notify… too); see `mayAcquire`. */
  mayUseLocks(sourceFile: ts.SourceFile): boolean {
    return this.usageOf(sourceFile).mayUseLocks;
  }

  /**
   * What a file of the program may do with locks (`fileLockUsage`), once per file: the lock graph
   * asks it of every file of the program and the per-file prefilter of the file being linted,
   * whichever comes first computes it for both.
   */
  usageOf(sourceFile: ts.SourceFile): FileLockUsage {
    let usage = this.#fileUsage.get(sourceFile);
    if (!usage) {
      usage = fileLockUsage(this.#usage, sourceFile.text, () => this.requestsWebLock(sourceFile));
      this.#fileUsage.set(sourceFile, usage);
    }
    return usage;
  }

  /**
   * Whether a file whose text never names Web Locks requests one all the same: a LockManager
   * imported under another name, destructured (`const { locks: m } = navigator`) or passed in as
   * a parameter whose type is named otherwise. `request` is also the method of every HTTP client,
   * so the type checker is asked only about calls that could be a Web Lock request — a program
   * that mentions Web Locks outside TypeScript's own lib files (`programMentionsWebLocks`), a
   * `request(` in the text, a call with a name and a callback, a receiver that is no module
   * (`http.request(url, done)`) — and the answer is the one `classify` gives the rules.
   */
  requestsWebLock(sourceFile: ts.SourceFile): boolean {
    return programMentionsWebLocks(this.program) && this.#someWebLockRequest(sourceFile);
  }

  #someWebLockRequest(root: ts.Node): boolean {
    const visit = (node: ts.Node): boolean => {
      if (ts.isCallExpression(node) && this.#mayBeWebLockRequest(node)) {
        if (this.classify(node)?.lock.kind === webLockKind) return true;
      }
      return ts.forEachChild(node, visit) ?? false;
    };
    return visit(root);
  }

  /** The syntax of a Web Lock request (`webLockRequest` needs a name and a callback). */
  #mayBeWebLockRequest(call: ts.CallExpression): boolean {
    const member = calledMemberName(call);
    return (
      member?.name === webLockRequestMethod &&
      call.arguments.length >= 2 &&
      !this.#namesModule(member.receiver)
    );
  }

  /**
   * `http` in `http.request(…)` when it names a module or namespace (`import * as http`, a
   * default import of a module without one, `namespace api {}`): never a LockManager, and
   * resolving the name is cheaper than asking for the type.
   */
  #namesModule(receiver: ts.Expression): boolean {
    const inner = skipOuter(receiver);
    if (!ts.isIdentifier(inner)) return false;
    let symbol = this.checker.getSymbolAtLocation(inner);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.checker.getAliasedSymbol(symbol);
    return (
      symbol !== undefined &&
      (symbol.flags & ts.SymbolFlags.Module) !== 0 &&
      (symbol.flags & ts.SymbolFlags.Variable) === 0
    );
  }

  /** The lock kind of an expression's type. */
  kindOfExpression(expression: ts.Expression): LockKind | undefined {
    return this.#types.kindOf(this.checker.getTypeAtLocation(expression));
  }

  /** Classifies a call as a lock operation, or undefined. */
  classify(call: ts.CallExpression): TsLockOp | undefined {
    const memo = this.#ops.get(call);
    if (memo !== undefined) return memo ?? undefined;
    const op = this.#classify(call);
    this.#ops.set(call, op ?? null);
    return op;
  }

  #classify(call: ts.CallExpression): TsLockOp | undefined {
    const member = calledMemberName(call);
    if (!member || !this.#methodNames.has(member.name)) return undefined;
    // Inside a lock class's own implementation `this.acquire()` is plumbing, not a use.
    if (skipOuter(member.receiver).kind === ts.SyntaxKind.ThisKeyword) return undefined;
    const kind = this.kindOfExpression(member.receiver);
    if (!kind) return undefined;
    if (kind === webLockKind)
      return member.name === 'request' ? this.#webLockRequest(call) : undefined;
    const opKind = operationKind(kind, member.name);
    if (!opKind) return undefined;
    const lock = this.lockRef(member.receiver, kind);
    return {
      kind: opKind,
      method: member.name,
      lock,
      ...(opKind === 'callback' ? { callbackIndex: 0 } : {}),
      exclusive: !lock.tryWrapper,
    };
  }

  /** A LockRef for an expression already known to be a lock of `kind`. */
  lockRef(expression: ts.Expression, kind: LockKind): LockRef {
    const identity = this.identities.of(expression);
    const display = identity?.display ?? skipOuter(expression).getText();
    const conditionLock = kind.category === 'condition' ? this.#conditionLock(expression) : 'own';
    const field = this.#fieldOf(expression);
    return {
      kind,
      id: identity?.id,
      display,
      ...(typeof conditionLock === 'object' ? { underlying: conditionLock } : {}),
      ...(conditionLock === 'hidden' ? { lockHidden: true } : {}),
      ...(identity?.tryWrapper ? { tryWrapper: true } : {}),
      ...(identity?.root ? { root: identity.root } : {}),
      ...(field ? { field } : {}),
    };
  }

  /** The declaration of the member `x.lock` / `this.lock` reads, when it is a class member. */
  #fieldOf(expression: ts.Expression): ts.Declaration | undefined {
    const inner = skipOuter(expression);
    if (!ts.isPropertyAccessExpression(inner)) return undefined;
    const declaration = this.checker.getSymbolAtLocation(inner.name)?.valueDeclaration;
    if (!declaration) return undefined;
    const isMember =
      ts.isPropertyDeclaration(declaration) ||
      (ts.isParameter(declaration) && ts.isConstructorDeclaration(declaration.parent));
    return isMember ? declaration : undefined;
  }

  /** `navigator.locks.request(name, [options], callback)`: identity is the name when constant. */
  #webLockRequest(call: ts.CallExpression): TsLockOp | undefined {
    const request = webLockRequest(tsWebLockView(call, this.checker));
    return request && { kind: 'callback', method: 'request', ...request };
  }

  /**
   * The lock a Condition waits on: the lock it was built on (`new Condition(lock)`), its own
   * (`new Condition()`, or a lock we cannot follow), or `'hidden'` when the Condition was not
   * built here at all (a parameter, `Condition.from(handle)`, a call's result).
   */
  #conditionLock(expression: ts.Expression): LockRef | 'own' | 'hidden' {
    const inner = skipOuter(expression);
    const symbol = this.checker.getSymbolAtLocation(
      ts.isPropertyAccessExpression(inner) ? inner.name : inner,
    );
    const declaration = symbol?.valueDeclaration;
    if (!declaration) return 'hidden';
    const construction = constructionOf(declaration);
    if (!construction) return 'hidden';
    const argument = construction.arguments?.[0];
    if (!argument) return 'own';
    const kind = this.kindOfExpression(argument);
    if (!kind || kind.category === 'condition') return 'own';
    const identity = this.identities.of(argument);
    return {
      kind,
      id: identity?.id,
      display: identity?.display ?? argument.getText(),
      ...(identity?.root ? { root: identity.root } : {}),
    };
  }
}

/** Which operation a method of a lock kind performs. */
export function operationKind(kind: LockKind, method: string): LockOpKind | undefined {
  if (kind.callback.has(method)) return 'callback';
  if (kind.acquire.has(method)) return 'acquire';
  if (kind.tryAcquire.has(method)) return 'tryAcquire';
  if (kind.release.has(method)) return 'release';
  if (kind.waitFor.has(method)) return 'waitFor';
  if (kind.wait.has(method)) return 'wait';
  if (kind.notify.has(method)) return 'notify';
  return undefined;
}

/** `new X(…)` that initialises a variable or property, here or in the class constructor. */
function constructionOf(declaration: ts.Declaration): ts.NewExpression | undefined {
  if (
    (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) &&
    declaration.initializer
  ) {
    const initializer = skipOuter(declaration.initializer);
    if (ts.isNewExpression(initializer)) return initializer;
  }
  if (!ts.isPropertyDeclaration(declaration) || !ts.isClassLike(declaration.parent))
    return undefined;
  const name = declaration.name.getText();
  const constructor = declaration.parent.members.find(ts.isConstructorDeclaration);
  for (const statement of constructor?.body?.statements ?? []) {
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression))
      continue;
    const { left, operatorToken, right } = statement.expression;
    if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword)
      continue;
    if (left.name.text === name && ts.isNewExpression(skipOuter(right)))
      return skipOuter(right) as ts.NewExpression;
  }
  return undefined;
}

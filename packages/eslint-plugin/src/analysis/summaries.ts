import ts from 'typescript';
import type { ProgramModel } from './program-model.ts';
import { calledMemberName, runsCallbackNow, skipOuter } from './ts-ast.ts';
import { declarationKey } from './ts-identity.ts';
import type { LockRef } from './types.ts';
import { isWaitedOnTs } from './waited-on.ts';

/** A blocking, exclusive acquisition a function may perform, directly or through calls. */
export interface AcquisitionSummary {
  readonly lock: LockRef;
  /** Names of the functions called on the way, outermost first (empty when direct). */
  readonly path: readonly string[];
}

// How deep calls are followed; deeper chains are not summarised (a missed finding, never a wrong
// one).
const maxCallDepth = 5;
// Bounds the work per function on generated or pathological code.
const maxSitesPerFunction = 32;

/**
 * Which locks each function of the program may take and wait for, followed through calls of
 * functions declared in the program's own files. Computed lazily and memoised per function, once
 * per program. Acquisitions in callbacks that run later (timers, `.then`, handlers) do not count.
 */
export class AcquisitionSummaries {
  readonly #model: ProgramModel;
  // Function declaration → its summary, kept for the program only when nothing in it was cut
  // (by the depth bound, or by a cycle of calls still being summarised): a cut summary depends
  // on where the first query entered, and keeping it would make findings depend on file order.
  readonly #complete = new Map<ts.Node, readonly AcquisitionSummary[]>();
  // Within one outermost query: every summary made, cut or not, so a query stays linear.
  #query: Map<ts.Node, QueryEntry> | undefined;
  // The functions being summarised, outermost first.
  readonly #stack: Frame[] = [];
  // Call → the program function it runs (null: none, or not declared in the program's files).
  readonly #callees = new WeakMap<ts.CallExpression, ts.FunctionLikeDeclaration | null>();

  constructor(model: ProgramModel) {
    this.#model = model;
  }

  /** What a call may acquire: the callee's summary, with `this` rebased on the receiver. */
  ofCall(call: ts.CallExpression, depth = 0): readonly AcquisitionSummary[] {
    const outermost = this.#query === undefined;
    if (outermost) this.#query = new Map();
    try {
      return this.#ofCall(call, depth);
    } finally {
      if (outermost) this.#query = undefined;
    }
  }

  #ofCall(call: ts.CallExpression, depth: number): readonly AcquisitionSummary[] {
    if (depth > maxCallDepth) {
      const top = this.#stack.at(-1);
      if (top) top.cut = true;
      return [];
    }
    const callee = this.#calleeDeclaration(call);
    if (!callee) return [];
    const name = calleeName(call);
    const rebaseThis = this.#rebaser(call);
    const rebaseScope = this.#scopeRebaser(call, callee);
    const result: AcquisitionSummary[] = [];
    for (const summary of this.#ofFunction(callee, depth)) {
      const receiverLock = rebaseThis(summary.lock);
      const lock = receiverLock && rebaseScope(receiverLock);
      if (lock) result.push({ lock, path: [name, ...summary.path] });
    }
    return result;
  }

  /**
   * Locks rooted in the callee's own scope name other objects in every call: one rooted at a
   * parameter is the caller's argument (`lockUp(node.parent)` acquires `node.parent.lock`, not
   * the caller's `node.lock`), and one rooted at any other local is a fresh object (recursion
   * included), so it is dropped. Locks rooted outside the callee keep their identity.
   */
  #scopeRebaser(
    call: ts.CallExpression,
    callee: ts.FunctionLikeDeclaration,
  ): (lock: LockRef) => LockRef | undefined {
    const rebase = (lock: LockRef): LockRef | undefined => {
      const underlying = lock.underlying && rebase(lock.underlying);
      if (lock.underlying && !underlying) return undefined;
      const withUnderlying =
        underlying === lock.underlying ? lock : { ...lock, ...(underlying ? { underlying } : {}) };
      const root = lock.root;
      if (!root || !isWithin(root, callee)) return withUnderlying;
      if (
        !ts.isParameter(root) ||
        root.parent !== callee ||
        root.dotDotDotToken ||
        !ts.isIdentifier(root.name)
      )
        return undefined;
      const argument = call.arguments[callee.parameters.indexOf(root)];
      const identity =
        argument && !ts.isSpreadElement(argument) ? this.#model.identities.of(argument) : undefined;
      const prefix = `param:${declarationKey(root)}`;
      if (!identity || !lock.id?.startsWith(prefix)) return undefined;
      const name = root.name.text;
      const { root: _calleeRoot, ...rest } = withUnderlying;
      return {
        ...rest,
        id: `${identity.id}${lock.id.slice(prefix.length)}`,
        display: `${identity.display}${lock.display.startsWith(name) ? lock.display.slice(name.length) : ''}`,
        ...(identity.root ? { root: identity.root } : {}),
      };
    };
    return rebase;
  }

  #ofFunction(
    declaration: ts.FunctionLikeDeclaration,
    depth: number,
  ): readonly AcquisitionSummary[] {
    const complete = this.#complete.get(declaration);
    if (complete) return complete;
    const top = this.#stack.at(-1);
    const entry = this.#query?.get(declaration);
    if (entry) {
      // Still being summarised: a cycle of calls. Everything above it on the stack is cut; the
      // function itself is not (its own summary is the fixpoint the cycle adds nothing to).
      const onStack = this.#stack.findIndex((frame) => frame.fn === declaration);
      if (top && onStack >= 0) top.cycleAt = Math.min(top.cycleAt, onStack);
      else if (top && entry.cut) top.cut = true;
      return entry.summary;
    }
    const frame: Frame = { fn: declaration, cut: false, cycleAt: Number.POSITIVE_INFINITY };
    const level = this.#stack.length;
    this.#stack.push(frame);
    this.#query?.set(declaration, { summary: [], cut: true });
    const found: AcquisitionSummary[] = [];
    const visit = (node: ts.Node): void => {
      if (found.length >= maxSitesPerFunction) return;
      if (ts.isFunctionLike(node) && node !== declaration) {
        if (this.#runsNow(node)) ts.forEachChild(node, visit);
        return;
      }
      if (ts.isClassLike(node)) return;
      if (ts.isCallExpression(node)) this.#collectCall(node, declaration, depth, found);
      ts.forEachChild(node, visit);
    };
    try {
      if (declaration.body) visit(declaration.body);
    } finally {
      this.#stack.pop();
    }
    const cut = frame.cut || frame.cycleAt < level;
    this.#query?.set(declaration, { summary: found, cut });
    if (!cut) this.#complete.set(declaration, found);
    if (top) {
      top.cut ||= frame.cut;
      if (frame.cycleAt < level) top.cycleAt = Math.min(top.cycleAt, frame.cycleAt);
    }
    return found;
  }

  #collectCall(
    call: ts.CallExpression,
    declaration: ts.FunctionLikeDeclaration,
    depth: number,
    found: AcquisitionSummary[],
  ): void {
    // A call adds something only as a lock operation or through a callee in the program: most
    // calls (`map.get(k)`, `items.filter(f)`) are neither, and are not asked the type question
    // below. Classifying first changes no answer: both are memoised and have no side effects.
    const op = this.#model.classify(call);
    if (!op && !this.#calleeDeclaration(call)) return;
    // Only what the function waits for can block it: an acquire or call left pending does not.
    // What it returns counts too: a summary is only asked for a call its caller waits on, and
    // that caller then waits for the returned promise (`return m.runExclusive(…)`).
    if (!this.#waitedOn(call, declaration)) return;
    if (op) {
      if (
        (op.kind === 'acquire' || op.kind === 'callback') &&
        op.exclusive &&
        !op.lock.tryWrapper
      ) {
        found.push({ lock: op.lock, path: [] });
      }
      return;
    }
    found.push(...this.#ofCall(call, depth + 1));
  }

  /** Awaited, returned to a lock callback that awaits it, or synchronous (a blocking acquire). */
  #waitedOn(call: ts.CallExpression, summarised?: ts.FunctionLikeDeclaration): boolean {
    return isWaitedOnTs(
      call,
      (fn) => fn === summarised || this.#isLockCallback(fn),
      this.#model.checker,
    );
  }

  #isLockCallback(fn: ts.SignatureDeclaration): boolean {
    const call = fn.parent;
    if (!ts.isCallExpression(call)) return false;
    const op = this.#model.classify(call);
    return op?.kind === 'callback' && call.arguments[op.callbackIndex ?? -1] === fn;
  }

  /**
   * A nested function runs during the enclosing one: a waited-on lock callback or a sync array
   * callback.
   */
  #runsNow(fn: ts.SignatureDeclaration): boolean {
    const call = fn.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression)) return false;
    const op = this.#model.classify(call);
    // A lock callback runs when the lock is granted: during this function only if it waits for it.
    if (op)
      return (
        op.kind === 'callback' &&
        call.arguments[op.callbackIndex ?? -1] === fn &&
        this.#waitedOn(call)
      );
    const isAsync = ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async;
    return !isAsync && runsCallbackNow(call, this.#model.checker, this.#model.program);
  }

  /**
   * The function a call runs, when it is declared with a body in the program's own files; once
   * per call node (asked by the graph's file filter, by the summary that contains the call and by
   * the walk's edges — each a symbol lookup through the checker).
   */
  #calleeDeclaration(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
    const known = this.#callees.get(call);
    if (known !== undefined) return known ?? undefined;
    const callee = this.#resolveCallee(call);
    this.#callees.set(call, callee ?? null);
    return callee;
  }

  #resolveCallee(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
    const callee = skipOuter(call.expression);
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    let symbol = this.#model.checker.getSymbolAtLocation(nameNode);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.#model.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (!declaration) return undefined;
    const fn = functionOf(declaration);
    if (!fn?.body) return undefined;
    const sourceFile = fn.getSourceFile();
    if (
      sourceFile.isDeclarationFile ||
      this.#model.program.isSourceFileFromExternalLibrary(sourceFile)
    )
      return undefined;
    return fn;
  }

  /**
   * Locks named through `this` in the callee are the receiver's: `this.m()` keeps them,
   * `other.m()` renames them onto `other`, and a receiver without identity drops them.
   */
  #rebaser(call: ts.CallExpression): (lock: LockRef) => LockRef | undefined {
    const member = calledMemberName(call);
    const receiver = member ? skipOuter(member.receiver) : undefined;
    const receiverIsThis = receiver?.kind === ts.SyntaxKind.ThisKeyword;
    const identity = receiver && !receiverIsThis ? this.#model.identities.of(receiver) : undefined;
    return (lock) => {
      if (!lock.id?.startsWith('this:') || receiverIsThis) return lock;
      if (!identity) return undefined;
      const rest = lock.id.replace(thisPrefix, '');
      const displayRest = lock.display.includes('.')
        ? lock.display.slice(lock.display.indexOf('.'))
        : '';
      return { ...lock, id: `${identity.id}${rest}`, display: `${identity.display}${displayRest}` };
    };
  }
}

interface QueryEntry {
  readonly summary: readonly AcquisitionSummary[];
  /** Something was left out: the depth bound, or a cycle entered below the function. */
  readonly cut: boolean;
}

interface Frame {
  readonly fn: ts.Node;
  /** The depth bound cut a call somewhere below. */
  cut: boolean;
  /** Lowest stack index of a function re-entered (a cycle) from below this frame. */
  cycleAt: number;
}

// `this:<file>:<pos>` — the class part of an identity rooted at `this`.
const thisPrefix = /^this:.*:\d+(?=\.|$)/;

/** Whether a declaration lies inside a function (its parameters included). */
function isWithin(node: ts.Node, fn: ts.Node): boolean {
  return node.getSourceFile() === fn.getSourceFile() && node.pos >= fn.pos && node.end <= fn.end;
}

function functionOf(declaration: ts.Declaration): ts.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration))
    return declaration;
  if (
    (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) &&
    declaration.initializer
  ) {
    const initializer = skipOuter(declaration.initializer);
    if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return initializer;
  }
  return undefined;
}

function calleeName(call: ts.CallExpression): string {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return ts.isIdentifier(callee) ? callee.text : 'function';
}

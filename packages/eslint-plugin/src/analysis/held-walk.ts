import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  awaitedCall,
  childNodes,
  everyNode,
  isFunction,
  skipTypeWrappers,
  type FunctionNode,
} from './estree.ts';
import { branchCondition, unchangedBetween } from './branch-conditions.ts';
import { bindingName, findLastIndex, mergeFlows, releasedBinding, type Flow } from './held-set.ts';
import type { FileLockModel } from './lock-model.ts';
import { canonicalId, type HeldSet, type Hold, type LockOp } from './types.ts';
import { isWaitedOn } from './waited-on.ts';

/** A lock operation with the locks held just before it. */
export interface OpFact {
  readonly op: LockOp;
  readonly held: HeldSet;
}

/** A call of something that is not a lock method, made while at least one lock is held for sure. */
export interface CallFact {
  readonly call: TSESTree.CallExpression;
  readonly held: HeldSet;
}

/** A write (`x = …`, `x += …`, `x++`) and the locks held at it; for the shared-write rules. */
export interface WriteFact {
  readonly node: TSESTree.AssignmentExpression | TSESTree.UpdateExpression;
  readonly held: HeldSet;
}

/** What the held-lock walk learnt about one file. */
export interface FileFacts {
  readonly ops: readonly OpFact[];
  readonly callsWhileHeld: readonly CallFact[];
  readonly writes: readonly WriteFact[];
  /**
   * The locks held at an access, call, `await` or `delete` (identifiers, member expressions,
   * calls, awaits, assignments, updates, unary expressions); empty where nothing is held.
   */
  heldAt(this: void, node: TSESTree.Node): HeldSet;
}

const none: HeldSet = [];
const factsBySource = new WeakMap<object, FileFacts>();

/** The held-lock facts of the linted file; the walk runs once per file whatever the rules. */
export function fileFactsFor(
  sourceCode: Readonly<TSESLint.SourceCode>,
  model: FileLockModel,
): FileFacts {
  const cached = factsBySource.get(sourceCode);
  if (cached) return cached;
  const facts = model.mayUseLocks
    ? walkedFacts(sourceCode, model)
    : lockFreeFacts(sourceCode.ast, sourceCode.visitorKeys);
  factsBySource.set(sourceCode, facts);
  return facts;
}

function walkedFacts(sourceCode: Readonly<TSESLint.SourceCode>, model: FileLockModel): FileFacts {
  const walker = new HeldLockWalker(model, sourceCode.visitorKeys, sourceCode);
  walker.walkProgram(sourceCode.ast);
  return walker.facts();
}

/**
 * The facts of a file that calls no lock method: nothing is held anywhere, so the walk would
 * only list its writes, each with nothing held. They are collected only if a rule asks, which
 * keeps lock-free code (most of a program) nearly free.
 */
function lockFreeFacts(ast: TSESTree.Program, keys: TSESLint.SourceCode.VisitorKeys): FileFacts {
  let writes: WriteFact[] | undefined;
  return {
    ops: [],
    callsWhileHeld: [],
    get writes() {
      writes ??= unheldWrites(ast, keys);
      return writes;
    },
    heldAt: () => none,
  };
}

function unheldWrites(ast: TSESTree.Program, keys: TSESLint.SourceCode.VisitorKeys): WriteFact[] {
  const writes: WriteFact[] = [];
  everyNode(ast, keys, (node) => {
    if (
      node.type === AST_NODE_TYPES.AssignmentExpression ||
      node.type === AST_NODE_TYPES.UpdateExpression
    ) {
      writes.push({ node, held: none });
    }
  });
  // In source order (visitor keys are not always in source order, e.g. a template's parts).
  return writes.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/**
 * Walks every function of a file and tracks which locks are held at each point: `using` guards
 * to the end of their block, statement acquires to their release (a `finally` ends them on every
 * path), callback forms inside the callback. Branches merge (a lock held on only one side is only
 * conditionally held), code after `return`/`throw` does not leak into the merge, loops may run
 * zero times, and `await` changes nothing (an async lock stays held across it). Callbacks that run
 * at once (array methods, promise executors, lock callbacks) see the caller's locks; any other
 * function starts with nothing held.
 */
export class HeldLockWalker {
  readonly #model: FileLockModel;
  readonly #keys: TSESLint.SourceCode.VisitorKeys;
  // Absent for files walked without being linted (the program's lock graph): scope analysis,
  // and so correlated branches, are then not available.
  readonly #sourceCode: Readonly<TSESLint.SourceCode> | undefined;
  readonly #ops: OpFact[] = [];
  readonly #calls: CallFact[] = [];
  readonly #writes: WriteFact[] = [];
  // Only nodes visited while something is held: lock-free code costs nothing here.
  readonly #heldAt = new Map<TSESTree.Node, HeldSet>();
  // Locks held where each enclosing closure was created, innermost last.
  readonly #closureOuter: HeldSet[] = [];
  // Sites of holds that some closure releases: their end is unknown, so they stop being definite.
  readonly #releasedInClosure = new Set<TSESTree.Node>();

  constructor(
    model: FileLockModel,
    keys: TSESLint.SourceCode.VisitorKeys,
    sourceCode?: Readonly<TSESLint.SourceCode>,
  ) {
    this.#model = model;
    this.#keys = keys;
    this.#sourceCode = sourceCode;
  }

  facts(): FileFacts {
    const heldAt = this.#heldAt;
    return {
      ops: this.#ops,
      callsWhileHeld: this.#calls,
      writes: this.#writes,
      heldAt: (node) => heldAt.get(node) ?? none,
    };
  }

  walkProgram(program: TSESTree.Program): void {
    this.#statements(program.body, none);
  }

  #function(fn: FunctionNode, held: HeldSet): void {
    for (const param of fn.params) this.#expression(param, none);
    if (fn.body.type === AST_NODE_TYPES.BlockStatement) this.#statements(fn.body.body, held);
    else this.#expression(fn.body, held);
  }

  #statements(statements: readonly TSESTree.Node[], held: HeldSet): Flow {
    let flow: Flow = { held, completes: true };
    const scoped: Hold[] = [];
    for (const statement of statements) {
      if (!flow.completes) {
        // Unreachable code still gets its facts, with the locks held before the jump.
        this.#statement(statement, flow.held);
        continue;
      }
      const before = flow.held;
      flow = this.#statement(statement, flow.held);
      if (this.#releasedInClosure.size > 0)
        flow = { ...flow, held: this.#demoteReleasedInClosure(flow.held) };
      // By site: merges and demotions copy holds, and a copy of an outer guard is not this block's.
      for (const hold of flow.held) {
        if (hold.style === 'using' && !before.some((earlier) => earlier.site === hold.site))
          scoped.push(hold);
      }
    }
    // `using` guards are disposed at the end of their block.
    return scoped.length === 0
      ? flow
      : { ...flow, held: flow.held.filter((hold) => !scoped.some((s) => s.site === hold.site)) };
  }

  #statement(node: TSESTree.Node, held: HeldSet): Flow {
    switch (node.type) {
      case AST_NODE_TYPES.VariableDeclaration:
        return { held: this.#declaration(node, held), completes: true };
      case AST_NODE_TYPES.ExpressionStatement:
        return { held: this.#expressionStatement(node, held), completes: true };
      case AST_NODE_TYPES.BlockStatement:
        return this.#statements(node.body, held);
      case AST_NODE_TYPES.IfStatement:
        return this.#if(node, held);
      case AST_NODE_TYPES.TryStatement:
        return this.#try(node, held);
      case AST_NODE_TYPES.ReturnStatement:
      case AST_NODE_TYPES.ThrowStatement:
        if (node.argument) this.#expression(node.argument, held);
        return { held, completes: false };
      case AST_NODE_TYPES.BreakStatement:
      case AST_NODE_TYPES.ContinueStatement:
        return { held, completes: false };
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
        this.#expression(node.test, held);
        this.#statement(node.body, held);
        return { held, completes: true };
      case AST_NODE_TYPES.ForStatement: {
        const start = node.init ? this.#statementOrExpression(node.init, held) : held;
        if (node.test) this.#expression(node.test, start);
        if (node.update) this.#expression(node.update, start);
        this.#statement(node.body, start);
        return { held, completes: true };
      }
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
        this.#expression(node.right, held);
        this.#statement(node.body, held);
        return { held, completes: true };
      case AST_NODE_TYPES.SwitchStatement:
        this.#expression(node.discriminant, held);
        for (const branch of node.cases) {
          if (branch.test) this.#expression(branch.test, held);
          this.#statements(branch.consequent, held);
        }
        return { held, completes: true };
      case AST_NODE_TYPES.LabeledStatement: {
        const flow = this.#statement(node.body, held);
        return { held: flow.held, completes: true };
      }
      case AST_NODE_TYPES.FunctionDeclaration:
        // A nested function runs later, whenever it is called: a closure like any other.
        this.#closureOuter.push(held);
        this.#function(node, none);
        this.#closureOuter.pop();
        return { held, completes: true };
      case AST_NODE_TYPES.ExportNamedDeclaration:
      case AST_NODE_TYPES.ExportDefaultDeclaration:
        if (node.declaration) return this.#statement(node.declaration, held);
        return { held, completes: true };
      default:
        this.#children(node, held);
        return { held, completes: true };
    }
  }

  #demoteReleasedInClosure(held: HeldSet): HeldSet {
    if (!held.some((hold) => hold.definite && this.#releasedInClosure.has(hold.site))) return held;
    return held.map((hold) =>
      hold.definite && this.#releasedInClosure.has(hold.site) ? { ...hold, definite: false } : hold,
    );
  }

  /**
   * A release inside a closure of a lock held where the closure was made (`setTimeout(() =>
   * g.release())`).
   */
  #noteClosureRelease(call: TSESTree.CallExpression, op: LockOp | undefined): void {
    const id = op?.kind === 'release' ? canonicalId(op.lock) : undefined;
    const name = op ? undefined : releasedBinding(call);
    if (id === undefined && name === undefined) return;
    for (const outer of this.#closureOuter) {
      for (const hold of outer) {
        if (
          (id !== undefined && canonicalId(hold.lock) === id) ||
          (name !== undefined && hold.binding === name)
        ) {
          this.#releasedInClosure.add(hold.site);
        }
      }
    }
  }

  #statementOrExpression(node: TSESTree.Node, held: HeldSet): HeldSet {
    if (node.type === AST_NODE_TYPES.VariableDeclaration) return this.#declaration(node, held);
    this.#expression(node, held);
    return held;
  }

  #declaration(node: TSESTree.VariableDeclaration, held: HeldSet): HeldSet {
    let current = held;
    for (const declarator of node.declarations) {
      if (!declarator.init) continue;
      this.#expression(declarator.init, current);
      const hold = this.#holdOfDeclarator(node, declarator);
      if (hold) current = [...current, hold];
    }
    return current;
  }

  #holdOfDeclarator(
    node: TSESTree.VariableDeclaration,
    declarator: TSESTree.VariableDeclarator,
  ): Hold | undefined {
    const found = awaitedCall(declarator.init);
    const op = found && this.#model.classify(found.call);
    if (!found || !op || (op.kind !== 'acquire' && op.kind !== 'tryAcquire')) return undefined;
    // A pending acquire holds nothing yet; a synchronous (blocking) acquire holds at once.
    if (op.kind === 'acquire' && !found.awaited && this.#model.returnsPromise(found.call))
      return undefined;
    const binding = bindingName(declarator.id);
    const isUsing = node.kind === 'using' || node.kind === 'await using';
    return {
      lock: op.lock,
      definite: op.kind === 'acquire' && !op.lock.tryWrapper,
      style: isUsing ? 'using' : 'binding',
      site: found.call,
      ...(binding ? { binding } : {}),
    };
  }

  #expressionStatement(node: TSESTree.ExpressionStatement, held: HeldSet): HeldSet {
    this.#expression(node.expression, held);
    const found = awaitedCall(node.expression);
    if (!found) return held;
    const op = this.#model.classify(found.call);
    if (op?.kind === 'acquire' && (found.awaited || !this.#model.returnsPromise(found.call))) {
      return [
        ...held,
        { lock: op.lock, definite: !op.lock.tryWrapper, style: 'statement', site: found.call },
      ];
    }
    return this.#released(found.call, op, held);
  }

  /**
   * The held set after a call that may release a hold: `lock.release()`, `release()`,
   * `guard.release()`.
   */
  #released(call: TSESTree.CallExpression, op: LockOp | undefined, held: HeldSet): HeldSet {
    let index = -1;
    if (op?.kind === 'release') {
      const id = canonicalId(op.lock);
      if (id !== undefined) index = findLastIndex(held, (hold) => canonicalId(hold.lock) === id);
    } else {
      const name = releasedBinding(call);
      if (name !== undefined) index = findLastIndex(held, (hold) => hold.binding === name);
    }
    return index < 0 ? held : [...held.slice(0, index), ...held.slice(index + 1)];
  }

  #if(node: TSESTree.IfStatement, held: HeldSet): Flow {
    this.#expression(node.test, held);
    const [whenTrue, whenFalse] = this.#narrow(node.test, held);
    const consequent = this.#statement(node.consequent, whenTrue);
    const alternate = node.alternate
      ? this.#statement(node.alternate, whenFalse)
      : { held: whenFalse, completes: true };
    const merged = mergeFlows(consequent, alternate);
    const test = this.#sourceCode && branchCondition(node.test, this.#sourceCode);
    if (!test || !merged.completes || !consequent.completes || !alternate.completes) return merged;
    const condition = { binding: test.key, negated: test.negated };
    const checked = test.members.length > 0 ? { test, since: node.test.range[1] } : {};
    // A hold taken on one branch only is held exactly when the test was truthy (or falsy).
    const definitelyIn = (flow: Flow, hold: Hold): boolean =>
      flow.held.some((h) => h.site === hold.site && h.definite);
    const anywhereIn = (flow: Flow, hold: Hold): boolean =>
      flow.held.some((h) => h.site === hold.site);
    const correlated = merged.held.map((hold): Hold => {
      if (hold.definite || hold.condition) return hold;
      if (definitelyIn(consequent, hold) && !anywhereIn(alternate, hold)) {
        return {
          ...hold,
          condition: { binding: condition.binding, branch: !condition.negated, ...checked },
        };
      }
      if (definitelyIn(alternate, hold) && !anywhereIn(consequent, hold)) {
        return {
          ...hold,
          condition: { binding: condition.binding, branch: condition.negated, ...checked },
        };
      }
      return hold;
    });
    return { held: correlated, completes: true };
  }

  /** Held sets in the two branches of a test: a checked try-acquire result is held where truthy. */
  #narrow(test: TSESTree.Expression, held: HeldSet): [HeldSet, HeldSet] {
    let inner = skipTypeWrappers(test);
    let negated = false;
    while (inner.type === AST_NODE_TYPES.UnaryExpression && inner.operator === '!') {
      negated = !negated;
      inner = skipTypeWrappers(inner.argument);
    }
    let whenTruthy = held;
    let whenFalsy = held;
    const sourceCode = this.#sourceCode;
    const condition =
      sourceCode && held.some((hold) => hold.condition && !hold.definite)
        ? branchCondition(inner, sourceCode)
        : undefined;
    if (sourceCode && condition) {
      // Correlated branches: the hold is certain where the condition has the value it was taken
      // with — for a condition on members, when nothing between the two tests can change them.
      const correlates = (hold: Hold): boolean => {
        const taken = hold.condition;
        if (hold.definite || taken?.binding !== condition.key) return false;
        if (!taken.test || taken.since === undefined) return true;
        return unchangedBetween(
          taken.test,
          taken.since,
          inner.range[0],
          sourceCode,
          (call) => this.#model.classify(call) !== undefined,
        );
      };
      const inBranch = (truthy: boolean): HeldSet =>
        held.flatMap((hold) => {
          if (!correlates(hold)) return [hold];
          return hold.condition!.branch === truthy ? [{ ...hold, definite: true }] : [];
        });
      whenTruthy = inBranch(true);
      whenFalsy = inBranch(false);
    }
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const name = inner.name;
      const index = findLastIndex(whenTruthy, (hold) => hold.binding === name && !hold.definite);
      const hold = whenTruthy[index];
      if (hold) {
        whenTruthy = whenTruthy.map((h) => (h === hold ? { ...h, definite: true } : h));
        whenFalsy = whenFalsy.filter((h) => h.site !== hold.site);
      }
    } else if (inner.type === AST_NODE_TYPES.CallExpression) {
      // await-lock's `if (lock.tryAcquire())`: held inside the branch.
      const op = this.#model.classify(inner);
      if (op?.kind === 'tryAcquire' && op.lock.kind.acquireResult === 'nothing') {
        whenTruthy = [
          ...whenTruthy,
          { lock: op.lock, definite: true, style: 'statement', site: inner },
        ];
      }
    }
    return negated ? [whenFalsy, whenTruthy] : [whenTruthy, whenFalsy];
  }

  #try(node: TSESTree.TryStatement, held: HeldSet): Flow {
    const block = this.#statements(node.block.body, held);
    let flow = block;
    if (node.handler) {
      if (node.handler.param) this.#expression(node.handler.param, held);
      const handler = this.#statements(node.handler.body.body, held);
      flow = mergeFlows(block, handler);
    }
    if (!node.finalizer) return flow;
    // The finally block runs on every path; what it releases is released after the statement.
    const finalizer = this.#statements(node.finalizer.body, flow.completes ? flow.held : held);
    return { held: finalizer.held, completes: flow.completes && finalizer.completes };
  }

  #expression(node: TSESTree.Node, held: HeldSet): void {
    if (isFunction(node)) {
      // A function value that is not a known callback runs later, with nothing held.
      this.#closureOuter.push(held);
      this.#function(node, none);
      this.#closureOuter.pop();
      return;
    }
    if (held.length > 0 && recordedTypes.has(node.type)) this.#heldAt.set(node, held);
    switch (node.type) {
      case AST_NODE_TYPES.CallExpression:
        this.#call(node, held);
        return;
      case AST_NODE_TYPES.NewExpression:
        this.#new(node, held);
        return;
      case AST_NODE_TYPES.AssignmentExpression:
      case AST_NODE_TYPES.UpdateExpression:
        this.#writes.push({ node, held });
        break;
      case AST_NODE_TYPES.ClassBody:
        // Methods and field initialisers run later, on their own.
        for (const member of node.body) this.#children(member, none);
        return;
      default:
        break;
    }
    this.#children(node, held);
  }

  #call(call: TSESTree.CallExpression, held: HeldSet): void {
    const op = this.#model.classify(call);
    if (this.#closureOuter.length > 0) this.#noteClosureRelease(call, op);
    if (op) {
      this.#ops.push({ op, held });
      this.#expression(call.callee, held);
      for (const argument of call.arguments) {
        if (argument === op.callback && isFunction(argument)) {
          const hold: Hold = {
            lock: op.lock,
            definite: op.exclusive,
            style: 'callback',
            site: call,
          };
          this.#function(argument, [...this.#outerHoldsOfCallback(op, held), hold]);
        } else {
          this.#expression(argument, held);
        }
      }
      return;
    }
    if (held.some((hold) => hold.definite)) this.#calls.push({ call, held });
    this.#expression(call.callee, held);
    // With nothing held, a callback that runs now and one that runs later are walked alike (both
    // start empty), so the type question — the walk's main cost on lock-free code — is skipped.
    const immediate =
      held.length > 0 && call.arguments.some(isFunction) && this.#model.runsCallbackNow(call);
    for (const argument of call.arguments) {
      if (immediate && isFunction(argument) && !argument.async) this.#function(argument, held);
      else this.#expression(argument, held);
    }
  }

  /**
   * What a lock callback inherits from its caller. A callback runs once its lock is granted, in
   * a later microtask: only a caller that waits for it (`await m.runExclusive(cb)`, or returns
   * it to a lock callback) is sure to still hold its own locks then. Otherwise they are only
   * maybe held — the caller may have released them, and it never waits on the callback.
   */
  #outerHoldsOfCallback(op: LockOp, held: HeldSet): HeldSet {
    if (!held.some((hold) => hold.definite) || isWaitedOn(op.call, this.#model)) return held;
    return held.map((hold) => (hold.definite ? { ...hold, definite: false } : hold));
  }

  #new(node: TSESTree.NewExpression, held: HeldSet): void {
    this.#expression(node.callee, held);
    const executor = node.arguments[0];
    const isPromise =
      node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'Promise';
    for (const argument of node.arguments) {
      if (isPromise && argument === executor && isFunction(argument) && !argument.async)
        this.#function(argument, held);
      else this.#expression(argument, held);
    }
  }

  #children(node: TSESTree.Node, held: HeldSet): void {
    for (const child of childNodes(node, this.#keys)) this.#expressionOrStatement(child, held);
  }

  #expressionOrStatement(node: TSESTree.Node, held: HeldSet): void {
    if (node.type.endsWith('Statement') || node.type.endsWith('Declaration')) {
      if (node.type !== AST_NODE_TYPES.ClassDeclaration) {
        this.#statement(node, held);
        return;
      }
    }
    this.#expression(node, held);
  }
}

// Node types whose held set `heldAt` answers for.
const recordedTypes: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.AwaitExpression,
  AST_NODE_TYPES.AssignmentExpression,
  AST_NODE_TYPES.UpdateExpression,
  AST_NODE_TYPES.UnaryExpression,
]);

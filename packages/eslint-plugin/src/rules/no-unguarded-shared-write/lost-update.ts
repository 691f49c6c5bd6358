import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  childNodes,
  enclosingFunction,
  everyNode,
  isFunction,
  skipTypeWrappers,
  type FunctionNode,
} from '../../analysis/estree.ts';
import type { FileFacts } from '../../analysis/held-walk.ts';
import type { FileLockModel } from '../../analysis/lock-model.ts';
import {
  isPartOf,
  sharedLocationOf,
  type SharedLocation,
} from '../../analysis/shared-locations.ts';
import type { Hold } from '../../analysis/types.ts';
import type { WriteEvent } from './write-events.ts';

/** A write computed from a value of its location read before an `await`. */
export interface LostUpdate {
  readonly read: TSESTree.Node;
  /** The `await` (or lock grant) between the read and the write. */
  readonly pause: TSESTree.Node;
}

/** A write inside a locked section acting on a check made before the lock was taken. */
export interface CheckThenAct {
  readonly check: TSESTree.Node;
  readonly hold: Hold;
}

/** An access of a shared location. */
interface Read {
  readonly node: TSESTree.Node;
  readonly location: SharedLocation;
}

/**
 * A local computed from a stale read: the read, and whether the local is a plain copy of the value.
 */
interface Derived {
  readonly read: TSESTree.Node;
  readonly copy: boolean;
}

/** Where a task may be suspended: after an `await`'s operand, or where a lock callback starts. */
interface Pause {
  readonly node: TSESTree.Node;
  readonly at: number;
}

/** What one function (with the lock callbacks it runs) reads, pauses at, and derives. */
interface FlowRegion {
  readonly pauses: readonly Pause[];
  /**
   * Identifiers and member expressions, by the name at their root (`this` for `this.x…`): the
   * shared location of one is only computed when a write to a location with that root asks.
   */
  readonly accesses: ReadonlyMap<string, readonly TSESTree.Node[]>;
  /** Memo of `readsOf`, by location root. */
  readonly reads: Map<string, readonly Read[]>;
  /** Local bindings initialised (or assigned) from expressions, in source order. */
  readonly derivations: readonly {
    readonly name: TSESTree.Identifier;
    readonly from: TSESTree.Node;
    readonly at: number;
  }[];
}

/**
 * Finds lost updates and check-then-act races across `await`, one async function at a time.
 * A lock callback (`runExclusive(async () => …)`) is part of the function that calls it, with a
 * pause where it starts (the lock is granted later), so a value read before the call and written
 * inside the callback is read before a pause.
 */
export class AwaitRaces {
  readonly #sourceCode: Readonly<TSESLint.SourceCode>;
  readonly #model: FileLockModel;
  readonly #facts: FileFacts;
  readonly #regions = new Map<FunctionNode, FlowRegion>();

  constructor(sourceCode: Readonly<TSESLint.SourceCode>, model: FileLockModel, facts: FileFacts) {
    this.#sourceCode = sourceCode;
    this.#model = model;
    this.#facts = facts;
  }

  /**
   * The stale read a write is computed from, when there is a pause between them, no lock held
   * from the read to the write, and no fresh read of the location after the last pause (a
   * re-check or a merge such as `x = Math.max(x, v)`).
   */
  lostUpdate(event: WriteEvent): LostUpdate | undefined {
    if (event.kind === 'delete' || event.kind === 'call') return undefined;
    const root = this.#flowRoot(event.node);
    // A synchronous function pauses nowhere, unless the write is in a lock callback it starts.
    if (!root || (!root.async && enclosingFunction(event.node) === root)) return undefined;
    const region = this.#region(root);
    const write = event.node as TSESTree.AssignmentExpression | TSESTree.UpdateExpression;
    const end = write.range[1];
    const heldFrom = this.#earliestHoldAt(event.node);
    const reads = this.#readsOf(region, event.location);
    const staleBefore = (readAt: number): Pause | undefined => {
      // A lock held since before the read covers the whole update.
      if (heldFrom !== undefined && heldFrom <= readAt) return undefined;
      const pauses = region.pauses.filter((pause) => pause.at > readAt && pause.at <= end);
      const last = pauses.at(-1);
      if (!last) return undefined;
      const fresh = reads.some(
        (read) =>
          read.node.range[0] > last.at &&
          read.node.range[1] <= end &&
          !within(read.node, event.target) &&
          isPartOf(read.location, event.location),
      );
      return fresh ? undefined : last;
    };
    // `x += await f()` and `x = x + await f()` read `x` before they pause.
    if (write.type === AST_NODE_TYPES.AssignmentExpression) {
      if (write.operator !== '=') {
        const pause = staleBefore(write.range[0]);
        if (pause) return { read: write.left, pause: pause.node };
        return undefined;
      }
      const derived = this.#derivedLocals(region, event.location, write.range[0]);
      // Writing back a saved copy (`const saved = x; x = tmp; await f(); x = saved`) restores,
      // and `x = x ?? await create()` initialises: neither computes from the old value.
      if (this.#isCopy(write.right, event.location, derived)) return undefined;
      for (const read of reads) {
        if (
          !within(read.node, write.right) ||
          !isPartOf(read.location, event.location) ||
          !flowsInto(read.node, write.right)
        )
          continue;
        const pause = staleBefore(read.node.range[0]);
        if (pause) return { read: read.node, pause: pause.node };
      }
      // `const v = x; await …; x = v + 1`: through locals derived from a read of `x`.
      for (const [name, { read: readNode }] of derived) {
        if (!mentions(write.right, name, this.#sourceCode)) continue;
        const pause = staleBefore(readNode.range[0]);
        if (pause) return { read: readNode, pause: pause.node };
      }
    }
    return undefined;
  }

  /**
   * A write inside a locked section whose decision was taken outside it: an `if` around the
   * lock call (or an early `return` before it) tests the location, the lock is taken after the
   * test, and nothing in the section reads the location again before writing it.
   */
  checkThenAct(event: WriteEvent): CheckThenAct | undefined {
    const held = this.#facts.heldAt(event.node);
    if (held.length === 0) return undefined;
    const root = this.#flowRoot(event.node);
    if (!root) return undefined;
    const region = this.#region(root);
    const reads = this.#readsOf(region, event.location);
    for (const hold of held) {
      if (!within(hold.site, root)) continue;
      const check = this.#checkBefore(hold.site, root, event.location);
      if (!check) continue;
      // Another lock held from before the check protects the pair.
      if (held.some((other) => other !== hold && other.site.range[0] < check.range[0])) continue;
      const rechecked = reads.some(
        (read) =>
          read.node.range[0] > hold.site.range[0] &&
          read.node.range[1] <= event.node.range[0] &&
          !within(
            read.node,
            hold.site.type === AST_NODE_TYPES.CallExpression ? hold.site.callee : hold.site,
          ) &&
          overlaps(read.location, event.location),
      );
      if (!rechecked) return { check, hold };
    }
    return undefined;
  }

  /** The test that decided to reach `site`: an enclosing `if`'s test or an early exit before it. */
  #checkBefore(
    site: TSESTree.Node,
    root: FunctionNode,
    location: SharedLocation,
  ): TSESTree.Node | undefined {
    let child: TSESTree.Node = site;
    for (let node = site.parent; node && node !== root; child = node, node = node.parent) {
      if (
        node.type === AST_NODE_TYPES.IfStatement &&
        child !== node.test &&
        this.#tests(node.test, location)
      )
        return node.test;
      if (node.type === AST_NODE_TYPES.BlockStatement) {
        for (const statement of node.body) {
          if (statement === child) break;
          if (
            statement.type === AST_NODE_TYPES.IfStatement &&
            exitsEarly(statement.consequent) &&
            this.#tests(statement.test, location)
          )
            return statement.test;
        }
      }
    }
    return undefined;
  }

  #tests(test: TSESTree.Node, location: SharedLocation): boolean {
    let found = false;
    everyNode(test, this.#sourceCode.visitorKeys, (node) => {
      if (
        found ||
        (node.type !== AST_NODE_TYPES.Identifier && node.type !== AST_NODE_TYPES.MemberExpression)
      )
        return;
      const read = sharedLocationOf(node, this.#sourceCode);
      if (read && overlaps(read, location)) found = true;
    });
    return found;
  }

  /** Where the earliest hold at a node was taken (its acquiring call), if anything is held. */
  #earliestHoldAt(node: TSESTree.Node): number | undefined {
    let earliest: number | undefined;
    for (const hold of this.#facts.heldAt(node)) {
      if (earliest === undefined || hold.site.range[0] < earliest) earliest = hold.site.range[0];
    }
    return earliest;
  }

  /**
   * Locals bound, before `before`, to a value computed from a read of `location`, with the read
   * and whether the local is a plain copy of it.
   */
  #derivedLocals(
    region: FlowRegion,
    location: SharedLocation,
    before: number,
  ): Map<string, Derived> {
    const derived = new Map<string, Derived>();
    for (const { name, from, at } of region.derivations) {
      if (at >= before) break;
      const direct = this.#readsOf(region, location).find(
        (read) =>
          within(read.node, from) &&
          isPartOf(read.location, location) &&
          flowsInto(read.node, from),
      );
      const through = direct
        ? undefined
        : [...derived].find(([other]) => mentions(from, other, this.#sourceCode));
      const read = direct?.node ?? through?.[1].read;
      // The last assignment before the write decides: a fresh value replaces a derived one.
      if (read) derived.set(name.name, { read, copy: this.#isCopy(from, location, derived) });
      else derived.delete(name.name);
    }
    return derived;
  }

  /**
   * Whether an expression's value is the location's old value itself, not computed from it: a
   * read of exactly the location, a local holding such a copy, or `copy ?? fresh` / `copy ||
   * fresh`.
   */
  #isCopy(
    expression: TSESTree.Node,
    location: SharedLocation,
    derived: ReadonlyMap<string, Derived>,
  ): boolean {
    const node = skipTypeWrappers(expression);
    if (node.type === AST_NODE_TYPES.Identifier && derived.has(node.name))
      return derived.get(node.name)!.copy;
    if (node.type === AST_NODE_TYPES.LogicalExpression && node.operator !== '&&')
      return this.#isCopy(node.left, location, derived);
    if (node.type !== AST_NODE_TYPES.Identifier && node.type !== AST_NODE_TYPES.MemberExpression)
      return false;
    return sharedLocationOf(node, this.#sourceCode)?.key === location.key;
  }

  /** The accesses in a region of the locations sharing `location`'s root, with their locations. */
  #readsOf(region: FlowRegion, location: SharedLocation): readonly Read[] {
    const rootName = location.root === 'this' ? 'this' : location.variable?.name;
    if (rootName === undefined) return [];
    const memo = region.reads.get(rootName);
    if (memo) return memo;
    const reads: Read[] = [];
    for (const node of region.accesses.get(rootName) ?? []) {
      const found = sharedLocationOf(node, this.#sourceCode);
      if (found) reads.push({ node, location: found });
    }
    region.reads.set(rootName, reads);
    return reads;
  }

  /** The async function a node runs in, looking out through lock callbacks. */
  #flowRoot(node: TSESTree.Node): FunctionNode | undefined {
    let fn = enclosingFunction(node);
    while (fn && this.#isLockCallback(fn)) fn = enclosingFunction(fn);
    return fn;
  }

  #isLockCallback(fn: FunctionNode): boolean {
    const parent = fn.parent;
    return (
      parent?.type === AST_NODE_TYPES.CallExpression &&
      this.#model.classify(parent)?.callback === fn
    );
  }

  #region(root: FunctionNode): FlowRegion {
    const cached = this.#regions.get(root);
    if (cached) return cached;
    const pauses: Pause[] = [];
    const accesses = new Map<string, TSESTree.Node[]>();
    const derivations: FlowRegion['derivations'][number][] = [];
    const visit = (node: TSESTree.Node): void => {
      if (node !== root && isFunction(node)) {
        if (!this.#isLockCallback(node)) return;
        pauses.push({ node: node.parent, at: node.range[0] });
      }
      switch (node.type) {
        case AST_NODE_TYPES.AwaitExpression:
          pauses.push({ node, at: node.range[1] });
          break;
        case AST_NODE_TYPES.ForOfStatement:
          if (node.await) pauses.push({ node, at: node.right.range[1] });
          break;
        case AST_NODE_TYPES.VariableDeclarator:
          if (node.id.type === AST_NODE_TYPES.Identifier && node.init)
            derivations.push({ name: node.id, from: node.init, at: node.range[1] });
          break;
        case AST_NODE_TYPES.AssignmentExpression:
          if (
            node.left.type === AST_NODE_TYPES.Identifier &&
            !sharedLocationOf(node.left, this.#sourceCode)
          ) {
            derivations.push({ name: node.left, from: node.right, at: node.range[1] });
          }
          break;
        case AST_NODE_TYPES.Identifier:
        case AST_NODE_TYPES.MemberExpression: {
          const rootName = accessRoot(node);
          if (rootName === undefined) break;
          const list = accesses.get(rootName);
          if (list) list.push(node);
          else accesses.set(rootName, [node]);
          break;
        }
        default:
          break;
      }
      for (const child of childNodes(node, this.#sourceCode.visitorKeys)) visit(child);
    };
    visit(root.body);
    pauses.sort((a, b) => a.at - b.at);
    derivations.sort((a, b) => a.at - b.at);
    const region: FlowRegion = { pauses, accesses, reads: new Map(), derivations };
    this.#regions.set(root, region);
    return region;
  }
}

/**
 * Whether a read's value flows into the expression's value by plain data flow (arithmetic,
 * conditions, literals, member reads, receivers of method calls), rather than only feeding a call
 * or an awaited operation. A call given the old value (`await refresh(token)`, `waitFor({ id:
 * record.id })`) returns what the callee decides — a renewed token, a server's answer, a new
 * record — not arithmetic on the stale copy; treating it as derived is how require-atomic-updates
 * flooded test files. `Math.*` is the exception: it is arithmetic.
 */
function flowsInto(read: TSESTree.Node, container: TSESTree.Node): boolean {
  let child: TSESTree.Node = read;
  for (let node = read.parent; node && child !== container; child = node, node = node.parent) {
    if (node.type === AST_NODE_TYPES.AwaitExpression) return false;
    if (
      (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) &&
      child !== node.callee &&
      !isMathCall(node)
    )
      return false;
  }
  return true;
}

function isMathCall(node: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  const callee = node.callee;
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === 'Math'
  );
}

/**
 * The name at the root of an access: the identifier, or `this` for `this.x…`; undefined otherwise.
 */
function accessRoot(node: TSESTree.Identifier | TSESTree.MemberExpression): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return isPropertyName(node) ? undefined : node.name;
  let object: TSESTree.Node = node.object;
  while (
    object.type === AST_NODE_TYPES.MemberExpression ||
    object.type === AST_NODE_TYPES.TSNonNullExpression ||
    object.type === AST_NODE_TYPES.TSAsExpression
  ) {
    object = object.type === AST_NODE_TYPES.MemberExpression ? object.object : object.expression;
  }
  if (object.type === AST_NODE_TYPES.ThisExpression) return 'this';
  return object.type === AST_NODE_TYPES.Identifier ? object.name : undefined;
}

function within(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return container.range[0] <= node.range[0] && node.range[1] <= container.range[1];
}

/** Either location is part of the other (`this.cache` and `this.cache[key]`). */
function overlaps(a: SharedLocation, b: SharedLocation): boolean {
  return isPartOf(a, b) || isPartOf(b, a);
}

/**
 * Whether an expression's value uses the local `name` (by name: the derivations are the
 * function's own) through plain data flow (see `flowsInto`).
 */
function mentions(
  expression: TSESTree.Node,
  name: string,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  let found = false;
  everyNode(expression, sourceCode.visitorKeys, (node) => {
    if (
      found ||
      node.type !== AST_NODE_TYPES.Identifier ||
      node.name !== name ||
      isPropertyName(node)
    )
      return;
    if (flowsInto(node, expression)) found = true;
  });
  return found;
}

function isPropertyName(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  return (
    (parent?.type === AST_NODE_TYPES.MemberExpression &&
      parent.property === identifier &&
      !parent.computed) ||
    (parent?.type === AST_NODE_TYPES.Property &&
      parent.key === identifier &&
      !parent.computed &&
      !parent.shorthand)
  );
}

/**
 * A branch that always leaves: `return`, `throw`, `break`, `continue`, or a block ending in one.
 */
function exitsEarly(statement: TSESTree.Statement): boolean {
  if (statement.type === AST_NODE_TYPES.BlockStatement) {
    const last = statement.body.at(-1);
    return last !== undefined && exitsEarly(last);
  }
  return (
    statement.type === AST_NODE_TYPES.ReturnStatement ||
    statement.type === AST_NODE_TYPES.ThrowStatement ||
    statement.type === AST_NODE_TYPES.BreakStatement ||
    statement.type === AST_NODE_TYPES.ContinueStatement
  );
}

import ts from 'typescript';
import type { ProgramEntry } from './program-entry.ts';
import type { TsLockOp } from './program-model.ts';
import { orderedId } from './types.ts';

/**
 * Whether a file of the program can contribute an edge to the lock-order graph: it must hold a
 * lock that takes part in ordering (an acquire, try-acquire or callback form on a lock with an
 * identity, not a semaphore) and, in the same function, take another one — directly, or through
 * a call of a program function whose summary acquires something. Holds never leave the function
 * that takes them (the held-lock walk starts every function but immediate callbacks, which lie
 * inside it, with nothing held), so a file where no function does both has no nesting.
 *
 * This runs on TypeScript's tree with the questions the walk asks anyway (`classify` and the call
 * summaries are memoised per program), so a file it rules out costs no typescript-estree
 * conversion and no walk: on the workspace's lock code 177 files may take a lock by their text,
 * and only 34 nest two. It says "maybe" more often than the walk finds an edge (it ignores flow,
 * releases and whether calls are waited for), never "no" for a file with one.
 */
export function mayNest(entry: ProgramEntry, sourceFile: ts.SourceFile): boolean {
  const { model, summaries } = entry;
  const calls: ts.CallExpression[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) calls.push(node);
    ts.forEachChild(node, collect);
  };
  collect(sourceFile);

  // The functions (or the file's top level) that take an ordered lock, with the calls that do.
  const holders = new Map<ts.Node, ts.CallExpression[]>();
  const ops = new Map<ts.CallExpression, TsLockOp>();
  for (const call of calls) {
    const op = model.classify(call);
    if (!op) continue;
    ops.set(call, op);
    if (!holds(op)) continue;
    const container = ts.findAncestor(call.parent, ts.isFunctionLike) ?? sourceFile;
    const list = holders.get(container);
    if (list) list.push(call);
    else holders.set(container, [call]);
  }
  if (holders.size === 0) return false;

  // Whether a call lies in a function that takes an ordered lock at some other call.
  const heldAround = (call: ts.CallExpression): boolean => {
    for (let node: ts.Node | undefined = call.parent; node; node = node.parent) {
      if (holders.get(node)?.some((holder) => holder !== call)) return true;
    }
    return false;
  };
  // Direct nestings first (no further type question), then calls that acquire through callees.
  for (const [call, op] of ops) {
    if (acquiresOrdered(op) && heldAround(call)) return true;
  }
  for (const call of calls) {
    if (!ops.has(call) && heldAround(call) && summaries.ofCall(call).length > 0) return true;
  }
  return false;
}

/** An operation after which (or inside whose callback) an ordered lock may be held. */
function holds(op: TsLockOp): boolean {
  const takes = op.kind === 'acquire' || op.kind === 'tryAcquire' || op.kind === 'callback';
  return takes && orderedId(op.lock) !== undefined;
}

/** An operation that waits for an ordered lock: the acquired end of an edge. */
function acquiresOrdered(op: TsLockOp): boolean {
  const waits = op.kind === 'acquire' || op.kind === 'callback';
  return waits && op.exclusive && !op.lock.tryWrapper && orderedId(op.lock) !== undefined;
}

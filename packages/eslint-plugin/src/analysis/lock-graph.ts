import path from 'node:path';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { fileFactsFor, type FileFacts } from './held-walk.ts';
import {
  lockModelFor,
  wholeProgramEntryFor,
  type AnyContext,
  type FileLockModel,
  type ProgramEntry,
} from './lock-model.ts';
import { programFileFacts } from './program-files.ts';
import { orderedId, type Hold, type LockRef } from './types.ts';
import { mayNest } from './may-nest.ts';
import { isWaitedOn } from './waited-on.ts';

/**
 * One observed nesting: `acquired` is taken (and waited for) while `held` is held for sure. The
 * acquisition is either direct or through calls (`via` names the functions, outermost first).
 */
export interface LockEdge {
  readonly held: LockRef;
  readonly heldId: string;
  readonly acquired: LockRef;
  readonly acquiredId: string;
  /** The file the nesting is written in (as the program names it). */
  readonly fileName: string;
  /** The acquiring call, or the call that acquires through its callees; in its file's tree. */
  readonly node: TSESTree.CallExpression;
  /** Where the held lock was taken. */
  readonly heldSite: TSESTree.Node;
  readonly via: readonly string[];
}

/**
 * The lock-order graph of a whole program: every nesting of two locks with known identities,
 * from every file that can take a lock. Nodes are canonical lock ids; an edge A → B says some
 * task waits for B while holding A. A cycle means tasks following its edges at once can each
 * hold one lock and wait for the next: a deadlock.
 */
export class LockGraph {
  readonly edges: readonly LockEdge[];
  readonly #out = new Map<string, LockEdge[]>();
  readonly #byFile = new Map<string, LockEdge[]>();

  constructor(edges: readonly LockEdge[]) {
    this.edges = edges;
    for (const edge of edges) {
      pushTo(this.#out, edge.heldId, edge);
      pushTo(this.#byFile, path.normalize(edge.fileName), edge);
    }
  }

  /** The edges written in one file. */
  edgesIn(fileName: string): readonly LockEdge[] {
    return this.#byFile.get(path.normalize(fileName)) ?? [];
  }

  /**
   * A shortest cycle through `edge` among the edges `include` accepts: `edge` first, then the
   * edges leading from its acquired lock back to its held lock. Undefined when there is none.
   * Ties are broken by the order edges were found (files in program order), so the answer is
   * the same whichever file asks.
   */
  cycleThrough(
    edge: LockEdge,
    include: (edge: LockEdge) => boolean,
  ): readonly LockEdge[] | undefined {
    if (!include(edge)) return undefined;
    const start = edge.acquiredId;
    const goal = edge.heldId;
    const reachedBy = new Map<string, LockEdge | null>([[start, null]]);
    let frontier = [start];
    while (frontier.length > 0 && !reachedBy.has(goal)) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const out of this.#out.get(node) ?? []) {
          if (reachedBy.has(out.acquiredId) || !include(out)) continue;
          reachedBy.set(out.acquiredId, out);
          next.push(out.acquiredId);
        }
      }
      frontier = next;
    }
    if (!reachedBy.has(goal)) return undefined;
    const back: LockEdge[] = [];
    for (let step = reachedBy.get(goal); step; step = reachedBy.get(step.heldId))
      back.unshift(step);
    return [edge, ...back];
  }
}

const graphsByProgram = new WeakMap<ProgramEntry, LockGraph>();
const graphsBySource = new WeakMap<object, LockGraph>();

/**
 * The lock graph the linted file belongs to. With type information: the whole program's,
 * built once per program (and settings) from the files that can take a lock — a cheap text
 * test picks them (`ProgramModel.mayAcquire`), so the cost follows the code that uses locks,
 * not the size of the program. A file parsed again in single-run mode gets the graph of the real
 * program it belongs to, with its current text (`wholeProgramEntryFor`). Without type
 * information: the linted file's alone.
 */
export function lockGraphFor(context: AnyContext): LockGraph {
  const entry = wholeProgramEntryFor(context);
  if (!entry) {
    const cached = graphsBySource.get(context.sourceCode);
    if (cached) return cached;
    const model = lockModelFor(context);
    const graph = new LockGraph(
      edgesOf(
        path.resolve(context.cwd, context.filename),
        fileFactsFor(context.sourceCode, model),
        model,
      ),
    );
    graphsBySource.set(context.sourceCode, graph);
    return graph;
  }
  const cached = graphsByProgram.get(entry);
  if (cached) return cached;
  const graph = new LockGraph(programEdges(entry, context.sourceCode.visitorKeys));
  graphsByProgram.set(entry, graph);
  return graph;
}

function programEdges(entry: ProgramEntry, keys: TSESLint.SourceCode.VisitorKeys): LockEdge[] {
  const program = entry.model.program;
  const edges: LockEdge[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || program.isSourceFileFromExternalLibrary(sourceFile))
      continue;
    // The text test first (no type question), then whether any function nests two locks.
    if (!entry.model.mayAcquire(sourceFile) || !mayNest(entry, sourceFile)) continue;
    const file = programFileFacts(entry, sourceFile, keys);
    if (file) edges.push(...edgesOf(file.fileName, file.facts, file.model));
  }
  return edges;
}

/** The nestings one file's facts show: definite holds around waited-for exclusive acquisitions. */
function edgesOf(fileName: string, facts: FileFacts, model: FileLockModel): LockEdge[] {
  const edges: LockEdge[] = [];
  const add = (
    hold: Hold,
    acquired: LockRef,
    node: TSESTree.CallExpression,
    via: readonly string[],
  ): void => {
    const heldId = hold.definite ? orderedId(hold.lock) : undefined;
    const acquiredId = orderedId(acquired);
    if (heldId === undefined || acquiredId === undefined || heldId === acquiredId) return;
    edges.push({
      held: hold.lock,
      heldId,
      acquired,
      acquiredId,
      fileName,
      node,
      heldSite: hold.site,
      via,
    });
  };
  for (const { op, held } of facts.ops) {
    if (held.length === 0 || (op.kind !== 'acquire' && op.kind !== 'callback')) continue;
    if (!op.exclusive || op.lock.tryWrapper || !isWaitedOn(op.call, model)) continue;
    for (const hold of held) add(hold, op.lock, op.call, []);
  }
  if (!model.typed) return edges;
  for (const { call, held } of facts.callsWhileHeld) {
    // Most calls acquire nothing: ask whether they are waited on (a type question) only after.
    const acquisitions = model.acquisitionsOfCall(call);
    if (acquisitions.length === 0 || !isWaitedOn(call, model)) continue;
    for (const acquisition of acquisitions) {
      for (const hold of held) add(hold, acquisition.lock, call, acquisition.path);
    }
  }
  return edges;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

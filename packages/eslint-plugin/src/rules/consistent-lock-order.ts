import path from 'node:path';
import ts from 'typescript';
import { lockGraphFor, type LockEdge } from '../analysis/lock-graph.ts';
import type { LockRef } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import { declaredOrderBroken, namesOf } from './consistent-lock-order/declared-order.ts';
import { visiblyOrderedBefore } from './consistent-lock-order/visible-ordering.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [{ order?: string[][]; ignore?: string[] }];
export type MessageIds = 'cycle' | 'sameClass' | 'declaredOrder';

export default createRule<Options, MessageIds>({
  name: 'consistent-lock-order',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require locks to be taken in one order across the program, so no two tasks can wait ' +
        'for each other',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      cycle:
        'Lock order cycle: `{{acquired}}` is taken here while `{{held}}` is held (taken on ' +
        'line {{heldLine}}){{via}}, but {{others}}. Tasks doing these at once can each hold ' +
        'one lock and wait forever for the next.',
      sameClass:
        '`{{acquired}}` is taken while `{{held}}` is held{{via}}: both are `{{field}}` of two ' +
        'objects, taken in the order the caller passed them. A call with the two swapped takes ' +
        'them the other way round and the two calls can deadlock: take them in a fixed order ' +
        '(compare ids, or sort) first.',
      declaredOrder:
        '`{{acquired}}` is taken here while `{{held}}` is held (taken on line ' +
        '{{heldLine}}){{via}}, against the declared order ({{origin}}: `{{first}}` before ' +
        '`{{second}}`).',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          order: {
            type: 'array',
            description:
              'Declared lock orders: each list names locks in the order they must be taken ' +
              '(`[["accounts", "ledger"]]`). Taking an earlier one while holding a later one ' +
              'is reported.',
            items: { type: 'array', items: { type: 'string' }, minItems: 2 },
          },
          ignore: {
            type: 'array',
            description:
              'Regular expressions; a lock whose name matches one takes no part in the check.',
            items: { type: 'string' },
          },
        },
      },
    ],
    defaultOptions: [{ order: [], ignore: [] }],
  },
  create(context, [{ order = [], ignore = [] }]) {
    // Edges are reported where they are written, and an edge needs a lock held in this file: a
    // file that takes none is not even looked up in the graph, which is built by the first file
    // that may take a lock.
    if (!fileRelevance(context).mayAcquire) return {};
    const ignored = ignore.map((pattern) => new RegExp(pattern, 'u'));
    const isIgnored = (lock: LockRef): boolean =>
      namesOf(lock).some((name) => ignored.some((re) => re.test(name)));
    const counts = (edge: LockEdge): boolean => !isIgnored(edge.held) && !isIgnored(edge.acquired);
    const site = (fileName: string, line: number): string =>
      `${path.relative(context.cwd, fileName) || fileName}:${line}`;
    const fileOf = (node: ts.Node): string =>
      path.relative(context.cwd, node.getSourceFile().fileName);

    function check(): void {
      const graph = lockGraphFor(context);
      const reported = new Set<string>();
      const report = (
        edge: LockEdge,
        messageId: MessageIds,
        data: Record<string, string | number>,
      ): void => {
        const key = `${edge.node.range[0]}:${messageId}:${JSON.stringify(data)}`;
        if (reported.has(key)) return;
        reported.add(key);
        context.report({ loc: edge.node.loc, messageId, data });
      };
      for (const edge of graph.edgesIn(path.resolve(context.cwd, context.filename))) {
        if (!counts(edge)) continue;
        const base = {
          acquired: edge.acquired.display,
          held: edge.held.display,
          heldLine: edge.heldSite.loc.start.line,
          via: throughCalls(edge.via),
        };
        const field = sameClassField(edge);
        if (field !== undefined) {
          if (!visiblyOrderedBefore(edge.heldSite)) report(edge, 'sameClass', { ...base, field });
          continue;
        }
        const broken = declaredOrderBroken(edge.held, edge.acquired, order, fileOf);
        if (broken) {
          report(edge, 'declaredOrder', { ...base, ...broken });
          continue;
        }
        const cycle = graph.cycleThrough(edge, counts);
        if (!cycle) continue;
        const others = cycle
          .slice(1)
          .map(
            (other) =>
              `\`${other.acquired.display}\` is taken while \`${other.held.display}\` is held at ${site(other.fileName, other.node.loc.start.line)}${throughCalls(other.via)}`,
          )
          .join(', and ');
        report(edge, 'cycle', { ...base, others });
      }
    }

    return { 'Program:exit': check };
  },
});

function throughCalls(via: readonly string[]): string {
  return via.length === 0 ? '' : `, through ${via.map((name) => `\`${name}()\``).join(' → ')}`;
}

/**
 * `Class.field` when the two locks are one field of two objects the code chose at run time
 * (parameters, `this`, locals): the order then depends on the caller's arguments.
 */
function sameClassField(edge: LockEdge): string | undefined {
  const { held, acquired } = edge;
  if (!held.field || held.field !== acquired.field) return undefined;
  if (!chosenAtRunTime(held) && !chosenAtRunTime(acquired)) return undefined;
  const names = namesOf(held);
  return names.find((name) => name.includes('.') && name !== held.display) ?? held.display;
}

function chosenAtRunTime(lock: LockRef): boolean {
  const id = lock.id ?? '';
  if (id.startsWith('param:') || id.startsWith('this:')) return true;
  const root = lock.root;
  if (!root) return false;
  return ts.findAncestor(root.parent, ts.isFunctionLike) !== undefined;
}

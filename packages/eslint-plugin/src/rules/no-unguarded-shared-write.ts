import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { enclosingFunction } from '../analysis/estree.ts';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import { sharedLocationOf, type SharedLocation } from '../analysis/shared-locations.ts';
import { classOfThisEstree } from '../analysis/this-class.ts';
import { typeServicesOf } from '../analysis/type-services.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';
import { createRule } from '../util/create-rule.ts';
import {
  CallerLocks,
  declaredGuards,
  holdsLock,
  type DeclaredGuard,
} from './no-unguarded-shared-write/guards.ts';
import { inconsistentWrites } from './no-unguarded-shared-write/inferred-guards.ts';
import { AwaitRaces } from './no-unguarded-shared-write/lost-update.ts';
import { sharedMemoryUpdate } from './no-unguarded-shared-write/shared-memory.ts';
import {
  isCollectionWrite,
  isInitialisation,
  writeEventOf,
  type WriteEvent,
} from './no-unguarded-shared-write/write-events.ts';

export type Options = [
  { checkReads?: boolean; inferGuards?: boolean; lostUpdates?: boolean; sharedMemory?: boolean },
];
export type MessageIds =
  | 'unguardedWrite'
  | 'unguardedRead'
  | 'unknownGuard'
  | 'inconsistentWrite'
  | 'lostUpdate'
  | 'checkThenAct'
  | 'sharedMemory'
  | 'useAtomics';

type WriteNode = WriteEvent['node'];

export default createRule<Options, MessageIds>({
  name: 'no-unguarded-shared-write',
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description:
        'Disallow writes to shared state outside the lock that guards it, and updates lost ' +
        'across `await`',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      unguardedWrite:
        '`{{target}}` is `@guardedBy {{lock}}`, but this {{what}} does not hold `{{lock}}`.',
      unguardedRead:
        '`{{target}}` is `@guardedBy {{lock}}`, but this read does not hold `{{lock}}`: it can ' +
        'see a half-made update.',
      unknownGuard:
        '`@guardedBy {{lock}}`: `{{lock}}` is not a lock declared in this file or class, so ' +
        'nothing can be checked against it.',
      inconsistentWrite:
        '`{{target}}` is written while holding `{{lock}}` in {{guarded}} other places, but not ' +
        'here: a task in the middle of a `{{lock}}` section can lose this write, or this write ' +
        'can break what it assumed.',
      lostUpdate:
        '`{{target}}` is written from a value read on line {{readLine}}, before the `await` on ' +
        'line {{pauseLine}}: another task can change `{{target}}` in between, and its update ' +
        'is lost. Hold one lock from the read to the write, or re-read `{{target}}` after the ' +
        '`await`.',
      checkThenAct:
        '`{{target}}` was checked on line {{checkLine}}, before `{{lock}}` was taken: another ' +
        'task may have acted on the same check while this one waited for the lock. Check ' +
        '`{{target}}` again inside the locked section before writing it.',
      sharedMemory:
        '`{{element}}` is read, changed and written back as three steps on shared memory: ' +
        'another thread can write it in between and that write is lost. Use `Atomics` (or hold ' +
        'a lock shared by every thread).',
      useAtomics: 'Replace with `{{replacement}}`.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkReads: {
            type: 'boolean',
            description: 'Also report reads of `@guardedBy` state outside its lock.',
          },
          inferGuards: {
            type: 'boolean',
            description:
              'Report writes without a lock to state that is written under one lock in at ' +
              'least twice as many places.',
          },
          lostUpdates: {
            type: 'boolean',
            description:
              'Report shared state written from a value read before an `await`, and checks ' +
              'made before a lock and acted on inside it.',
          },
          sharedMemory: {
            type: 'boolean',
            description:
              'Report non-atomic read-modify-writes of typed arrays over a SharedArrayBuffer ' +
              '(needs type information).',
          },
        },
      },
    ],
    defaultOptions: [
      { checkReads: false, inferGuards: true, lostUpdates: true, sharedMemory: true },
    ],
  },
  create(
    context,
    [{ checkReads = false, inferGuards = true, lostUpdates = true, sharedMemory = true }],
  ) {
    const sourceCode = context.sourceCode;
    const relevance = fileRelevance(context);
    // No lock method called and no `@guardedBy`/`@requiresLock` tag: nothing is held and no guard
    // is declared, so only two findings are possible — a lost update of a module or captured
    // variable in an async function, and a shared-memory update — and both start from an
    // assignment or `++`/`--`. Calls, `delete` and reads are not even collected.
    const lockFree = !relevance.mayUseLocks && !relevance.annotated;
    const candidates: WriteNode[] = [];
    const calls: TSESTree.CallExpression[] = [];
    const readCandidates: (TSESTree.Identifier | TSESTree.MemberExpression)[] = [];

    function describe(event: WriteEvent): string {
      switch (event.kind) {
        case 'call':
          return `\`${event.method}()\` call`;
        case 'delete':
          return '`delete`';
        default:
          return 'write';
      }
    }

    function typeServices():
      | { checker: ts.TypeChecker; map: { get(node: TSESTree.Node): ts.Node | undefined } }
      | undefined {
      const services = typeServicesOf(sourceCode);
      return (
        services && {
          checker: services.program.getTypeChecker(),
          map: services.esTreeNodeToTSNodeMap,
        }
      );
    }

    function checkSharedMemory(
      nodes: readonly WriteNode[],
      heldAt: (node: TSESTree.Node) => readonly unknown[],
    ): Set<WriteNode> {
      const reported = new Set<WriteNode>();
      const services = sharedMemory ? typeServices() : undefined;
      if (!services) return reported;
      for (const node of nodes) {
        if (
          node.type !== AST_NODE_TYPES.AssignmentExpression &&
          node.type !== AST_NODE_TYPES.UpdateExpression
        )
          continue;
        if (heldAt(node).length > 0) continue;
        const update = sharedMemoryUpdate(node, sourceCode, services);
        if (!update) continue;
        reported.add(node);
        const replacement = update.replacement;
        context.report({
          node,
          messageId: 'sharedMemory',
          data: { element: sourceCode.getText(update.element) },
          suggest:
            replacement === undefined
              ? []
              : [
                  {
                    messageId: 'useAtomics',
                    data: { replacement },
                    fix: (fixer) => fixer.replaceText(node, replacement),
                  },
                ],
        });
      }
      return reported;
    }

    function analyse(): void {
      // A lock-free file reports only from its assignments and `++`/`--`: without any, there is
      // nothing to ask the lock model or the type checker.
      if (lockFree && candidates.length === 0) return;
      const model = lockModelFor(context);
      const facts = fileFactsFor(sourceCode, model);
      const done = checkSharedMemory(candidates, facts.heldAt);
      // Lock-free: a lost update needs a pause, and only an async function pauses.
      const writes = lockFree
        ? lostUpdates
          ? candidates.filter((node) => enclosingFunction(node)?.async === true)
          : []
        : candidates;
      const events = writes.flatMap((node) => {
        if (done.has(node)) return [];
        const event = writeEventOf(node, sourceCode);
        return event ? [event] : [];
      });
      if (events.length === 0 && readCandidates.length === 0) return;
      const guards: ReadonlyMap<string, DeclaredGuard> = sourceCode.text.includes('@guardedBy')
        ? declaredGuards(sourceCode, model)
        : new Map();
      const callers = new CallerLocks(sourceCode, model, facts, calls);
      const races = new AwaitRaces(sourceCode, model, facts);
      const reported = new Set<WriteEvent>();
      const collectionMemo = new Map<WriteEvent, boolean>();
      const confirmed = (event: WriteEvent): boolean => {
        let result = collectionMemo.get(event);
        if (result === undefined)
          collectionMemo.set(event, (result = isCollectionWrite(event, model)));
        return result;
      };

      if (model.typed) {
        for (const guard of guards.values()) {
          if (guard.lockId === undefined)
            context.report({
              node: guard.declaration,
              messageId: 'unknownGuard',
              data: { lock: guard.lockName },
            });
        }
      }

      // RacerD's rule for objects: a property is taken to be shared only where the code shows it
      // expects concurrency, by using a lock (in the class, for `this`; in the file, for a
      // parameter). Module and captured variables are shared by construction.
      const lockedClasses = new Set(facts.ops.map(({ op }) => classOfThisEstree(op.call)));
      const expectsConcurrency = (event: WriteEvent): boolean => {
        if (event.location.root === 'this') return lockedClasses.has(event.location.owner);
        if (event.location.root === 'param') return facts.ops.length > 0;
        return true;
      };

      if (lostUpdates) {
        for (const event of events) {
          const root = enclosingFunction(event.node);
          if (!root) continue;
          const lost = expectsConcurrency(event) ? races.lostUpdate(event) : undefined;
          if (lost) {
            if (callers.holdAround(event.node, undefined)) continue;
            reported.add(event);
            context.report({
              node: event.node,
              messageId: 'lostUpdate',
              data: {
                target: event.location.display,
                readLine: lost.read.loc.start.line,
                pauseLine: lost.pause.loc.start.line,
              },
            });
            continue;
          }
          // Check-then-act needs a lock taken after the check: none in a lock-free file.
          const race = lockFree ? undefined : races.checkThenAct(event);
          if (race && confirmed(event)) {
            reported.add(event);
            context.report({
              node: event.node,
              messageId: 'checkThenAct',
              data: {
                target: event.location.display,
                checkLine: race.check.loc.start.line,
                lock: race.hold.lock.display,
              },
            });
          }
        }
      }

      const unguarded = (event: WriteEvent, guard: DeclaredGuard): boolean =>
        guard.lockId !== undefined &&
        !holdsLock(facts.heldAt(event.node), guard.lockId) &&
        !callers.holdAround(event.node, guard.lockId);

      for (const event of events) {
        const guard = guards.get(event.location.guardKey);
        if (
          !guard ||
          reported.has(event) ||
          isInitialisation(event) ||
          !unguarded(event, guard) ||
          !confirmed(event)
        )
          continue;
        reported.add(event);
        context.report({
          node: event.node,
          messageId: 'unguardedWrite',
          data: {
            target: annotatedName(event.location),
            lock: guard.lockName,
            what: describe(event),
          },
        });
      }

      // An inferred guard needs writes made under a lock: none in a lock-free file.
      if (inferGuards && !lockFree) {
        const open = events.filter(
          (event) =>
            !guards.has(event.location.guardKey) &&
            !isInitialisation(event) &&
            (facts.heldAt(event.node).length === 0 || confirmed(event)),
        );
        for (const finding of inconsistentWrites(open, facts.heldAt, callers)) {
          if (reported.has(finding.event) || !confirmed(finding.event)) continue;
          reported.add(finding.event);
          context.report({
            node: finding.event.node,
            messageId: 'inconsistentWrite',
            data: {
              target: finding.event.location.display,
              lock: finding.lock.display,
              guarded: finding.guardedCount,
            },
          });
        }
      }

      if (checkReads) {
        for (const node of readCandidates) {
          const location = sharedLocationOf(node, sourceCode);
          const guard = location && guards.get(location.guardKey);
          if (!location || !guard?.lockId || !enclosingFunction(node)) continue;
          if (holdsLock(facts.heldAt(node), guard.lockId) || callers.holdAround(node, guard.lockId))
            continue;
          if (
            location.root === 'this' &&
            isInitialisation({ node: node as never, kind: 'assignment', target: node, location })
          )
            continue;
          if (
            [...reported].some(
              (event) =>
                event.node.range[0] <= node.range[0] && node.range[1] <= event.node.range[1],
            )
          )
            continue;
          context.report({
            node,
            messageId: 'unguardedRead',
            data: { target: annotatedName(location), lock: guard.lockName },
          });
        }
      }
    }

    /**
     * The outermost expression of a read: `this.items` in `this.items.length`, not a write target.
     */
    function noteRead(node: TSESTree.Identifier | TSESTree.MemberExpression): void {
      const parent = node.parent;
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node) return;
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.property === node) return;
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === node) return;
      if (parent?.type === AST_NODE_TYPES.UpdateExpression) return;
      if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'delete') return;
      if (
        node.type === AST_NODE_TYPES.Identifier &&
        parent?.type !== AST_NODE_TYPES.MemberExpression
      ) {
        if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id === node) return;
        if (parent?.type === AST_NODE_TYPES.Property && parent.key === node && !parent.shorthand)
          return;
      }
      readCandidates.push(node);
    }

    if (lockFree)
      return {
        AssignmentExpression: (node) => void candidates.push(node),
        UpdateExpression: (node) => void candidates.push(node),
        'Program:exit': analyse,
      };
    return {
      AssignmentExpression: (node) => void candidates.push(node),
      UpdateExpression: (node) => void candidates.push(node),
      'UnaryExpression[operator="delete"]': (node: TSESTree.UnaryExpression) =>
        void candidates.push(node),
      CallExpression(node) {
        calls.push(node);
        candidates.push(node);
      },
      ...(checkReads ? { Identifier: noteRead, MemberExpression: noteRead } : {}),
      'Program:exit': analyse,
    };
  },
}) satisfies TSESLint.RuleModule<MessageIds, Options>;

/**
 * The name of what `@guardedBy` annotates: `this.items` for `this.items[i]`, `entries` for
 * `entries.length`.
 */
function annotatedName(location: SharedLocation): string {
  if (location.root === 'this' && location.field !== undefined) return `this.${location.field}`;
  return location.variable?.name ?? location.display;
}

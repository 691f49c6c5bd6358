import type { TSESTree } from '@typescript-eslint/utils';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import { isWaitedOn } from '../analysis/waited-on.ts';
import type { AcquisitionSummary } from '../analysis/summaries.ts';
import {
  canonicalId,
  isReentrant,
  type HeldSet,
  type Hold,
  type LockRef,
} from '../analysis/types.ts';
import { knownLockTypes } from '../analysis/known-locks.ts';
import { createRule } from '../util/create-rule.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [{ checkCalls?: boolean }];
export type MessageIds =
  'selfDeadlock' | 'selfDeadlockViaCall' | 'plainReentry' | 'plainReentryViaCall';

export default createRule<Options, MessageIds>({
  name: 'no-self-deadlock',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow acquiring a non-reentrant lock that is already held, directly or through a call',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      selfDeadlock:
        '`{{lock}}` is already held here (taken on line {{line}}) and is not re-entrant: ' +
        'acquiring it again waits forever.',
      plainReentry:
        '`{{lock}}` is held here in the plain style (taken on line {{line}}): a plain hold has ' +
        'no owner, so acquiring the re-entrant lock again waits forever. Take the outer hold ' +
        'with `using` or `withLock`, which re-entry recognises.',
      plainReentryViaCall:
        '`{{callee}}()` acquires `{{lock}}`{{via}}, which is held here in the plain style ' +
        '(taken on line {{line}}): a plain hold has no owner, so the call waits forever. Take ' +
        'the outer hold with `using` or `withLock`, which re-entry recognises.',
      selfDeadlockViaCall:
        '`{{callee}}()` acquires `{{lock}}`{{via}}, which is already held here (taken on ' +
        'line {{line}}) and is not re-entrant: the call waits forever.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkCalls: {
            type: 'boolean',
            description:
              'Also follow calls of functions declared in the program (needs type information).',
          },
        },
      },
    ],
    defaultOptions: [{ checkCalls: true }],
  },
  create(context, [{ checkCalls = true }]) {
    // A self-deadlock needs a lock held in this file: a file that takes none has none.
    if (!fileRelevance(context).mayAcquire) return {};
    const model = lockModelFor(context);

    /**
     * The hold that makes acquiring `lock` wait forever, and whether it is a plain re-entrant one.
     */
    function heldAgain(lock: LockRef, held: HeldSet): { hold: Hold; plain: boolean } | undefined {
      const id = canonicalId(lock);
      if (id === undefined || lock.kind.category === 'semaphore') return undefined;
      if (isReentrant(lock)) {
        // interlock's RLock (and a Condition's default lock) is re-entered only by its owner, and
        // a plain `await r.acquire()` hold has none (docs/design.md): the same task waits on
        // itself.
        const plain = held.find(
          (hold) => hold.definite && canonicalId(hold.lock) === id && isOwnerless(hold),
        );
        return plain && { hold: plain, plain: true };
      }
      const hold = held.find(
        (candidate) =>
          candidate.definite && canonicalId(candidate.lock) === id && !isReentrant(candidate.lock),
      );
      return hold && { hold, plain: false };
    }

    function checkAcquisitions(): void {
      const facts = fileFactsFor(context.sourceCode, model);
      for (const { op, held } of facts.ops) {
        if (op.kind !== 'acquire' && op.kind !== 'callback') continue;
        if (!op.exclusive || op.lock.tryWrapper || !isWaitedOn(op.call, model)) continue;
        const found = heldAgain(op.lock, held);
        if (found) {
          context.report({
            node: op.call,
            messageId: found.plain ? 'plainReentry' : 'selfDeadlock',
            data: { lock: op.lock.display, line: found.hold.site.loc.start.line },
          });
        }
      }
      if (!checkCalls || !model.typed) return;
      for (const { call, held } of facts.callsWhileHeld) {
        // Most calls acquire nothing: they are not asked whether they are waited on (a type
        // question for every call that is not awaited).
        const acquisitions = model.acquisitionsOfCall(call);
        if (acquisitions.length > 0 && isWaitedOn(call, model)) checkCall(call, held, acquisitions);
      }
    }

    function checkCall(
      call: TSESTree.CallExpression,
      held: HeldSet,
      acquisitions: readonly AcquisitionSummary[],
    ): void {
      for (const acquisition of acquisitions) {
        const found = heldAgain(acquisition.lock, held);
        if (!found) continue;
        const hold = found.hold;
        const [callee = 'function', ...rest] = acquisition.path;
        context.report({
          node: call,
          messageId: found.plain ? 'plainReentryViaCall' : 'selfDeadlockViaCall',
          data: {
            callee,
            lock: acquisition.lock.display,
            via:
              rest.length > 0
                ? ` (through ${rest.map((name) => `\`${name}()\``).join(' → ')})`
                : '',
            line: hold.site.loc.start.line,
          },
        });
        return;
      }
    }

    return { Program: checkAcquisitions };
  },
});

const interlockKinds = knownLockTypes.get('@interlock/primitives');

/**
 * A hold of one of interlock's re-entrant locks taken without `using` or a callback
 * (`await r.acquire(); try … finally r.release()`, or a guard bound with `const`): at run time it
 * is anonymous, so it cannot be re-entered.
 */
function isOwnerless(hold: Hold): boolean {
  const lock = hold.lock.underlying ?? hold.lock;
  const interlock =
    lock.kind === interlockKinds?.get('RLock') || lock.kind === interlockKinds?.get('Condition');
  return interlock && (hold.style === 'statement' || hold.style === 'binding');
}

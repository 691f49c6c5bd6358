import type { TSESTree } from '@typescript-eslint/utils';
import { fileFactsFor } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import { isWaitedOn } from '../analysis/waited-on.ts';
import { canonicalId, isReentrant, type HeldSet, type Hold, type LockRef } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';

export type Options = [{ checkCalls?: boolean }];
export type MessageIds = 'selfDeadlock' | 'selfDeadlockViaCall';

export default createRule<Options, MessageIds>({
  name: 'no-self-deadlock',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow acquiring a non-reentrant lock that is already held, directly or through a call',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      selfDeadlock:
        '`{{lock}}` is already held here (taken on line {{line}}) and is not re-entrant: ' +
          'acquiring it again waits forever.',
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
            description: 'Also follow calls of functions declared in the program (needs type information).',
          },
        },
      },
    ],
    defaultOptions: [{ checkCalls: true }],
  },
  create(context, [{ checkCalls = true }]) {
    const model = lockModelFor(context);

    function heldAgain(lock: LockRef, held: HeldSet): Hold | undefined {
      const id = canonicalId(lock);
      if (id === undefined || isReentrant(lock) || lock.kind.category === 'semaphore') return undefined;
      return held.find((hold) => hold.definite && canonicalId(hold.lock) === id && !isReentrant(hold.lock));
    }

    function checkAcquisitions(): void {
      const facts = fileFactsFor(context.sourceCode, model);
      for (const { op, held } of facts.ops) {
        if (op.kind !== 'acquire' && op.kind !== 'callback') continue;
        if (!op.exclusive || op.lock.tryWrapper || !isWaitedOn(op.call, model)) continue;
        const hold = heldAgain(op.lock, held);
        if (hold) {
          context.report({
            node: op.call,
            messageId: 'selfDeadlock',
            data: { lock: op.lock.display, line: hold.site.loc.start.line },
          });
        }
      }
      if (!checkCalls || !model.typed) return;
      for (const { call, held } of facts.callsWhileHeld) if (isWaitedOn(call, model)) checkCall(call, held);
    }

    function checkCall(call: TSESTree.CallExpression, held: HeldSet): void {
      for (const acquisition of model.acquisitionsOfCall(call)) {
        const hold = heldAgain(acquisition.lock, held);
        if (!hold) continue;
        const [callee = 'function', ...rest] = acquisition.path;
        context.report({
          node: call,
          messageId: 'selfDeadlockViaCall',
          data: {
            callee,
            lock: acquisition.lock.display,
            via: rest.length > 0 ? ` (through ${rest.map((name) => `\`${name}()\``).join(' → ')})` : '',
            line: hold.site.loc.start.line,
          },
        });
        return;
      }
    }

    return { Program: checkAcquisitions };
  },
});

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { calledMethodName, enclosingFunction, type FunctionNode } from '../analysis/estree.ts';
import { fileFactsFor, type OpFact } from '../analysis/held-walk.ts';
import { lockModelFor } from '../analysis/lock-model.ts';
import { canonicalId } from '../analysis/types.ts';
import { createRule } from '../util/create-rule.ts';
import { fileRelevance } from '../analysis/file-relevance.ts';

export type Options = [];
export type MessageIds = 'lockNotHeld';

// Callees that run their function argument later, from the event loop, with no lock held.
const deferringFunctions = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
const deferringMethods = new Set([
  'then',
  'catch',
  'finally',
  'addEventListener',
  'on',
  'once',
  'nextTick',
]);

export default createRule<Options, MessageIds>({
  name: 'require-condition-lock',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Require a Condition's lock to be held around `wait`, `waitFor`, `notify` and `notifyAll`",
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    messages: {
      lockNotHeld:
        '`{{cond}}.{{method}}()` is called without holding `{{lock}}`: it throws ' +
        "LockStateError, and a notify outside the lock can fall between a waiter's check " +
        'and its wait and be lost. Call it inside `{{lock}}.withLock(…)` or after `using ' +
        'guard = await {{lock}}.acquire()`.',
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    // Only `wait`/`notify` calls can be reported: a file that calls no lock method has none.
    if (!fileRelevance(context).mayUseLocks) return {};
    const sourceCode = context.sourceCode;
    const model = lockModelFor(context);

    /** The name a function is called by in this file, if it has one. */
    function nameOf(fn: FunctionNode): string | undefined {
      if (fn.type === AST_NODE_TYPES.FunctionDeclaration) return fn.id?.name;
      const parent = fn.parent;
      if (
        parent.type === AST_NODE_TYPES.VariableDeclarator &&
        parent.id.type === AST_NODE_TYPES.Identifier
      )
        return parent.id.name;
      if (
        parent.type === AST_NODE_TYPES.MethodDefinition ||
        parent.type === AST_NODE_TYPES.PropertyDefinition
      ) {
        if (parent.key.type === AST_NODE_TYPES.Identifier) return parent.key.name;
        if (parent.key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${parent.key.name}`;
      }
      return undefined;
    }

    /**
     * Whether the caller may be the one holding the lock: a named function called somewhere in
     * this file, or a callback handed to code we do not know. We do not report those (a missed
     * finding is cheaper than a wrong one); callbacks that run later and uncalled functions are
     * reported.
     */
    function callerMayHold(fn: FunctionNode | undefined): boolean {
      if (!fn) return false;
      const name = nameOf(fn);
      if (name !== undefined)
        return new RegExp(`(?<![\\w$])${escape(name)}\\s*\\(`, 'g').test(textOutside(fn));
      const parent = fn.parent;
      if (
        parent.type !== AST_NODE_TYPES.CallExpression ||
        !parent.arguments.some((argument) => argument === fn)
      )
        return false;
      // Lock callbacks and callbacks that run at once: the walk already knows what is held there.
      if (model.classify(parent)) return false;
      const method = calledMethodName(parent);
      if (!fn.async && model.runsCallbackNow(parent)) return false;
      const callee = parent.callee;
      if (callee.type === AST_NODE_TYPES.Identifier && deferringFunctions.has(callee.name))
        return false;
      return method === undefined || !deferringMethods.has(method);
    }

    function textOutside(fn: FunctionNode): string {
      const text = sourceCode.text;
      return text.slice(0, fn.range[0]) + text.slice(fn.range[1]);
    }

    function acquiresItself(
      fn: FunctionNode | undefined,
      id: string,
      ops: readonly OpFact[],
    ): boolean {
      return ops.some(
        ({ op }) =>
          (op.kind === 'acquire' || op.kind === 'tryAcquire' || op.kind === 'callback') &&
          canonicalId(op.lock) === id &&
          enclosingFunction(op.call) === fn,
      );
    }

    function check(fact: OpFact, ops: readonly OpFact[]): void {
      const { op, held } = fact;
      const id = canonicalId(op.lock);
      // A condition received as a parameter is the caller's to lock; one built out of sight may
      // share a lock that is held here (two Conditions from handles over one threads Lock).
      if (
        id === undefined ||
        id.startsWith('param:') ||
        held.some((hold) => canonicalId(hold.lock) === id) ||
        (op.lock.lockHidden === true && held.length > 0)
      )
        return;
      const fn = enclosingFunction(op.call);
      if (!acquiresItself(fn, id, ops) && callerMayHold(fn)) return;
      const lock = op.lock.underlying?.display ?? op.lock.display;
      context.report({
        node: op.call,
        messageId: 'lockNotHeld',
        data: { cond: op.lock.display, method: op.method, lock },
      });
    }

    function checkFile(): void {
      const { ops } = fileFactsFor(sourceCode, model);
      for (const fact of ops) {
        const kind = fact.op.kind;
        if (kind === 'wait' || kind === 'waitFor' || kind === 'notify') check(fact, ops);
      }
    }

    return { Program: checkFile };
  },
});

function escape(name: string): string {
  return name.replace(/[$]/g, '\\$');
}

import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { childNodes, enclosingFunction, isFunction, skipTypeWrappers } from './estree.ts';
import { variableOf } from './shared-locations.ts';

/**
 * The test of an `if` that a conditional hold can be correlated with (`if (c) await m.acquire()`
 * … `if (c) …`): a key that two tests of the same value share, and what must stay unchanged
 * between them for the two to agree.
 */
export interface BranchCondition {
  /** Equal for two tests of the same expression over the same bindings. */
  readonly key: string;
  /** The test is `!c` (or `!!!c`…): the branch taken when `c` is falsy. */
  readonly negated: boolean;
  /** The tested expression, without its negations. */
  readonly expression: TSESTree.Node;
  /**
   * The member paths it reads (`this.flag`, `opts.exclusive`). Bindings are only accepted when
   * never assigned after their declaration, so they cannot change; these can, and are checked
   * between the two tests (`unchangedBetween`).
   */
  readonly members: readonly string[];
}

/**
 * The condition an `if` tests, when it is made of reads only: bindings never assigned after
 * their declaration (`const`, or a parameter or `let` nobody writes), `this`, properties of those
 * (`this.flag`, `opts.exclusive`, `opts['mode']`), literals, and `!`, `typeof`, `&&`, `||`, `??`
 * and comparisons of them. A call, `await`, assignment or computed key makes it no condition.
 */
export function branchCondition(
  test: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
): BranchCondition | undefined {
  let expression = skipTypeWrappers(test);
  let negated = false;
  while (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === '!') {
    negated = !negated;
    expression = skipTypeWrappers(expression.argument);
  }
  const members: string[] = [];
  const key = readKey(expression, sourceCode, members);
  return key === undefined ? undefined : { key, negated, expression, members };
}

const comparisons = new Set(['===', '!==', '==', '!=', '<', '<=', '>', '>=']);

function readKey(
  node: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
  members: string[],
): string | undefined {
  const inner = skipTypeWrappers(node);
  switch (inner.type) {
    case AST_NODE_TYPES.Identifier:
      return stableBindingKey(inner, sourceCode);
    case AST_NODE_TYPES.ThisExpression:
      return thisKey(inner);
    case AST_NODE_TYPES.Literal:
      return `#${inner.raw}`;
    case AST_NODE_TYPES.ChainExpression:
      return readKey(inner.expression, sourceCode, members);
    case AST_NODE_TYPES.MemberExpression: {
      const object = readKey(inner.object, sourceCode, members);
      const property = propertyKey(inner);
      if (object === undefined || property === undefined) return undefined;
      const key = `${object}${property}`;
      members.push(key);
      return key;
    }
    case AST_NODE_TYPES.UnaryExpression: {
      if (inner.operator !== '!' && inner.operator !== 'typeof') return undefined;
      const argument = readKey(inner.argument, sourceCode, members);
      return argument === undefined ? undefined : `${inner.operator}(${argument})`;
    }
    case AST_NODE_TYPES.LogicalExpression:
    case AST_NODE_TYPES.BinaryExpression: {
      if (inner.type === AST_NODE_TYPES.BinaryExpression && !comparisons.has(inner.operator))
        return undefined;
      const left = readKey(inner.left, sourceCode, members);
      const right = left === undefined ? undefined : readKey(inner.right, sourceCode, members);
      return right === undefined ? undefined : `(${left}${inner.operator}${right})`;
    }
    default:
      return undefined;
  }
}

/** `.name` or `["literal"]`; undefined for a key computed at run time. */
function propertyKey(member: TSESTree.MemberExpression): string | undefined {
  const property = member.property;
  if (!member.computed) {
    return property.type === AST_NODE_TYPES.PrivateIdentifier
      ? `.#${property.name}`
      : `.${(property as TSESTree.Identifier).name}`;
  }
  if (property.type === AST_NODE_TYPES.Literal) return `.${String(property.value)}`;
  return undefined;
}

/** `this` of one function: arrows share their enclosing function's. */
function thisKey(node: TSESTree.Node): string {
  let fn = enclosingFunction(node);
  while (fn?.type === AST_NODE_TYPES.ArrowFunctionExpression) fn = enclosingFunction(fn);
  return `this@${fn?.range[0] ?? 'module'}`;
}

/** A binding never assigned after its declaration, by its declaration. */
function stableBindingKey(
  identifier: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): string | undefined {
  const variable = variableOf(identifier, sourceCode);
  const definition = variable?.defs[0];
  if (
    !variable ||
    !definition ||
    (definition.type !== TSESLint.Scope.DefinitionType.Variable &&
      definition.type !== TSESLint.Scope.DefinitionType.Parameter)
  )
    return undefined;
  if (variable.references.some((reference) => reference.isWrite() && !reference.init))
    return undefined;
  return `${definition.name.range[0]}`;
}

/**
 * Whether the member paths a condition reads keep their values from `from` to `to` (source
 * offsets within one function): nothing in between assigns, updates or deletes one of them or an
 * object on their path, and nothing in between runs code we cannot see — a call, `new`, a tagged
 * template, or an `await`/`yield` of anything but a lock operation. Lock operations are the
 * exception: they change no user state, and the `await` of the acquire that made the hold is
 * always in between (another task changing the flag while this one waits for the lock would be a
 * race on the flag itself). Functions defined in between do not run there.
 */
export function unchangedBetween(
  condition: BranchCondition,
  from: number,
  to: number,
  sourceCode: Readonly<TSESLint.SourceCode>,
  isLockOperation: (call: TSESTree.CallExpression) => boolean,
): boolean {
  if (condition.members.length === 0) return true;
  const root = enclosingFunction(condition.expression) ?? sourceCode.ast;
  const keys = sourceCode.visitorKeys;
  const changesPart = (target: TSESTree.Node): boolean => {
    const written = writtenPath(target, sourceCode);
    if (written === undefined) return true;
    if (written.endsWith('[')) {
      const object = written.slice(0, -1);
      return condition.members.some((member) => member.startsWith(`${object}.`));
    }
    return condition.members.some(
      (member) => member === written || member.startsWith(`${written}.`),
    );
  };
  const lockCall = (node: TSESTree.Node): boolean => {
    const inner = skipTypeWrappers(node);
    return inner.type === AST_NODE_TYPES.CallExpression && isLockOperation(inner);
  };
  let unchanged = true;
  const visit = (node: TSESTree.Node): void => {
    if (!unchanged || node.range[1] <= from || node.range[0] >= to) return;
    const inside = node.range[0] >= from && node.range[1] <= to;
    if (inside) {
      if (node !== root && isFunction(node)) return;
      switch (node.type) {
        case AST_NODE_TYPES.CallExpression:
          if (!isLockOperation(node)) unchanged = false;
          break;
        case AST_NODE_TYPES.NewExpression:
        case AST_NODE_TYPES.TaggedTemplateExpression:
        case AST_NODE_TYPES.YieldExpression:
          unchanged = false;
          break;
        case AST_NODE_TYPES.AwaitExpression:
          if (!lockCall(node.argument)) unchanged = false;
          break;
        case AST_NODE_TYPES.ForOfStatement:
          if (node.await) unchanged = false;
          break;
        case AST_NODE_TYPES.AssignmentExpression:
          if (changesPart(node.left)) unchanged = false;
          break;
        case AST_NODE_TYPES.UpdateExpression:
          if (changesPart(node.argument)) unchanged = false;
          break;
        case AST_NODE_TYPES.UnaryExpression:
          if (node.operator === 'delete' && changesPart(node.argument)) unchanged = false;
          break;
        default:
          break;
      }
      if (!unchanged) return;
    }
    for (const child of childNodes(node, keys)) visit(child);
  };
  visit(root);
  return unchanged;
}

/**
 * The path an assignment target names, in the keys `branchCondition` uses (`this@…` for `this`,
 * the declaration for a binding; `[` ends a path with a key computed at run time), or undefined
 * when it cannot be told (a destructuring pattern, an expression).
 */
function writtenPath(
  target: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
): string | undefined {
  const inner = skipTypeWrappers(target);
  switch (inner.type) {
    case AST_NODE_TYPES.Identifier: {
      const definition = variableOf(inner, sourceCode)?.defs[0];
      return definition ? `${definition.name.range[0]}` : undefined;
    }
    case AST_NODE_TYPES.ThisExpression:
      return thisKey(inner);
    case AST_NODE_TYPES.MemberExpression: {
      const object = writtenPath(inner.object, sourceCode);
      if (object === undefined) return undefined;
      const property = propertyKey(inner);
      return property === undefined ? `${object}[` : `${object}${property}`;
    }
    default:
      return undefined;
  }
}

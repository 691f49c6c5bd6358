import path from 'node:path';
import { ASTUtils, AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { declarationKey } from './ts-identity.ts';
import { programEntry, type ProgramEntry } from './program-entry.ts';
import { fileRelevance } from './file-relevance.ts';
import { reparsedProgram } from './reparsed-program.ts';
import { readSettings } from './settings.ts';
import type { AcquisitionSummary } from './summaries.ts';
import { SyntacticModel } from './syntactic-model.ts';
import { typeServicesOf } from './type-services.ts';
import { immediateCallbackMethods, isLibCollection, runsCallbackNow } from './ts-ast.ts';
import { calledMethodName, memberKeyName } from './estree.ts';
import type { LockOp } from './types.ts';

export type { ProgramEntry } from './program-entry.ts';

/** The lock model as the rules of one file see it. */
export interface FileLockModel {
  /** True when type information is available (the type-aware model is used). */
  readonly typed: boolean;
  /**
   * False when the file's text calls no method of any lock kind and never mentions Web Locks
   * (`fileRelevance`): nothing in it can be held, so the walk only collects its writes.
   */
  readonly mayUseLocks: boolean;
  /** The lock operation a call performs, or undefined. Memoised per node. */
  classify(call: TSESTree.CallExpression): LockOp | undefined;
  /** Locks a call of a program function may take (through further calls); empty without types. */
  acquisitionsOfCall(call: TSESTree.CallExpression): readonly AcquisitionSummary[];
  /** Whether a call returns a promise; true when that cannot be known (no type information). */
  returnsPromise(call: TSESTree.CallExpression): boolean;
  /**
   * Whether a non-async function argument of this call runs before it returns: array methods
   * on arrays, Maps, Sets and typed arrays (by type); by method name alone without types.
   */
  runsCallbackNow(call: TSESTree.CallExpression): boolean;
  /**
   * The identity a lock named in a `@guardedBy` tag has: `name` as a module binding seen from
   * `scopeNode`, or as a field of `owner` (`this.name`). Undefined when it names no known lock.
   */
  guardLockId(
    name: string,
    scopeNode: TSESTree.Node,
    owner: ClassNode | undefined,
  ): string | undefined;
  /**
   * Whether an expression is an array, Map, Set or typed array (so `push`/`set`/`delete` on it
   * change it); true without type information, where the method name alone decides.
   */
  isCollection(expression: TSESTree.Expression): boolean;
}

export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

// One facade per linted file, shared by the rules that lint it.
const fileModels = new WeakMap<object, FileLockModel>();

export type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** The lock model for the file a rule is linting. */
export function lockModelFor(context: AnyContext): FileLockModel {
  const sourceCode = context.sourceCode;
  const cached = fileModels.get(sourceCode);
  if (cached) return cached;
  const settings = readSettings(context.settings);
  const services = typeServicesOf(sourceCode);
  const entry = services && programEntry(services.program, settings);
  const { mayUseLocks } = fileRelevance(context);
  const model =
    services && entry
      ? typedFileModel(entry, services.esTreeNodeToTSNodeMap, sourceCode, mayUseLocks)
      : syntacticFileModel(new SyntacticModel(sourceCode, settings), sourceCode, mayUseLocks);
  fileModels.set(sourceCode, model);
  return model;
}

/** The program-wide model for the file a rule is linting; undefined without type information. */
export function programEntryFor(context: AnyContext): ProgramEntry | undefined {
  const services = typeServicesOf(context.sourceCode);
  return services ? programEntry(services.program, readSettings(context.settings)) : undefined;
}

/**
 * The program-wide model for whole-program analyses: the parser's program, or, for a file parsed
 * again in single-run mode (an isolated program, which counts as none), the real program it
 * belongs to with its current text (`reparsed-program.ts`): the lock graph survives the re-parse.
 */
export function wholeProgramEntryFor(context: AnyContext): ProgramEntry | undefined {
  const entry = programEntryFor(context);
  if (entry) return entry;
  const program = reparsedProgram(context.sourceCode, path.resolve(context.cwd, context.filename));
  return program && programEntry(program, readSettings(context.settings));
}

/** ESTree → TypeScript node map of one file (the parser's, or one made for another file). */
export interface NodeMap {
  get(node: TSESTree.Node): ts.Node | undefined;
}

/**
 * The type-aware model of one file of the program, given its node map. `sourceCode` (scopes,
 * for `@guardedBy` names) is absent for files walked without being linted: they answer no guard.
 */
export function typedFileModel(
  entry: ProgramEntry,
  nodeMap: NodeMap,
  sourceCode: Readonly<TSESLint.SourceCode> | undefined,
  mayUseLocks = true,
): FileLockModel {
  const ops = new WeakMap<TSESTree.CallExpression, LockOp | null>();
  return {
    typed: true,
    mayUseLocks,
    classify(call) {
      const memo = ops.get(call);
      if (memo !== undefined) return memo ?? undefined;
      const tsCall = nodeMap.get(call) as ts.CallExpression | undefined;
      const found = tsCall ? entry.model.classify(tsCall) : undefined;
      const callback =
        found?.callbackIndex === undefined ? undefined : call.arguments[found.callbackIndex];
      const op: LockOp | undefined = found && {
        kind: found.kind,
        call,
        method: found.method,
        lock: found.lock,
        exclusive: found.exclusive,
        ...(callback ? { callback } : {}),
      };
      ops.set(call, op ?? null);
      return op;
    },
    acquisitionsOfCall(call) {
      const tsCall = nodeMap.get(call) as ts.CallExpression | undefined;
      return tsCall ? entry.summaries.ofCall(tsCall) : [];
    },
    returnsPromise(call) {
      const tsCall = nodeMap.get(call);
      if (!tsCall) return true;
      const type = entry.model.checker.getTypeAtLocation(tsCall);
      return type.getNonNullableType().getProperty('then') !== undefined;
    },
    runsCallbackNow(call) {
      const tsCall = nodeMap.get(call) as ts.CallExpression | undefined;
      return (
        tsCall !== undefined && runsCallbackNow(tsCall, entry.model.checker, entry.model.program)
      );
    },
    isCollection(expression) {
      const tsNode = nodeMap.get(expression) as ts.Expression | undefined;
      return (
        tsNode !== undefined && isLibCollection(tsNode, entry.model.checker, entry.model.program)
      );
    },
    guardLockId(name, scopeNode, owner) {
      const target = sourceCode && guardTarget(name, scopeNode, owner, sourceCode);
      if (!target) return undefined;
      if (target.kind === 'binding') {
        const tsName = nodeMap.get(target.identifier) as ts.Expression | undefined;
        return tsName && entry.model.identities.of(tsName)?.id;
      }
      const tsClass = nodeMap.get(target.owner);
      if (!tsClass) return undefined;
      return target.isStatic
        ? `${declarationKey(tsClass)}.${target.name}`
        : `this:${declarationKey(tsClass)}.${target.name}`;
    },
  };
}

function syntacticFileModel(
  model: SyntacticModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
  mayUseLocks: boolean,
): FileLockModel {
  const ops = new WeakMap<TSESTree.CallExpression, LockOp | null>();
  return {
    typed: false,
    mayUseLocks,
    classify(call) {
      const memo = ops.get(call);
      if (memo !== undefined) return memo ?? undefined;
      const op = model.classify(call);
      ops.set(call, op ?? null);
      return op;
    },
    acquisitionsOfCall: () => [],
    returnsPromise: () => true,
    runsCallbackNow(call) {
      const method = calledMethodName(call);
      return method !== undefined && immediateCallbackMethods.has(method);
    },
    isCollection: () => true,
    guardLockId(name, scopeNode, owner) {
      const target = guardTarget(name, scopeNode, owner, sourceCode);
      if (!target) return undefined;
      if (target.kind === 'binding') return model.lockOf(target.identifier)?.id;
      return `this:${target.owner.range[0]}.${target.name}`;
    },
  };
}

type GuardTarget =
  | { readonly kind: 'binding'; readonly identifier: TSESTree.Identifier }
  | {
      readonly kind: 'field';
      readonly owner: ClassNode;
      readonly name: string;
      readonly isStatic: boolean;
    };

/**
 * What a `@guardedBy` name refers to: `this.x` or a field `x` of the owning class (fields,
 * constructor parameter properties), else a binding in scope at `scopeNode`.
 */
function guardTarget(
  name: string,
  scopeNode: TSESTree.Node,
  owner: ClassNode | undefined,
  sourceCode: Readonly<TSESLint.SourceCode>,
): GuardTarget | undefined {
  const fieldName = name.startsWith('this.') ? name.slice('this.'.length) : name;
  if (owner) {
    for (const element of owner.body.body) {
      if (
        element.type === AST_NODE_TYPES.PropertyDefinition &&
        memberKeyName(element.key) === fieldName
      ) {
        return { kind: 'field', owner, name: fieldName, isStatic: element.static };
      }
      if (element.type === AST_NODE_TYPES.MethodDefinition && element.kind === 'constructor') {
        for (const param of element.value.params) {
          if (
            param.type === AST_NODE_TYPES.TSParameterProperty &&
            param.parameter.type === AST_NODE_TYPES.Identifier &&
            param.parameter.name === fieldName
          ) {
            return { kind: 'field', owner, name: fieldName, isStatic: false };
          }
        }
      }
    }
  }
  if (name.startsWith('this.')) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(scopeNode), name);
  const identifier = variable?.defs[0]?.name;
  return identifier?.type === AST_NODE_TYPES.Identifier
    ? { kind: 'binding', identifier }
    : undefined;
}

/**
 * Names for async-mutex locks, taken from where the code creates them: `const accounts = new
 * Mutex()` is `accounts`, a field `lock = new Mutex()` (or `this.lock = new Mutex()`) of class
 * `Ledger` is `Ledger.lock`. Reports otherwise show `Mutex#3`, which tells a reader nothing.
 *
 * async-mutex's constructors take no name, so the name travels beside the construction: just
 * before it runs, `__interlock_name(name, Class)` records the name for the next lock of exactly
 * that class, and the instrumented class's constructor (`@interlock/vitest`'s async-mutex
 * re-export) takes and clears it at once. The call is placed after every argument has been
 * evaluated (around the last argument, or before an argument-less `new`), so nothing can run
 * between the two and take the name instead; a name recorded for another class (a local class
 * that shadows the import) is never given to an async-mutex lock.
 */
import type MagicString from 'magic-string';
import { children, offsetsOf, spansOffset, unwrap, type AstNode } from './ast.ts';

/** The identifier instrumented code calls to name a lock; declared by the preamble. */
export const NAME_IDENTIFIER = '__interlock_name';

const LOCK_MODULE = 'async-mutex';
/** async-mutex's lock classes. */
const LOCK_CLASSES = new Set(['Mutex', 'Semaphore']);
/** async-mutex's functions that return their first argument's lock, wrapped. */
const WRAPPERS = new Set(['withTimeout', 'tryAcquire']);

/** One construction to name. */
export interface NamedConstruction {
  /** The `new` expression. */
  readonly node: AstNode;
  readonly name: string;
}

/** The local bindings of async-mutex's exports in one file. */
interface Imports {
  /** Local name → async-mutex export name, for lock classes and wrappers. */
  readonly named: Map<string, string>;
  /** Names of namespace imports (`import * as am from 'async-mutex'`). */
  readonly namespaces: Set<string>;
}

/** What the walk knows about where it is. */
interface Scope {
  /** Sorted offsets of `new` in the text: subtrees spanning none construct nothing. */
  readonly news: readonly number[];
  /** The innermost class's name, for its fields. */
  readonly className: string | undefined;
  /** The class whose instance `this` is here (inside its methods, constructor and fields). */
  readonly thisClass: string | undefined;
}

/**
 * The async-mutex constructions of `program` that have a name a reader would use. Empty — and
 * cheap: only the top-level statements are read — when the file imports no async-mutex lock.
 */
export function namedConstructions(code: string, program: AstNode): NamedConstruction[] {
  const imports = asyncMutexImports(program);
  if (imports.named.size === 0 && imports.namespaces.size === 0) return [];
  const out: NamedConstruction[] = [];
  const news = offsetsOf(code, 'new');
  walk(program, { news, className: undefined, thisClass: undefined }, imports, out);
  return out;
}

/**
 * Inserts the naming calls: `(__interlock_name("a", Mutex), new Mutex())` without arguments,
 * `new Semaphore(x, __interlock_name("a", Semaphore, y))` with them. No line moves.
 */
export function insertLockNames(
  code: string,
  edited: MagicString,
  constructions: readonly NamedConstruction[],
): void {
  for (const { node, name } of constructions) {
    const { callee, arguments: args } = node as unknown as {
      callee: AstNode;
      arguments: AstNode[];
    };
    const target = code.slice(callee.start, callee.end);
    const call = `${NAME_IDENTIFIER}(${JSON.stringify(name)}, ${target}`;
    const last = args.at(-1);
    if (last === undefined) {
      edited.appendRight(node.start, `(${call}), `);
      edited.appendLeft(node.end, ')');
    } else {
      // A spread's array is read before the constructor runs, like any argument.
      const value =
        last.type === 'SpreadElement' ? (last as unknown as { argument: AstNode }).argument : last;
      edited.appendRight(value.start, `${call}, `);
      edited.appendLeft(value.end, ')');
    }
  }
}

function asyncMutexImports(program: AstNode): Imports {
  const imports: Imports = { named: new Map(), namespaces: new Set() };
  for (const statement of (program as unknown as { body?: AstNode[] }).body ?? []) {
    if (statement.type !== 'ImportDeclaration') continue;
    const declaration = statement as unknown as {
      source: { value: unknown };
      importKind?: string;
      specifiers: (AstNode & {
        imported?: { name?: string; value?: unknown };
        local: { name: string };
        importKind?: string;
      })[];
    };
    if (declaration.source.value !== LOCK_MODULE || declaration.importKind === 'type') continue;
    for (const specifier of declaration.specifiers) {
      if (specifier.type === 'ImportNamespaceSpecifier') {
        imports.namespaces.add(specifier.local.name);
      } else if (specifier.type === 'ImportSpecifier' && specifier.importKind !== 'type') {
        const imported = specifier.imported?.name ?? specifier.imported?.value;
        if (typeof imported === 'string' && (LOCK_CLASSES.has(imported) || WRAPPERS.has(imported)))
          imports.named.set(specifier.local.name, imported);
      }
    }
  }
  return imports;
}

/** The async-mutex export `node` refers to (`Mutex`, `am.withTimeout`, …), if any. */
function exportOf(node: AstNode, imports: Imports): string | undefined {
  if (node.type === 'Identifier') return imports.named.get((node as unknown as Named).name);
  if (node.type !== 'MemberExpression') return undefined;
  const member = node as unknown as { object: AstNode; property: AstNode; computed: boolean };
  if (member.computed || member.object.type !== 'Identifier') return undefined;
  if (!imports.namespaces.has((member.object as unknown as Named).name)) return undefined;
  const name = (member.property as unknown as Named).name;
  return LOCK_CLASSES.has(name) || WRAPPERS.has(name) ? name : undefined;
}

interface Named {
  readonly name: string;
}

/**
 * The `new Mutex(…)` / `new Semaphore(…)` that `expression` evaluates to, looking through
 * parentheses, TypeScript wrappers and `withTimeout(new Mutex(), …)` / `tryAcquire(…)`.
 */
function lockConstruction(expression: AstNode, imports: Imports): AstNode | undefined {
  const node = unwrap(expression);
  if (node.type === 'NewExpression') {
    const exported = exportOf((node as unknown as { callee: AstNode }).callee, imports);
    return exported !== undefined && LOCK_CLASSES.has(exported) ? node : undefined;
  }
  if (node.type !== 'CallExpression') return undefined;
  const call = node as unknown as { callee: AstNode; arguments: AstNode[] };
  const exported = exportOf(unwrap(call.callee), imports);
  const first = call.arguments[0];
  return exported !== undefined && WRAPPERS.has(exported) && first !== undefined
    ? lockConstruction(first, imports)
    : undefined;
}

/** `a`, `#a`, or undefined for a computed or literal key. */
function keyName(key: AstNode, computed: boolean): string | undefined {
  if (computed) return undefined;
  if (key.type === 'Identifier') return (key as unknown as Named).name;
  if (key.type === 'PrivateIdentifier') return `#${(key as unknown as Named).name}`;
  return undefined;
}

/** The name a reader gives the target of an assignment: `x`, `Class.field`, `a.b.c`. */
function targetName(target: AstNode, scope: Scope): string | undefined {
  if (target.type === 'Identifier') return (target as unknown as Named).name;
  if (target.type !== 'MemberExpression') return undefined;
  const member = target as unknown as { object: AstNode; property: AstNode; computed: boolean };
  const property = keyName(member.property, member.computed);
  if (property === undefined) return undefined;
  if (member.object.type === 'ThisExpression')
    return scope.thisClass === undefined ? undefined : `${scope.thisClass}.${property}`;
  const object = targetName(member.object, { ...scope, thisClass: undefined });
  return object === undefined ? undefined : `${object}.${property}`;
}

/** If `node` gives a lock construction a name, that construction and name. */
function naming(node: AstNode, scope: Scope, imports: Imports): NamedConstruction | undefined {
  let name: string | undefined;
  let value: AstNode | null | undefined;
  switch (node.type) {
    case 'VariableDeclarator': {
      const declarator = node as unknown as { id: AstNode; init: AstNode | null };
      if (declarator.id.type === 'Identifier') name = (declarator.id as unknown as Named).name;
      value = declarator.init;
      break;
    }
    case 'PropertyDefinition': {
      const field = node as unknown as { key: AstNode; computed: boolean; value: AstNode | null };
      const key = keyName(field.key, field.computed);
      if (key !== undefined)
        name = scope.className === undefined ? key : `${scope.className}.${key}`;
      value = field.value;
      break;
    }
    case 'AssignmentExpression': {
      const assignment = node as unknown as { operator: string; left: AstNode; right: AstNode };
      if (assignment.operator === '=') name = targetName(assignment.left, scope);
      value = assignment.right;
      break;
    }
    default:
      return undefined;
  }
  if (name === undefined || value === null || value === undefined) return undefined;
  const construction = lockConstruction(value, imports);
  return construction === undefined ? undefined : { node: construction, name };
}

function walk(node: AstNode, scope: Scope, imports: Imports, out: NamedConstruction[]): void {
  if (!spansOffset(scope.news, node.start, node.end)) return;
  const found = naming(node, scope, imports);
  if (found !== undefined) out.push(found);
  for (const child of children(node)) walk(child, inner(node, child, scope), imports, out);
}

/** The scope of `child`, a child of `parent`. */
function inner(parent: AstNode, child: AstNode, scope: Scope): Scope {
  switch (child.type) {
    case 'ClassDeclaration':
    case 'ClassExpression': {
      const id = (child as unknown as { id: Named | null }).id;
      // `const Ledger = class { … }` takes the variable's name.
      const declared =
        parent.type === 'VariableDeclarator' &&
        (parent as unknown as { id: AstNode }).id.type === 'Identifier'
          ? (parent as unknown as { id: Named }).id.name
          : undefined;
      return { ...scope, className: id?.name ?? declared };
    }
    case 'FunctionExpression':
      // A method's `this` is its class's instance; any other function has its own `this`.
      return {
        ...scope,
        thisClass: parent.type === 'MethodDefinition' ? scope.className : undefined,
      };
    case 'FunctionDeclaration':
      return { ...scope, thisClass: undefined };
    default:
      // Field initialisers see the instance as `this` too.
      return parent.type === 'PropertyDefinition' && child === (parent as unknown as Field).value
        ? { ...scope, thisClass: scope.className }
        : scope;
  }
}

interface Field {
  readonly value: AstNode | null;
}

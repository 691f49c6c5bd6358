/**
 * The source instrumentation shared by `@interlock/vitest` and `@interlock/primitives/register`:
 * every `await` whose operand calls `.acquire(…)` / `.acquireAsync(…)` becomes
 * `__interlock_bind(await …, "file:line:column")`, so the hold enters the acquiring task's frame
 * whatever the acquisition style (see `../bind.ts`). With `nameLocks`, async-mutex locks are also
 * named after the variable or field they are created for (`./lock-names.ts`).
 *
 * It works on a parsed program (the caller parses: Vite's `this.parse` or oxc-parser), edits with
 * magic-string and returns a boundary-resolution source map: no line moves, and every position in a
 * stack trace maps back to the user's exact line and column.
 */
import MagicString, { type SourceMap } from 'magic-string';
import { children, offsetsOf, spansOffset, unwrap, type AstNode } from './ast.ts';
import { insertLockNames, namedConstructions } from './lock-names.ts';

export type { AstNode } from './ast.ts';
export { NAME_IDENTIFIER } from './lock-names.ts';

/** The identifier instrumented code calls; declared by the preamble the caller chooses. */
export const BIND_IDENTIFIER = '__interlock_bind';

/** Options of {@link instrumentProgram}. */
export interface InstrumentProgramOptions {
  /** The file as sites should name it (an absolute path). */
  readonly file: string;
  /**
   * Code that declares {@link BIND_IDENTIFIER} (and {@link NAME_IDENTIFIER} with `nameLocks`);
   * appended on a new last line, so that no line of the source moves. It must be hoisted (an
   * `import`, or a `function` declaration).
   */
  readonly preamble: string;
  /**
   * Name the async-mutex locks this file creates after the variable or field they are created for
   * (`./lock-names.ts`). Only useful where async-mutex's classes take the name: the
   * `@interlock/vitest` re-export does.
   * @default false
   */
  readonly nameLocks?: boolean;
}

/** What {@link instrumentProgram} returns when it changed something. */
export interface InstrumentedSource {
  readonly code: string;
  readonly map: SourceMap;
  /** How many awaits were wrapped. */
  readonly wrapped: number;
  /** How many async-mutex constructions were named. */
  readonly named: number;
}

const ACQUIRE_METHODS = new Set(['acquire', 'acquireAsync']);

/**
 * Cheap pre-check before parsing: a file that never says `acquire` cannot be instrumented.
 * Most files of a test run stop here.
 */
export function mayAcquire(code: string): boolean {
  return code.includes('acquire');
}

/**
 * {@link mayAcquire}, or — when locks are named — a file that mentions async-mutex: such a file
 * may create a lock without acquiring it (`export const accounts = new Mutex()`).
 */
export function mayInstrument(code: string, nameLocks = false): boolean {
  return mayAcquire(code) || (nameLocks && code.includes('async-mutex'));
}

/**
 * Instruments a parsed program. Returns `undefined` when nothing needed wrapping, so callers pass
 * the file through untouched.
 */
export function instrumentProgram(
  code: string,
  program: AstNode,
  options: InstrumentProgramOptions,
): InstrumentedSource | undefined {
  const awaits: AwaitSite[] = [];
  collectAwaits(program, offsetsOf(code, 'acquire'), awaits);
  const constructions = options.nameLocks === true ? namedConstructions(code, program) : [];
  if (awaits.length === 0 && constructions.length === 0) return undefined;
  const lines = lineStarts(code);
  const edited = new MagicString(code);
  insertLockNames(code, edited, constructions);
  for (const { node, acquire } of awaits) {
    edited.appendRight(node.start, `${BIND_IDENTIFIER}(`);
    const site = `${options.file}:${position(lines, acquire)}`;
    edited.appendLeft(node.end, `, ${JSON.stringify(site)})`);
  }
  edited.append(`\n${options.preamble}\n`);
  return {
    code: edited.toString(),
    map: edited.generateMap({ hires: 'boundary', source: options.file, includeContent: true }),
    wrapped: awaits.length,
    named: constructions.length,
  };
}

interface AwaitSite {
  readonly node: AstNode;
  /** Offset of the first acquire call's method name inside the await (where V8 puts the call). */
  readonly acquire: number;
}

/**
 * Post-order: an inner await is listed before the await around it, so that at a shared end
 * offset the inner call's closing text comes first (magic-string keeps insertion order).
 * Subtrees whose text never says `acquire` are skipped: most of a file.
 */
function collectAwaits(
  node: AstNode,
  offsets: readonly number[],
  out: AwaitSite[],
): number | undefined {
  if (!spansOffset(offsets, node.start, node.end)) return undefined;
  let firstAcquire: number | undefined = acquireOffset(node);
  for (const child of children(node)) {
    const found = collectAwaits(child, offsets, out);
    firstAcquire ??= found;
  }
  if (node.type === 'AwaitExpression' && firstAcquire !== undefined)
    out.push({ node, acquire: firstAcquire });
  return firstAcquire;
}

/** If `node` is a call of `.acquire`/`.acquireAsync`, the offset of the method name. */
function acquireOffset(node: AstNode): number | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const callee = unwrap((node as unknown as { callee: AstNode }).callee);
  if (callee.type !== 'MemberExpression') return undefined;
  const member = callee as unknown as {
    computed: boolean;
    property: AstNode & { name?: string; value?: unknown };
  };
  const property = member.property;
  const name = member.computed ? property.value : property.name;
  return typeof name === 'string' && ACQUIRE_METHODS.has(name) ? property.start : undefined;
}

/** Offsets at which each line starts (UTF-16, as the parsers report offsets). */
function lineStarts(code: string): number[] {
  const starts = [0];
  for (let index = code.indexOf('\n'); index !== -1; index = code.indexOf('\n', index + 1))
    starts.push(index + 1);
  return starts;
}

/** `line:column`, both 1-based, of `offset`. */
function position(starts: readonly number[], offset: number): string {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return `${low + 1}:${offset - starts[low]! + 1}`;
}

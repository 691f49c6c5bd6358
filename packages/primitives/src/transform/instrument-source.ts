/**
 * The source instrumentation shared by `@interlock/vitest` and `@interlock/primitives/register`:
 * every `await` whose operand calls `.acquire(…)` / `.acquireAsync(…)` becomes
 * `__interlock_bind(await …, "file:line:column")`, so the hold enters the acquiring task's frame
 * whatever the acquisition style (see `../bind.ts`).
 *
 * It works on a parsed program (the caller parses: Vite's `this.parse` or oxc-parser), edits with
 * magic-string and returns a boundary-resolution source map: no line moves, and every position in a
 * stack trace maps back to the user's exact line and column.
 */
import MagicString, { type SourceMap } from 'magic-string';

/** The identifier instrumented code calls; declared by the preamble the caller chooses. */
export const BIND_IDENTIFIER = '__interlock_bind';

/**
 * The smallest view of an ESTree node this walk needs (oxc's AST, as Vite and oxc-parser give it).
 */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** Options of {@link instrumentProgram}. */
export interface InstrumentProgramOptions {
  /** The file as sites should name it (an absolute path). */
  readonly file: string;
  /**
   * Code that declares {@link BIND_IDENTIFIER}; appended on a new last line, so that no line of
   * the source moves. It must be hoisted (an `import`, or a `function` declaration).
   */
  readonly preamble: string;
}

/** What {@link instrumentProgram} returns when it changed something. */
export interface InstrumentedSource {
  readonly code: string;
  readonly map: SourceMap;
  /** How many awaits were wrapped. */
  readonly wrapped: number;
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
 * Instruments a parsed program. Returns `undefined` when nothing needed wrapping, so callers pass
 * the file through untouched.
 */
export function instrumentProgram(
  code: string,
  program: AstNode,
  options: InstrumentProgramOptions,
): InstrumentedSource | undefined {
  const awaits: AwaitSite[] = [];
  collectAwaits(program, mentions(code), awaits);
  if (awaits.length === 0) return undefined;
  const lines = lineStarts(code);
  const edited = new MagicString(code);
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
  };
}

interface AwaitSite {
  readonly node: AstNode;
  /** Offset of the first acquire call's method name inside the await (where V8 puts the call). */
  readonly acquire: number;
}

/** Sorted offsets where the text says `acquire`: only subtrees spanning one can hold a call. */
function mentions(code: string): number[] {
  const offsets: number[] = [];
  for (
    let index = code.indexOf('acquire');
    index !== -1;
    index = code.indexOf('acquire', index + 7)
  )
    offsets.push(index);
  return offsets;
}

/** Is some offset of the sorted `offsets` within [start, end)? */
function spansMention(offsets: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! < start) low = middle + 1;
    else high = middle;
  }
  return low < offsets.length && offsets[low]! < end;
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
  if (!spansMention(offsets, node.start, node.end)) return undefined;
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

/** Parentheses, `?.` chains and TypeScript's value-preserving wrappers (`as`, `!`, `satisfies`). */
function unwrap(node: AstNode): AstNode {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
        current = (current as unknown as { expression: AstNode }).expression;
        break;
      default:
        return current;
    }
  }
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * The child nodes of `node`, in source order of their keys (ESTree's key order is source order).
 */
function* children(node: AstNode): Generator<AstNode> {
  for (const key in node) {
    if (key === 'parent') continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield item;
    } else if (isNode(value)) yield value;
  }
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

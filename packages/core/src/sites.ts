/**
 * Acquisition and creation sites: the user's `file:line:column`, found when the stack is captured
 * and kept as plain data (never a V8 stack, which would keep the program's objects alive).
 */
import type { Site } from './report.ts';

/** `file://` URLs already turned into paths: a program has few source files, and `new URL` is slow. */
const pathsOfUrls = new Map<string, string>();
const MAX_REMEMBERED_URLS = 4096;

/** One parsed V8 stack frame. */
export interface StackFrame extends Site {
  /** `true` for `at async fn (…)` frames (V8's zero-cost async stack traces). */
  readonly async: boolean;
}

/**
 * A frame matches a filter when its file contains the string, or matches the RegExp.
 * Filters name code whose frames a report should skip: the detector's and the primitives' own.
 */
export type FrameFilter = string | RegExp;

/**
 * The directory of the module at `moduleUrl` (pass `import.meta.url`) as stack frames name it,
 * with `/` separators and a trailing `/`: a {@link FrameFilter} that matches exactly that
 * package's own files. `undefined` when the module was not loaded from a `file:` URL (bundled).
 *
 * @example
 * ```ts
 * const ownFrames = [
 *   ...defaultFrameFilters,
 *   sourceDirectory(import.meta.url) ?? '/my-lock-wrapper/',
 * ];
 * ```
 */
export function sourceDirectory(moduleUrl: string): string | undefined {
  if (!moduleUrl.startsWith('file:')) return undefined;
  const path = fileFromUrl(new URL('.', moduleUrl).href);
  // `/C:/x/` from a Windows URL: drop the slash so that `C:\x\…` frames (normalised) match too.
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/**
 * Frames a report skips by default: this package's own directory (exactly that directory, so a
 * user's `packages/core/src/` is never mistaken for ours), interlock installed as a dependency,
 * and Node's internals. `@interlock/primitives` adds its own directory to these. Paths are
 * compared with `/` separators.
 */
export const defaultFrameFilters: readonly FrameFilter[] = Object.freeze(
  [sourceDirectory(import.meta.url), '/node_modules/@interlock/', 'node:internal'].filter(
    (filter) => filter !== undefined,
  ),
);

// `at fn (location)` or `at location`, optionally `async `; location is `file:line:col`.
const FRAME = /^\s*at (?:(async )?(.*?) \((.+):(\d+):(\d+)\)|(async )?(.+):(\d+):(\d+))$/;

/** Parses one line of a V8 stack; `undefined` for frames without a source position. */
export function parseFrame(line: string): StackFrame | undefined {
  const match = FRAME.exec(line);
  if (match === null) return undefined;
  const [
    ,
    asyncNamed,
    fn,
    namedFile,
    namedLine,
    namedColumn,
    asyncBare,
    bareFile,
    bareLine,
    bareColumn,
  ] = match;
  const file = namedFile ?? bareFile!;
  // `eval at …` and other composite locations carry no usable position.
  if (file.includes('(') || file.startsWith('eval at')) return undefined;
  const frame = {
    file: fileFromUrl(file),
    line: Number(namedLine ?? bareLine),
    column: Number(namedColumn ?? bareColumn),
    async: (asyncNamed ?? asyncBare) !== undefined,
  };
  return fn === undefined || fn === '' ? frame : { ...frame, function: fn };
}

/** Every frame of a V8 `Error.stack` that has a source position, top first. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame !== undefined) frames.push(frame);
  }
  return frames;
}

/** Whether any filter matches the frame's file. */
export function isFiltered(file: string, filters: readonly FrameFilter[]): boolean {
  const path = file.replaceAll('\\', '/');
  for (const filter of filters) {
    if (typeof filter === 'string' ? path.includes(filter) : filter.test(path)) return true;
  }
  return false;
}

/**
 * {@link isFiltered}, remembered per filter list and file: a capture asks it for every frame, and
 * a program's frames come from few files (`replaceAll` and the filter scans cost ~1 µs a frame).
 */
const filteredFiles = new WeakMap<readonly FrameFilter[], Map<string, boolean>>();

function isFilteredFile(file: string, filters: readonly FrameFilter[]): boolean {
  let known = filteredFiles.get(filters);
  if (known === undefined) filteredFiles.set(filters, (known = new Map<string, boolean>()));
  let filtered = known.get(file);
  if (filtered === undefined) {
    filtered = isFiltered(file, filters);
    if (known.size >= MAX_REMEMBERED_URLS) known.clear();
    known.set(file, filtered);
  }
  return filtered;
}

/** The first frame of `stack` outside the filtered code, as a {@link Site}. */
export function userSite(
  stack: string,
  filters: readonly FrameFilter[] = defaultFrameFilters,
): Site | undefined {
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame === undefined || isFiltered(frame.file, filters)) continue;
    return frame.function === undefined
      ? { file: frame.file, line: frame.line, column: frame.column }
      : { file: frame.file, line: frame.line, column: frame.column, function: frame.function };
  }
  return undefined;
}

function fileFromUrl(file: string): string {
  if (!file.startsWith('file://')) return file;
  const known = pathsOfUrls.get(file);
  if (known !== undefined) return known;
  let path = file;
  try {
    path = decodeURIComponent(new URL(file).pathname);
  } catch {
    // Not a URL after all: keep it as it is.
  }
  if (pathsOfUrls.size >= MAX_REMEMBERED_URLS) pathsOfUrls.clear();
  pathsOfUrls.set(file, path);
  return path;
}

/**
 * Frames recorded by a first capture: interlock's own (about 6–11), the user's nearest, and the
 * functions awaiting it (see {@link AwaitChain}). The call sites are read as structured data and
 * only the site's own frame is formatted (formatting costs per frame: formatting and parsing the
 * whole stack made every new edge cost ~10× what it had — docs/benchmarks.md); a capture is taken
 * again deeper (still in the same synchronous stack) only when every frame of the short one was
 * filtered.
 */
const SHORT_DEPTH = 16;
/**
 * A capture that needs only the site (a lock's creation site: interlock's constructor frames, then
 * the user's) records fewer frames: V8's cost grows with each frame recorded.
 */
const SITE_DEPTH = 8;
const DEEP_DEPTH = 64;

/**
 * Who made a request, as far as the stack can tell, in plain data: the function that made it, the
 * functions that await it, and the functions that called it. A function is named by its source
 * position (`file:line:column` of the function itself, V8's "enclosing" position), which tells two
 * anonymous functions of one file apart. `awaiters` are the user functions reached from the
 * requester through V8's async stack trace — each awaits the one before it (`Promise.all` and
 * interlock's own frames in between are transparent) — up to the first synchronous caller.
 * `callers` are the rest: the requester runs in the first synchronous segment of a call they made,
 * and whether they will await it cannot be known yet (`await child()` and `void child()` look the
 * same until the caller's synchronous run ends).
 */
export interface AwaitChain {
  /** The requesting function, or `undefined` when no frame was outside the filters. */
  readonly caller: string | undefined;
  /** The user functions awaiting the requester, nearest first. */
  readonly awaiters: readonly string[];
  /** The user functions below the first synchronous caller, nearest first. */
  readonly callers: readonly string[];
}

/**
 * The name of the async function in which a lock implementation runs a callback that holds the
 * lock (`withLock`), awaiting it. Its frames stand for that callback's holder in an
 * {@link AwaitChain} (recorded as {@link SCOPE_MARK}); the hold is marked `scoped`.
 */
export const HOLD_SCOPE_RUNNER = 'runHolding';
/** How a {@link HOLD_SCOPE_RUNNER} frame is recorded in an {@link AwaitChain}. */
const SCOPE_MARK = '<hold scope>';

const noAwaiters: readonly string[] = Object.freeze([]);
const unknownChain: AwaitChain = Object.freeze({
  caller: undefined,
  awaiters: noAwaiters,
  callers: noAwaiters,
});

/** The function (or class) whose frame and the frames above it a capture leaves out. */
type StackTop = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/** One V8 call site, as `Error.prepareStackTrace` receives it (the methods read here). */
interface CallSite {
  getFileName(): string | null | undefined;
  getFunctionName(): string | null | undefined;
  getEnclosingLineNumber(): number | null | undefined;
  getEnclosingColumnNumber(): number | null | undefined;
  isAsync(): boolean;
  isPromiseAll(): boolean;
}

/**
 * The current stack below `skip`, up to `depth` frames, read once as structured call sites: the
 * await chain (when `withChain`), the first user frame, and how many frames there were. Only that
 * frame is formatted, by the installed `Error.prepareStackTrace` (Node's, or a test runner's
 * source-mapping one) so the site reads exactly as it would in `error.stack`; it is given the
 * frame below too, which a source-mapping formatter reads for the frame's function name.
 */
function readSites(
  depth: number,
  skip: StackTop,
  filters: readonly FrameFilter[],
  installed: NonNullable<typeof Error.prepareStackTrace>,
  withChain: boolean,
): Captured {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  let captured: Captured = { site: undefined, chain: unknownChain, frames: 0 };
  try {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, skip);
    readStack(holder, (error, sites) => {
      captured = {
        site: firstUserSite(error, sites, filters, installed),
        chain: withChain ? awaitChain(sites, filters) : unknownChain,
        frames: sites.length,
      };
      return '';
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
  return captured;
}

/** What one capture found; `frames` tells whether the stack ended before the depth asked for. */
interface Captured {
  readonly site: Site | undefined;
  readonly chain: AwaitChain;
  readonly frames: number;
}

/** Number of frames {@link firstUserSite} hands the formatter: the site's own and the next. */
const FORMATTED_FRAMES = 2;

function firstUserSite(
  error: Error,
  sites: readonly NodeJS.CallSite[],
  filters: readonly FrameFilter[],
  installed: NonNullable<typeof Error.prepareStackTrace>,
): Site | undefined {
  for (let index = 0; index < sites.length; index++) {
    const file = sites[index]!.getFileName();
    // Frames without a file (native ones) have no position; filtered files are interlock's own.
    if (file === null || file === undefined || isFilteredFile(fileFromUrl(file), filters)) continue;
    const text: unknown = installed.call(
      Error,
      error,
      sites.slice(index, index + FORMATTED_FRAMES),
    );
    const site = typeof text === 'string' ? userSite(text, filters) : undefined;
    if (site !== undefined) return site;
  }
  return undefined;
}

/**
 * Where no `Error.prepareStackTrace` is installed (a `vm` context, such as vitest's vm pools),
 * Node formats the text itself — source maps included — and only when nobody overrides it, so the
 * text and the structured call sites (for the await chain) come from two captures.
 */
function stackText(
  depth: number,
  skip: StackTop,
  filters: readonly FrameFilter[],
): { text: string; chain: AwaitChain } {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  let chain: AwaitChain = unknownChain;
  let text: string;
  try {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, skip);
    text = holder.stack ?? '';
    const structured: { stack?: string } = {};
    Error.captureStackTrace(structured, skip);
    readStack(structured, (_error, sites) => {
      chain = awaitChain(sites, filters);
      return '';
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
  return { text, chain };
}

/** Reads `holder.stack` (its first read formats it) with `prepare` installed for that read only. */
function readStack(
  holder: { stack?: string },
  prepare: (error: Error, sites: NodeJS.CallSite[]) => unknown,
): string {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was
  const installed = Error.prepareStackTrace;
  Error.prepareStackTrace = prepare;
  try {
    return holder.stack ?? '';
  } finally {
    Error.prepareStackTrace = installed;
  }
}

/** The function a call site runs in, by its own source position. */
function functionKey(site: CallSite): string | undefined {
  const file = site.getFileName();
  if (file === null || file === undefined) return undefined;
  return `${file}:${site.getEnclosingLineNumber() ?? 0}:${site.getEnclosingColumnNumber() ?? 0}`;
}

function awaitChain(sites: readonly CallSite[], filters: readonly FrameFilter[]): AwaitChain {
  // Filtered frames — interlock's own, the user's extra filters, `node:internal` (e.g.
  // `AsyncLocalStorage.run` between `withLock`'s runner and the callback) — are transparent.
  // Other frames of Node's (`node:events` emitting to a handler) are callers like any other.
  const ours = (site: CallSite): boolean => {
    const file = site.getFileName();
    return typeof file === 'string' && isFilteredFile(file, filters);
  };
  let caller: string | undefined;
  let seenUser = false;
  let awaiters: string[] | undefined;
  let callers: string[] | undefined;
  for (const site of sites) {
    if (site.isPromiseAll()) continue;
    let key: string | undefined;
    if (ours(site)) {
      // A lock's callback runner awaits the callback even while it is calling it synchronously.
      if (site.getFunctionName() !== HOLD_SCOPE_RUNNER) continue;
      key = SCOPE_MARK;
    } else {
      key = functionKey(site);
      const first = !seenUser;
      seenUser = true;
      // The requester: the first user frame, unless interlock's own code makes the request on
      // behalf of a user function that awaits it (a Condition's re-acquire): then that one awaits.
      if (first && !site.isAsync()) {
        caller = key;
        continue;
      }
      if (!site.isAsync() || key === undefined) callers ??= [];
    }
    if (key === undefined) continue;
    if (callers === undefined) (awaiters ??= []).push(key);
    else callers.push(key);
  }
  return { caller, awaiters: awaiters ?? noAwaiters, callers: callers ?? noAwaiters };
}

/**
 * The first user frame of the current stack (below the caller of this function), or `undefined`
 * when every frame is filtered. The stack is formatted and parsed now, and only the resulting
 * plain {@link Site} is kept: an unformatted V8 stack holds every frame's receiver and function,
 * so keeping one would keep the user's objects — the lock being acquired among them — alive.
 */
export function captureSite(
  filters: readonly FrameFilter[] = defaultFrameFilters,
): Site | undefined {
  return capture(filters, captureSite, false).site;
}

function capture(
  filters: readonly FrameFilter[],
  skip: StackTop,
  withChain: boolean,
): { site: Site | undefined; chain: AwaitChain } {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only handed to readSites
  const installed = Error.prepareStackTrace;
  if (installed === undefined) return captureFromText(filters, skip);
  const depth = withChain ? SHORT_DEPTH : SITE_DEPTH;
  const short = readSites(depth, skip, filters, installed, withChain);
  if (short.site !== undefined || short.frames < depth) return short;
  return readSites(DEEP_DEPTH, skip, filters, installed, withChain);
}

/** {@link capture} where Node formats stacks itself (see {@link stackText}). */
function captureFromText(
  filters: readonly FrameFilter[],
  skip: StackTop,
): { site: Site | undefined; chain: AwaitChain } {
  const short = stackText(SHORT_DEPTH, skip, filters);
  const site = userSite(short.text, filters);
  if (site !== undefined || countFrames(short.text) < SHORT_DEPTH)
    return { site, chain: short.chain };
  const deep = stackText(DEEP_DEPTH, skip, filters);
  return { site: userSite(deep.text, filters), chain: deep.chain };
}

/** Lines that are frames (`    at …`) in a formatted stack. */
function countFrames(stack: string): number {
  let count = 0;
  for (
    let index = stack.indexOf('\n    at ');
    index !== -1;
    index = stack.indexOf('\n    at ', index + 1)
  )
    count++;
  return count;
}

/**
 * Where something happened, as plain data: the first user frame of the stack at construction,
 * found and kept at once (see {@link captureSite}; a capture formats the stack, a few µs), and who
 * made the request ({@link AwaitChain}). It holds no reference to anything of the program's, so a
 * detector may keep it as long as it likes.
 */
export class SiteCapture {
  /** The first user frame, or `undefined` when none is outside the filters. */
  readonly site: Site | undefined;
  /** The requesting function and the functions awaiting it. */
  readonly chain: AwaitChain;

  constructor(filters: readonly FrameFilter[] = defaultFrameFilters) {
    const { site, chain } = capture(filters, SiteCapture, true);
    this.site = site;
    this.chain = chain;
  }

  /** A capture whose site is already known (for tests and for sites from elsewhere). */
  static of(site: Site | undefined): SiteCapture {
    return Object.create(SiteCapture.prototype, {
      site: { value: site, enumerable: true },
      chain: { value: unknownChain, enumerable: true },
    }) as SiteCapture;
  }
}

/**
 * How surely the request captured in `request` acts for the task that took a hold (captured in
 * `holder`), so that a lock-order edge or a wait through that hold is real:
 * - `'certain'`: the holder's function made the request, or awaits (through V8's async stack
 *   trace) the function that did;
 * - `'called'`: the holder's function is a synchronous caller: the request runs in the first
 *   synchronous segment of a call the holder made, which it may or may not go on to await;
 * - `'doubtful'`: neither (or either side is unknown) — the requester may only have inherited the
 *   hold: work started inside a critical section and not awaited, an event handler.
 */
export type Evidence = 'certain' | 'called' | 'doubtful';

export function actsForHolder(
  request: SiteCapture | undefined,
  holder: SiteCapture | undefined,
  scope?: number,
): Evidence {
  if (request === undefined) return 'doubtful';
  const chain = request.chain;
  let scoped: Evidence = 'doubtful';
  if (scope !== undefined) {
    // A `withLock` hold: its holder is the callback, which the `scope`+1-th runner frame (from the
    // requester down) awaits; the `scope` runners nearer are of scoped holds taken after it.
    const awaiting = count(chain.awaiters, SCOPE_MARK);
    if (awaiting > scope) return 'certain';
    if (awaiting + count(chain.callers, SCOPE_MARK) > scope) scoped = 'called';
  }
  const key = holder?.chain.caller;
  if (key === undefined) return scoped;
  if (chain.caller === key || chain.awaiters.includes(key)) return 'certain';
  return chain.callers.includes(key) ? 'called' : scoped;
}

function count(keys: readonly string[], key: string): number {
  let found = 0;
  for (const each of keys) if (each === key) found++;
  return found;
}

/**
 * For a scoped hold (`withLock`) in a task's holds: how many scoped holds come after it, i.e. how
 * many runner frames nearer to the requester belong to other holds. `undefined` for a hold that
 * is not scoped.
 */
export function scopeDepth(
  held: readonly { readonly scoped?: boolean }[],
  hold: { readonly scoped?: boolean },
): number | undefined {
  if (hold.scoped !== true) return undefined;
  let after = 0;
  for (let index = held.length - 1; index >= 0; index--) {
    const each = held[index]!;
    if (each === hold) return after;
    if (each.scoped === true) after++;
  }
  return after;
}

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
 * Frames recorded by a first capture: interlock's own (about 6) plus the user's nearest. Formatting
 * costs per frame, so a capture starts short and is taken again deeper (still in the same
 * synchronous stack) only when every frame of the short one was filtered.
 */
const SHORT_DEPTH = 12;
const DEEP_DEPTH = 64;

/** The current stack, below `skip`, formatted with at most `depth` frames. */
function stackText(depth: number, skip: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  try {
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder.stack ?? '';
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
  const short = stackText(SHORT_DEPTH, captureSite);
  const site = userSite(short, filters);
  if (site !== undefined || countFrames(short) < SHORT_DEPTH) return site;
  return userSite(stackText(DEEP_DEPTH, captureSite), filters);
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
 * found and kept at once (see {@link captureSite}; a capture formats the stack, a few µs). It
 * holds no reference to anything of the program's, so a detector may keep it as long as it likes.
 */
export class SiteCapture {
  /** The first user frame, or `undefined` when none is outside the filters. */
  readonly site: Site | undefined;

  constructor(filters: readonly FrameFilter[] = defaultFrameFilters) {
    this.site = captureSite(filters);
  }

  /** A capture whose site is already known (for tests and for sites from elsewhere). */
  static of(site: Site | undefined): SiteCapture {
    return Object.create(SiteCapture.prototype, {
      site: { value: site, enumerable: true },
    }) as SiteCapture;
  }
}

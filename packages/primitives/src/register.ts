/**
 * `node --import @interlock/primitives/register app.ts`: the same source instrumentation as
 * `@interlock/vitest`, as a Node module hook, so every acquisition style is tracked outside tests
 * too. It only instruments; enable the detector in your program as usual.
 *
 * - A synchronous in-thread `module.registerHooks` load hook sees each file's source — TypeScript
 *   before Node strips its types — and instruments files outside `node_modules` (plus the packages
 *   named in `INTERLOCK_INSTRUMENT_PACKAGES`, comma-separated) that await an acquire. Positions
 *   stay exact: no line moves, and an inline source map covers the columns
 *   (source maps are switched on for stack traces, `process.setSourceMapsEnabled(true)`).
 * - With `--experimental-transform-types` Node's own map would replace ours, so the hook strips
 *   the types itself and chains the two maps.
 */
import {
  registerHooks,
  stripTypeScriptTypes,
  type LoadFnOutput,
  type LoadHookContext,
} from 'node:module';
import { fileURLToPath } from 'node:url';
import remapping, { type SourceMapInput } from '@jridgewell/remapping';
import { instrumentSource, type InstrumentedSource } from './transform/index.ts';

/** This package's own directory (its sources are never instrumented) and the bind module. */
const ownDirectory = fileURLToPath(new URL('.', import.meta.url));
const bindUrl = new URL(
  import.meta.url.endsWith('.ts') ? './bind.ts' : './bind.js',
  import.meta.url,
);
const coreDirectory = fileURLToPath(new URL('.', import.meta.resolve('@interlock/core')));

/**
 * Packages under `node_modules` to instrument too, by name: `INTERLOCK_INSTRUMENT_PACKAGES`
 * (comma-separated), read once at start-up. Dependencies are not instrumented by default.
 */
const includedPackages = (process.env['INTERLOCK_INSTRUMENT_PACKAGES'] ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');

function isExcluded(file: string): boolean {
  if (file.startsWith(ownDirectory) || file.startsWith(coreDirectory)) return true;
  const normalised = file.replaceAll('\\', '/');
  return (
    normalised.includes('/node_modules/') &&
    !includedPackages.some((name) => normalised.includes(`/node_modules/${name}/`))
  );
}

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

function inlineMap(map: unknown): string {
  return `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** Whether `format` is a script format the transform understands, and which module system. */
function moduleSystem(format: string | null | undefined): 'module' | 'commonjs' | undefined {
  switch (format) {
    case 'module':
    case 'module-typescript':
      return 'module';
    case 'commonjs':
    case 'commonjs-typescript':
      return 'commonjs';
    default:
      return undefined;
  }
}

/**
 * Strips TypeScript in transform mode ourselves (enums, namespaces…) and chains its source map
 * after ours, so stack positions still map to the user's original file.
 */
function transformTypes(result: InstrumentedSource, file: string): string {
  const stripped = stripTypeScriptTypes(result.code, {
    mode: 'transform',
    sourceMap: true,
    sourceUrl: file,
  });
  const match = INLINE_MAP.exec(stripped);
  if (match === null) return stripped;
  const strippedMap = JSON.parse(
    Buffer.from(match[1]!, 'base64').toString('utf8'),
  ) as SourceMapInput;
  const chained = remapping(
    [strippedMap, JSON.parse(result.map.toString()) as SourceMapInput],
    () => null,
  );
  return stripped.slice(0, match.index) + inlineMap(chained);
}

function load(
  url: string,
  context: LoadHookContext,
  nextLoad: (url: string, context?: Partial<LoadHookContext>) => LoadFnOutput,
): LoadFnOutput {
  const loaded = nextLoad(url, context);
  const system = moduleSystem(loaded.format);
  if (
    system === undefined ||
    !url.startsWith('file:') ||
    loaded.source === undefined ||
    loaded.source === null
  )
    return loaded;
  const file = fileURLToPath(url);
  if (isExcluded(file)) return loaded;
  const code =
    typeof loaded.source === 'string'
      ? loaded.source
      : Buffer.from(loaded.source as Uint8Array).toString('utf8');
  const result = instrumentSource(code, file, {
    format: system,
    // require() takes a path, import a URL.
    bindSpecifier: system === 'module' ? bindUrl.href : fileURLToPath(bindUrl),
  });
  if (result === undefined) return loaded;
  const typescript =
    loaded.format === 'module-typescript' || loaded.format === 'commonjs-typescript';
  if (typescript && process.features.typescript === 'transform') {
    return { ...loaded, format: system, source: transformTypes(result, file) };
  }
  return { ...loaded, source: result.code + inlineMap(result.map) };
}

process.setSourceMapsEnabled(true);
registerHooks({ load });

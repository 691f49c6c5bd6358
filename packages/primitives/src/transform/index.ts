/**
 * `@interlock/primitives/transform`: the source instrumentation that tracks every acquisition
 * style (docs/vitest.md "What instrumentation does"). Used by `@interlock/vitest` (with Vite's
 * parser) and by `@interlock/primitives/register` (with oxc-parser).
 */
import { parseSync } from 'oxc-parser';
import {
  BIND_IDENTIFIER,
  instrumentProgram,
  mayAcquire,
  type InstrumentedSource,
} from './instrument-source.ts';

export {
  BIND_IDENTIFIER,
  instrumentProgram,
  mayAcquire,
  type AstNode,
  type InstrumentedSource,
  type InstrumentProgramOptions,
} from './instrument-source.ts';

/** How the instrumented module loads `bind`. */
export type ModuleFormat = 'module' | 'commonjs';

/** The language a parser should read `file` as, from its extension. */
export function languageOf(file: string): 'js' | 'jsx' | 'ts' | 'tsx' {
  const path = file.replace(/[?#].*$/, '');
  if (/\.[cm]?tsx?$/.test(path)) return path.endsWith('x') ? 'tsx' : 'ts';
  return path.endsWith('.jsx') ? 'jsx' : 'js';
}

/**
 * The hoisted declaration of {@link BIND_IDENTIFIER}, loading `bind` from `specifier`: an `import`
 * for ES modules, a function declaration that `require`s it for CommonJS (declarations hoist, so
 * it can sit on the file's last line and move no other line).
 */
export function bindPreamble(specifier: string, format: ModuleFormat): string {
  const from = JSON.stringify(specifier);
  return format === 'module'
    ? `import { bind as ${BIND_IDENTIFIER} } from ${from};`
    : `function ${BIND_IDENTIFIER}(value, site) { return require(${from}).bind(value, site); }`;
}

/** Options of {@link instrumentSource}. */
export interface InstrumentSourceOptions {
  /** Where instrumented code imports `bind` from. @default '@interlock/primitives/bind' */
  readonly bindSpecifier?: string;
  /** @default 'module' */
  readonly format?: ModuleFormat;
}

/**
 * Parses `code` with oxc-parser and instruments it. `undefined` — pass the file through unchanged —
 * when it never mentions `acquire`, does not parse, or has no awaited acquire.
 *
 * Cost: one parse per file that mentions `acquire` (docs/benchmarks.md).
 * @example
 * ```ts
 * const result = instrumentSource(source, '/app/src/bank.ts');
 * if (result) writeFileSync(out, result.code);
 * ```
 */
export function instrumentSource(
  code: string,
  file: string,
  options: InstrumentSourceOptions = {},
): InstrumentedSource | undefined {
  if (!mayAcquire(code)) return undefined;
  const format = options.format ?? 'module';
  let parsed: ReturnType<typeof parseSync>;
  try {
    parsed = parseSync(file, code, {
      lang: languageOf(file),
      sourceType: format === 'module' ? 'module' : 'commonjs',
    });
  } catch {
    return undefined;
  }
  if (parsed.errors.length > 0) return undefined;
  return instrumentProgram(code, parsed.program, {
    file,
    preamble: bindPreamble(options.bindSpecifier ?? '@interlock/primitives/bind', format),
  });
}

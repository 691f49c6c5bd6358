import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import path from 'node:path';

/** The least a plugin object needs for the harness: named rules. */
export type PluginUnderTest = ESLint.Plugin;

/** A rule that threw (or any other failure of ESLint itself) while linting one file. */
export type LintCrash = { file: string; error: string };

export type TypeAwareLintOptions = {
  /** Ancestor of every linted file: flat config ignores files outside its base path. */
  cwd: string;
  /** Project for type information; every linted file must be in it. */
  tsconfigPath: string;
  /** Plugin and rule configs, applied before the harness' parser settings. */
  configs: readonly Linter.Config[];
  /** Collect per-rule times (`result.stats`), as `TIMING` would. @default false */
  stats?: boolean;
  /** Apply fixes as `eslint --fix` does (re-linting each fixed file; nothing is written). */
  fix?: boolean;
};

/** The namespace our rules are registered under in every config the harness builds. */
export const PLUGIN_NAMESPACE = '@interlock';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];

function createTypeScriptESLint(
  options: Omit<TypeAwareLintOptions, 'tsconfigPath'>,
  parserOptions: Linter.ParserOptions,
): ESLint {
  const parserConfig: Linter.Config = {
    name: 'interlock-harness/typescript-parser',
    files: TS_FILES,
    languageOptions: { parser: tseslint.parser, parserOptions },
  };
  return new ESLint({
    cwd: options.cwd,
    overrideConfigFile: true,
    stats: options.stats ?? false,
    fix: options.fix ?? false,
    // Corpora live in node_modules, which ESLint ignores by default (`ignore: false` does not
    // lift that default); un-ignoring it is the documented way.
    // The harness lints code written for other rule sets (the workspace's own config, corpora):
    // their `eslint-disable` comments name rules that are not on here, which says nothing.
    overrideConfig: [
      { ignores: ['!**/node_modules/'] },
      { linterOptions: { reportUnusedDisableDirectives: 'off' } },
      ...options.configs,
      parserConfig,
    ],
  });
}

/**
 * An ESLint instance that parses TypeScript with type information from `tsconfigPath`.
 *
 * The parser settings come last so a plugin config cannot swap in another project: both the
 * corpus and the fixtures need the program the harness built for them.
 */
export function createTypeAwareESLint(options: TypeAwareLintOptions): ESLint {
  return createTypeScriptESLint(options, {
    projectService: false,
    project: options.tsconfigPath,
    tsconfigRootDir: path.dirname(options.tsconfigPath),
    // Under CI=true typescript-estree would infer a single run: one program per process, and an
    // isolated one-file program for any file parsed again, so a test's second ESLint would lint
    // without the rest of the project. The harness means the program of its own run.
    disallowAutomaticSingleRunInference: true,
  });
}

/**
 * An ESLint instance that parses TypeScript without a program, as a user who has not set up
 * type-aware linting would: rules must fall back (or stay silent), never throw.
 */
export function createUntypedESLint(options: Omit<TypeAwareLintOptions, 'tsconfigPath'>): ESLint {
  return createTypeScriptESLint(options, { projectService: false, project: null });
}

/** A config that registers `plugin` and turns every one of its rules on. */
export function everyRuleOn(
  plugin: PluginUnderTest,
  severity: Linter.RuleSeverity = 'error',
): Linter.Config {
  const rules: Linter.RulesRecord = {};
  for (const name of Object.keys(plugin.rules ?? {}))
    rules[`${PLUGIN_NAMESPACE}/${name}`] = severity;
  return {
    name: 'interlock-harness/every-rule',
    files: TS_FILES,
    plugins: { [PLUGIN_NAMESPACE]: plugin },
    rules,
  };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // ESLint appends "Occurred while linting <file>:<line>" and "Rule: <id>" to the message;
  // the first stack frame after it points into the rule.
  const frame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  return frame === undefined ? error.message : `${error.message}\n${frame.trim()}`;
}

/**
 * Lints `files` one at a time so that one crashing rule does not hide the crashes in the
 * files after it. The type-aware parser caches its program per tsconfig, so this costs no
 * more than linting them in one call.
 */
export async function lintFilesOneByOne(
  eslint: ESLint,
  files: readonly string[],
): Promise<{ results: ESLint.LintResult[]; crashes: LintCrash[] }> {
  const results: ESLint.LintResult[] = [];
  const crashes: LintCrash[] = [];
  for (const file of files) {
    try {
      results.push(...(await eslint.lintFiles([file])));
    } catch (error) {
      crashes.push({ file, error: describeError(error) });
    }
  }
  return { results, crashes };
}

/**
 * Messages that mean the file was not really linted: parse errors (`fatal`) and ESLint's own
 * notices such as "File ignored …", which carry no rule id.
 */
export function harnessProblems(results: readonly ESLint.LintResult[]): string[] {
  return results.flatMap((result) =>
    result.messages
      .filter((message) => message.fatal === true || message.ruleId === null)
      .map((message) => `${result.filePath}:${message.line}:${message.column} ${message.message}`),
  );
}

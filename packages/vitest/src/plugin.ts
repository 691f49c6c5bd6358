/// <reference types="vitest/config" />
/**
 * `interlock()`: the vitest plugin. Three jobs, all through documented vitest/Vite hooks:
 * - `transform` instruments test and source files so every acquisition style is tracked;
 * - `resolveId`/`load` check async-mutex locks without `instrument()`;
 * - `configureVitest` sends the options to the workers (`provide`), runs our setup file first
 *   in every worker, declares the options in the transform cache key, and adds the reporter
 *   that merges every file's lock graph.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bindPreamble,
  instrumentProgram,
  languageOf,
  mayAcquire,
  type AstNode,
} from '@interlock/primitives/transform';
import type { Vite, Vitest, VitestPluginContext } from 'vitest/node';
import { ASYNC_MUTEX_MODULE, asyncMutexModule } from './async-mutex.ts';
import { resolvePluginOptions, type InterlockOptions, type ResolvedOptions } from './options.ts';
import { InterlockReporter } from './reporter.ts';

const PRIMITIVES = '@interlock/primitives';
const BIND = '@interlock/primitives/bind';
const SCRIPT = /\.[cm]?[jt]sx?$/;

/** This package's own files, resolved next to this module (`.ts` from source, `.js` when built). */
function ownFile(name: string): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${extension}`, import.meta.url));
}

function resolvedPath(specifier: string): string {
  return fileURLToPath(import.meta.resolve(specifier));
}

/**
 * A hash of the files whose code shapes the transform's output (plus the transform's own folder).
 */
function codeFingerprint(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    for (const sibling of file.endsWith('index.ts') || file.endsWith('index.js')
      ? readdirSync(dirname(file)).sort()
      : [basename(file)]) {
      hash.update(readFileSync(join(dirname(file), sibling)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** One reporter per vitest instance, however many projects use the plugin. */
const reporters = new WeakMap<Vitest, InterlockReporter>();

/**
 * The interlock vitest plugin: every test runs with the lock-order detector on.
 *
 * @throws {InterlockOptionsError} invalid options (when the config loads).
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { interlock } from '@interlock/vitest';
 * export default defineConfig({ plugins: [interlock()] });
 * ```
 */
export function interlock(options: InterlockOptions = {}): Vite.Plugin {
  const resolved = resolvePluginOptions(options);
  const setupFile = ownFile('setup');
  const primitivesEntry = resolvedPath(PRIMITIVES);
  const bindEntry = resolvedPath(BIND);
  // interlock's own sources are never instrumented: their acquires are the primitives' internals.
  const ownDirectories = [
    dirname(primitivesEntry),
    dirname(fileURLToPath(import.meta.resolve('@interlock/core'))),
    dirname(setupFile),
  ].map((directory) => `${directory}/`);
  // The instrumented re-export is generated, under the id of a real file of ours (with a query):
  // vitest handles real files best, and the real package's path must stay out of the id (an id
  // containing node_modules would be externalized; the stub itself is inlined in `config`).
  const asyncMutexStub = ownFile('async-mutex');
  // Real async-mutex entry → the id of its instrumented re-export.
  const virtualIds = new Map<string, string>();
  // vitest's on-disk transform cache keys on plugin names: the options, and the code that decides
  // what a transform produces, must be in the key or a change would serve stale output.
  const cacheKey = JSON.stringify({
    plugin: 'interlock',
    instrument: resolved.instrument,
    packages: resolved.instrumentPackages,
    code: codeFingerprint([
      fileURLToPath(import.meta.url),
      ownFile('async-mutex'),
      resolvedPath('@interlock/primitives/transform'),
    ]),
  });

  function shouldInstrument(id: string): boolean {
    if (id.startsWith('\0')) return false;
    const path = id.replace(/[?#].*$/, '');
    if (!SCRIPT.test(path) || ownDirectories.some((directory) => path.startsWith(directory)))
      return false;
    if (!path.includes('/node_modules/')) return true;
    return resolved.instrumentPackages.some((name) => path.includes(`/node_modules/${name}/`));
  }

  return {
    name: 'interlock',
    // Before TypeScript is stripped: sites name positions in the file the user wrote.
    enforce: 'pre',

    config(config) {
      const test = (config.test ??= {});
      const setupFiles =
        test.setupFiles === undefined
          ? []
          : Array.isArray(test.setupFiles)
            ? test.setupFiles
            : [test.setupFiles];
      // First, so the detector is on before any user setup file or test file creates a lock.
      test.setupFiles = [setupFile, ...setupFiles.filter((file) => file !== setupFile)];
      if (resolved.instrument) {
        // Installed from the registry, our stub lives under node_modules, and vitest would hand
        // its id to Node (which loads the real file, not the generated re-export): inline it.
        // vitest reads an inline string as a package name, so the stub's path is a RegExp.
        const server = (test.server ??= {});
        const deps = (server.deps ??= {});
        const inline =
          deps.inline === true
            ? true
            : [...(deps.inline ?? []), pathPattern(asyncMutexStub), ...resolved.instrumentPackages];
        deps.inline = inline;
      }
    },

    configureVitest(context: VitestPluginContext) {
      context.project.provide('interlock', {
        ...resolved.worker,
        root: context.project.config.root,
      });
      context.defineCacheKeyGenerator(() => cacheKey);
      if (!reporters.has(context.vitest)) {
        const reporter = new InterlockReporter(resolved);
        reporters.set(context.vitest, reporter);
        context.vitest.config.reporters.push(reporter);
      }
    },

    async resolveId(source, importer) {
      // One copy of the primitives for user code, our setup file and bind: one detector.
      if (source === PRIMITIVES) return primitivesEntry;
      if (source === BIND) return bindEntry;
      if (
        source !== 'async-mutex' ||
        !resolved.instrument ||
        importer === undefined ||
        !shouldInstrument(importer)
      )
        return null;
      const real = await this.resolve(source, importer, { skipSelf: true });
      if (real === null) return null;
      // The real path stays out of the id: vitest would externalize an id containing node_modules.
      let virtual = virtualIds.get(real.id);
      if (virtual === undefined)
        virtualIds.set(
          real.id,
          (virtual = `${asyncMutexStub}?${ASYNC_MUTEX_MODULE}=${virtualIds.size}`),
        );
      return virtual;
    },

    load(id) {
      if (!id.startsWith(`${asyncMutexStub}?`)) return null;
      for (const [real, virtual] of virtualIds)
        if (virtual === id) return asyncMutexModule(real, primitivesEntry, bindEntry);
      return null;
    },

    transform(code, id) {
      if (!resolved.instrument || !shouldInstrument(id) || !mayAcquire(code)) return null;
      const file = id.replace(/[?#].*$/, '');
      let program: AstNode;
      try {
        program = this.parse(code, { lang: languageOf(file) });
      } catch {
        // Not ours to report: the next plugin (or vitest) says what is wrong with the file.
        return null;
      }
      const result = instrumentProgram(code, program, {
        file,
        preamble: bindPreamble(BIND, 'module'),
      });
      return result === undefined ? null : { code: result.code, map: result.map };
    },
  };
}

export type { InterlockOptions, ResolvedOptions };

/** A RegExp matching ids that start with `path` (with or without a query). */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\?|$)`);
}

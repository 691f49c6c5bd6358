/**
 * The plugin object without a vitest run: option validation, which files the transform touches,
 * and that the transform cache key follows the options.
 */
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';
import type { Vite, VitestPluginContext } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import {
  interlock,
  InterlockOptionsError,
  shardFile,
  type InterlockOptions,
} from '../src/index.ts';

type TransformResult = { code: string } | null;

/**
 * Calls the plugin's transform hook the way Vite does, with oxc-parser standing in for
 * `this.parse`.
 */
function transform(plugin: Vite.Plugin, code: string, id: string): TransformResult {
  const hook = plugin.transform as unknown as (
    this: unknown,
    code: string,
    id: string,
  ) => TransformResult;
  const context = {
    parse: (source: string, options: { lang: 'ts' }) =>
      parseSync(`x.${options.lang}`, source, { lang: options.lang }).program,
  };
  return hook.call(context, code, id);
}

/** The cache key the plugin declares through configureVitest. */
function cacheKey(options: InterlockOptions): string | false | null | undefined {
  let generator: ((context: never) => string | false | null | undefined) | undefined;
  const context = {
    project: { provide: () => undefined, config: { root: '/p' } },
    vitest: { config: { reporters: [] } },
    defineCacheKeyGenerator: (callback: typeof generator) => {
      generator = callback;
    },
  } as unknown as VitestPluginContext;
  (interlock(options).configureVitest as (context: VitestPluginContext) => void)(context);
  return generator?.({} as never);
}

const plainStyle =
  'export async function f(lock) {\n  await lock.acquire();\n  lock.release();\n}\n';

describe('interlock(): options', () => {
  it.each([
    [{ onCycle: 'explode' }, /onCycle/],
    [{ holdTimeout: -1 }, /holdTimeout/],
    [{ stacks: 'yes' }, /stacks/],
    [{ report: 42 }, /report/],
    [{ report: '' }, /report/],
    [{ instrument: 'no' }, /instrument/],
    [{ failOnLeakedLock: 1 }, /failOnLeakedLock/],
    [{ instrumentPackages: 'pkg' }, /instrumentPackages/],
    [{ frameFilters: [1] }, /frameFilters/],
    [{ onCylce: 'warn' }, /Unknown option `onCylce`/],
  ])('rejects %j with InterlockOptionsError', (options, message) => {
    let error: unknown;
    try {
      interlock(options as InterlockOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InterlockOptionsError);
    expect((error as InterlockOptionsError).code).toBe('ERR_INTERLOCK_VITEST_OPTIONS');
    expect((error as Error).message).toMatch(message);
  });

  it('accepts the documented options', () => {
    expect(() =>
      interlock({
        onCycle: 'warn',
        stacks: false,
        holdTimeout: 100,
        frameFilters: ['/db/', /wrap/],
        report: false,
        instrument: false,
        instrumentPackages: ['pkg'],
        failOnLeakedLock: false,
      }),
    ).not.toThrow();
  });
});

describe('interlock(): which files are instrumented', () => {
  it('instruments the user’s TypeScript and JavaScript', () => {
    for (const id of [
      '/app/src/bank.ts',
      '/app/test/bank.test.ts?v=1',
      '/app/src/a.mjs',
      '/app/src/c.tsx',
    ]) {
      expect(transform(interlock(), plainStyle, id)?.code, id).toContain(
        '__interlock_bind(await lock.acquire()',
      );
    }
  });

  it('leaves node_modules alone unless the package is listed', () => {
    const id = '/app/node_modules/pool-lib/index.js';
    expect(transform(interlock(), plainStyle, id)).toBeNull();
    expect(
      transform(interlock({ instrumentPackages: ['pool-lib'] }), plainStyle, id)?.code,
    ).toContain('__interlock_bind');
    expect(transform(interlock({ instrumentPackages: ['other'] }), plainStyle, id)).toBeNull();
  });

  it('leaves everything alone with instrument: false, virtual modules, other languages, and files that do not parse', () => {
    expect(transform(interlock({ instrument: false }), plainStyle, '/app/src/bank.ts')).toBeNull();
    expect(transform(interlock(), plainStyle, '\0virtual:x')).toBeNull();
    expect(transform(interlock(), plainStyle, '/app/src/style.css')).toBeNull();
    expect(
      transform(
        interlock(),
        'export async function f(lock) { await lock.acquire( }',
        '/app/src/bank.ts',
      ),
    ).toBeNull();
  });

  it('never instruments interlock’s own sources', () => {
    const own = new URL('../../primitives/src/semaphore.ts', import.meta.url).pathname;
    expect(transform(interlock(), plainStyle, own)).toBeNull();
  });

  it('prepends the setup file to setupFiles, before the user’s', () => {
    const config = { test: { setupFiles: ['./user-setup.ts'] } };
    (interlock().config as (config: unknown) => void)(config);
    expect(config.test.setupFiles).toHaveLength(2);
    expect(config.test.setupFiles[0]).toMatch(/vitest\/src\/setup\.ts$/);
    expect(config.test.setupFiles[1]).toBe('./user-setup.ts');
  });

  it('inlines its async-mutex re-export, so an install under node_modules still serves it', () => {
    // Installed from the registry the stub's id contains node_modules; vitest externalizes such
    // ids unless `server.deps.inline` matches them, and Node would then load the real file.
    type Inline = (string | RegExp)[];
    const config: { test: { server?: { deps?: { inline?: Inline } } } } = { test: {} };
    (interlock().config as (config: unknown) => void)(config);
    const patterns = config.test.server?.deps?.inline ?? [];
    const stub = fileURLToPath(new URL('../src/async-mutex.ts', import.meta.url));
    const matches = (id: string) => patterns.some((p) => typeof p !== 'string' && p.test(id));
    expect(matches(`${stub}?interlock-async-mutex=0`)).toBe(true);
    expect(matches('/app/node_modules/async-mutex/index.mjs')).toBe(false);
    const off: { test: { server?: { deps?: { inline?: Inline } } } } = { test: {} };
    (interlock({ instrument: false }).config as (config: unknown) => void)(off);
    expect(off.test.server).toBeUndefined();
  });
});

describe('interlock(): transform cache key', () => {
  it('changes with the options that change the transform output, so no stale transform is served', () => {
    expect(cacheKey({})).toBe(cacheKey({ onCycle: 'warn' }));
    expect(cacheKey({})).not.toBe(cacheKey({ instrument: false }));
    expect(cacheKey({})).not.toBe(cacheKey({ instrumentPackages: ['pkg'] }));
  });
});

describe('shardFile', () => {
  it('names one report per shard', () => {
    expect(shardFile('.interlock/report.json', 1, 3)).toBe('.interlock/report.shard-1-of-3.json');
    expect(shardFile('out/graph', 2, 2)).toBe('out/graph.shard-2-of-2');
  });
});

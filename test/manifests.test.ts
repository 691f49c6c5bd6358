import { describe, expect, it } from 'vitest';
import {
  publishedManifest,
  publishedRange,
  publishedTarget,
  readWorkspaceRanges,
} from '../scripts/pack-manifest.ts';
import { repoRoot, workspacePackages } from './support/workspace.ts';

const REPOSITORY = 'git+https://github.com/interlock-js/interlock.git';

/** Every condition object in an exports map, so each can be checked for `types` first. */
function conditionObjects(target: unknown): Record<string, unknown>[] {
  if (typeof target !== 'object' || target === null) return [];
  if (Array.isArray(target)) return target.flatMap(conditionObjects);
  const entries = Object.entries(target as Record<string, unknown>);
  const here = entries.some(([key]) => !key.startsWith('.'))
    ? [target as Record<string, unknown>]
    : [];
  return [...here, ...entries.flatMap(([, value]) => conditionObjects(value))];
}

const publishable = workspacePackages().filter((pkg) => pkg.manifest.private !== true);

describe.each(publishable.map((pkg) => [pkg.manifest.name, pkg] as const))(
  '%s manifest',
  (_name, pkg) => {
    const manifest = pkg.manifest;

    it('says where it comes from, under which licence, for which Node', () => {
      expect(manifest.license).toBe('MIT');
      expect(manifest.repository).toEqual({
        type: 'git',
        url: REPOSITORY,
        directory: `packages/${pkg.dir}`,
      });
      expect(manifest.bugs).toEqual({ url: 'https://github.com/interlock-js/interlock/issues' });
      expect(manifest.homepage).toBe(
        `https://github.com/interlock-js/interlock/tree/main/packages/${pkg.dir}#readme`,
      );
      expect(manifest.keywords).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(manifest.description).toEqual(expect.any(String));
      expect((manifest.engines as { node?: string } | undefined)?.node).toMatch(/>=24$/);
      expect(manifest.type).toBe('module');
    });

    it('exports ./package.json and puts types first in every condition map', () => {
      const exportsMap = manifest.exports as Record<string, unknown>;
      expect(exportsMap['./package.json']).toBe('./package.json');
      for (const conditions of conditionObjects(exportsMap)) {
        if ('types' in conditions)
          expect(Object.keys(conditions)[0], JSON.stringify(conditions)).toBe('types');
      }
    });

    it('ships dist/ without build info, built and made publishable by prepack', () => {
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', '!**/*.tsbuildinfo']));
      const scripts = manifest.scripts as Record<string, string>;
      expect(scripts['prepack']).toBe('node ../../scripts/pack-manifest.ts prepack');
      expect(scripts['postpack']).toBe('node ../../scripts/pack-manifest.ts postpack');
      // npm honours only registry settings in publishConfig; entry points are swapped by prepack.
      expect(Object.keys((manifest.publishConfig as object | undefined) ?? {})).toEqual(['access']);
    });
  },
);

describe('@interlock/eslint-plugin dependencies', () => {
  const plugin = workspacePackages().find((pkg) => pkg.dir === 'eslint-plugin');

  it('names what the user brings as peers and takes any compatible @typescript-eslint/utils', () => {
    expect(
      Object.keys((plugin?.manifest.peerDependencies as object | undefined) ?? {}).sort(),
    ).toEqual(['@typescript-eslint/parser', 'eslint', 'typescript']);
    const published = publishedManifest(plugin?.manifest ?? {}, readWorkspaceRanges(repoRoot));
    expect(
      (published['dependencies'] as Record<string, string>)['@typescript-eslint/utils'],
    ).toMatch(/^\^8\./);
  });
});

describe('the published manifest (scripts/pack-manifest.ts)', () => {
  const workspace = {
    versions: new Map([['@interlock/core', '1.2.3']]),
    catalogs: new Map([['default', { eslint: '^10.1.0' }]]),
  };

  it('points every source entry at dist, declarations under types', () => {
    expect(
      publishedTarget({
        '.': { types: './src/index.ts', default: './src/index.ts' },
        './threads': { types: './src/threads/index.ts', import: './src/threads/index.ts' },
        './package.json': './package.json',
      }),
    ).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './threads': { types: './dist/threads/index.d.ts', import: './dist/threads/index.js' },
      './package.json': './package.json',
    });
    expect(publishedManifest({ bin: { interlock: './src/cli.ts' } }, workspace)['bin']).toEqual({
      interlock: './dist/cli.js',
    });
  });

  it('turns workspace: and catalog: ranges into the ranges they stand for', () => {
    expect(publishedRange('@interlock/core', 'workspace:^', workspace)).toBe('^1.2.3');
    expect(publishedRange('@interlock/core', 'workspace:*', workspace)).toBe('1.2.3');
    expect(publishedRange('eslint', 'catalog:', workspace)).toBe('^10.1.0');
    expect(publishedRange('left-pad', '^1.0.0', workspace)).toBe('^1.0.0');
    expect(() => publishedRange('nope', 'catalog:', workspace)).toThrow(
      'nope: catalog: is not in pnpm-workspace.yaml',
    );
  });

  it('reads this repository: every workspace package version and the default catalog', () => {
    const ranges = readWorkspaceRanges(repoRoot);
    expect(ranges.versions.get('@interlock/core')).toMatch(/^\d+\.\d+\.\d+/);
    expect(ranges.catalogs.get('default')?.['eslint']).toMatch(/^\^?\d/);
  });
});

/**
 * The `prepack` / `postpack` step of every publishable package (run from the package directory,
 * by `pnpm pack`, `pnpm publish`, `npm pack` and `npm publish` alike).
 *
 * In the workspace a package's `exports` (and `bin`) point at its TypeScript sources, so tests,
 * the demo and other packages run them without a build. A tarball must point at the compiled
 * `dist/` instead. pnpm could swap the map through `publishConfig.exports`, but npm ignores that
 * field, so the swap happens here, on disk, where every packer reads it:
 *
 *   prepack:  build `dist/` from scratch, copy the repository's LICENSE in, and rewrite
 *             `package.json` so every `./src/x.ts` target becomes `./dist/x.js` (`./dist/x.d.ts`
 *             under a `types` condition) and every `workspace:` and `catalog:` range becomes the
 *             range it stands for (pnpm would do that second part, npm would ship them verbatim);
 *             the workspace manifest is kept in `package.json.workspace`.
 *   postpack: put the workspace manifest back and remove the copied LICENSE.
 *
 * Usage: node ../../scripts/pack-manifest.ts prepack|postpack
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const repositoryRoot = join(import.meta.dirname, '..');
const BACKUP = 'package.json.workspace';

/**
 * A value of `exports`/`bin`: a path, a map of conditions or subpaths, or an array of fallbacks.
 */
type Target = string | null | Target[] | { [key: string]: Target };

/** The published path of a workspace source path, or the path itself when it is not a source. */
export function publishedPath(path: string, condition: string | undefined): string {
  const source = /^\.\/src\/(.+)\.ts$/.exec(path);
  if (source === null) return path;
  return condition === 'types' ? `./dist/${source[1]}.d.ts` : `./dist/${source[1]}.js`;
}

/** `target` with every source path replaced by its published path. */
export function publishedTarget(target: Target, condition?: string): Target {
  if (typeof target === 'string') return publishedPath(target, condition);
  if (target === null) return null;
  if (Array.isArray(target)) return target.map((entry) => publishedTarget(entry, condition));
  return Object.fromEntries(
    Object.entries(target).map(([key, value]) => [
      key,
      publishedTarget(value, key.startsWith('.') ? condition : key),
    ]),
  );
}

/** What `workspace:` and `catalog:` ranges stand for in this repository. */
export interface WorkspaceRanges {
  /** Version of each workspace package, by name. */
  readonly versions: ReadonlyMap<string, string>;
  /** `catalog` of pnpm-workspace.yaml under the name `default`, and each of its `catalogs`. */
  readonly catalogs: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const;

/** The plain semver range a `workspace:` or `catalog:` range stands for; other ranges unchanged. */
export function publishedRange(name: string, range: string, workspace: WorkspaceRanges): string {
  if (range.startsWith('workspace:')) {
    const version = workspace.versions.get(name);
    if (version === undefined) throw new Error(`${name}: ${range} names no workspace package`);
    const wanted = range.slice('workspace:'.length);
    if (wanted === '*') return version;
    if (wanted === '^' || wanted === '~') return `${wanted}${version}`;
    return wanted;
  }
  if (range.startsWith('catalog:')) {
    const catalogName = range.slice('catalog:'.length) || 'default';
    const resolved = workspace.catalogs.get(catalogName)?.[name];
    if (resolved === undefined) throw new Error(`${name}: ${range} is not in pnpm-workspace.yaml`);
    return resolved;
  }
  return range;
}

/** The manifest a tarball ships: entry points moved to `dist/`, workspace ranges made plain. */
export function publishedManifest(
  manifest: Record<string, unknown>,
  workspace: WorkspaceRanges,
): Record<string, unknown> {
  const published = { ...manifest };
  for (const field of DEPENDENCY_FIELDS) {
    const ranges = published[field] as Record<string, string> | undefined;
    if (ranges === undefined) continue;
    published[field] = Object.fromEntries(
      Object.entries(ranges).map(([name, range]) => [name, publishedRange(name, range, workspace)]),
    );
  }
  for (const field of ['exports', 'bin', 'main', 'module'] as const) {
    if (published[field] !== undefined)
      published[field] = publishedTarget(published[field] as Target);
  }
  if (typeof published['types'] === 'string')
    published['types'] = publishedPath(published['types'], 'types');
  return published;
}

/** Reads pnpm-workspace.yaml and every workspace package's version. */
export function readWorkspaceRanges(root: string): WorkspaceRanges {
  const config = parseYaml(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages?: string[];
    catalog?: Record<string, string>;
    catalogs?: Record<string, Record<string, string>>;
  };
  const catalogs = new Map(Object.entries(config.catalogs ?? {}));
  catalogs.set('default', config.catalog ?? {});
  const versions = new Map<string, string>();
  for (const pattern of config.packages ?? []) {
    const manifestPaths = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(root, pattern.slice(0, -2), entry.name, 'package.json'))
      : [join(root, pattern, 'package.json')];
    for (const path of manifestPaths.filter((candidate) => existsSync(candidate))) {
      const { name, version } = JSON.parse(readFileSync(path, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (name !== undefined && version !== undefined) versions.set(name, version);
    }
  }
  return { versions, catalogs };
}

function build(packageDir: string): void {
  rmSync(join(packageDir, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', packageDir], { stdio: 'inherit' });
}

function prepack(packageDir: string): void {
  const manifestPath = join(packageDir, 'package.json');
  // A pack that failed after prepack left the published manifest on disk: start from the real one.
  if (existsSync(join(packageDir, BACKUP))) renameSync(join(packageDir, BACKUP), manifestPath);
  build(packageDir);
  copyFileSync(join(repositoryRoot, 'LICENSE'), join(packageDir, 'LICENSE'));
  const text = readFileSync(manifestPath, 'utf8');
  writeFileSync(join(packageDir, BACKUP), text);
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const published = publishedManifest(manifest, readWorkspaceRanges(repositoryRoot));
  writeFileSync(manifestPath, `${JSON.stringify(published, null, 2)}\n`);
}

function postpack(packageDir: string): void {
  if (existsSync(join(packageDir, BACKUP)))
    renameSync(join(packageDir, BACKUP), join(packageDir, 'package.json'));
  rmSync(join(packageDir, 'LICENSE'), { force: true });
}

if (import.meta.main) {
  const step = process.argv[2];
  if (step === 'prepack') prepack(process.cwd());
  else if (step === 'postpack') postpack(process.cwd());
  else {
    console.error(`Usage: node scripts/pack-manifest.ts prepack|postpack (got ${String(step)})`);
    process.exit(2);
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, markedBlock } from './support/markdown.ts';
import { repoRoot, userCompilerOptions, workspacePackages } from './support/workspace.ts';
import { createPackedProject, executableOnPath, type PackedProject } from './pack/project.ts';
import { packSnippets } from './pack/snippets.ts';

// Packs every package (each prepack builds it), installs the tarballs with npm into a project in
// the OS temp directory, and runs the README snippets there as a user would. Slow by nature
// (builds plus one npm install); everything shares that one install.

const publishable = workspacePackages().filter((pkg) => pkg.manifest.private !== true);
const readmes = [
  'README.md',
  ...workspacePackages().map((pkg) => `packages/${pkg.dir}/README.md`),
].filter((path) => existsSync(join(repoRoot, path)));
const runnable = readmes.flatMap((readme) =>
  codeBlocks(readme)
    .filter((block) => block.info.includes('runnable'))
    .map((block) => ({
      readme,
      block,
      fileName: `snippets/${readme.replace(/\W+/g, '-')}-${block.line}.ts`,
    })),
);

/** The machine's own Node when it is another major version than the one running the tests. */
function otherNode(): string | undefined {
  const path = executableOnPath('node');
  if (path === undefined) return undefined;
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  return version.split('.')[0] === process.version.split('.')[0] ? undefined : path;
}

describe('the packed tarballs, installed outside the workspace', () => {
  let project: PackedProject;
  const manifestsBefore = publishable.map((pkg) =>
    readFileSync(join(pkg.path, 'package.json'), 'utf8'),
  );

  beforeAll(() => {
    project = createPackedProject();
  }, 900_000);

  afterAll(() => {
    // `project` is unset when packing or installing failed.
    const dir = (project as PackedProject | undefined)?.dir;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('packing left every workspace manifest as it was', () => {
    publishable.forEach((pkg, index) => {
      expect(readFileSync(join(pkg.path, 'package.json'), 'utf8')).toBe(manifestsBefore[index]);
      expect(existsSync(join(pkg.path, 'package.json.workspace'))).toBe(false);
      expect(existsSync(join(pkg.path, 'LICENSE'))).toBe(false);
    });
  });

  describe.each(publishable.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name) => {
    it('ships LICENSE, README, dist and no build info, and publint finds nothing', async () => {
      const installed = join(project.dir, 'node_modules', name);
      const files = execFileSync('find', ['.', '-type', 'f'], {
        cwd: installed,
        encoding: 'utf8',
      }).split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          './LICENSE',
          './README.md',
          './package.json',
          './dist/index.js',
          './dist/index.d.ts',
        ]),
      );
      expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:|\.\/src\//);
      const { messages } = await publint({
        pkgDir: installed,
        pack: false,
        level: 'suggestion',
        strict: true,
      });
      expect(messages.map((message) => `${message.code} ${message.path.join('.')}`)).toEqual([]);
    });
  });

  describe.each(
    packSnippets.map((snippet) => [`${snippet.readme} ${snippet.id}`, snippet] as const),
  )('%s', (_title, snippet) => {
    const setUp = (): void => {
      for (const [path, text] of Object.entries(snippet.files ?? {})) project.write(path, text);
      project.write(snippet.fileName, markedBlock(snippet.readme, `pack-test=${snippet.id}`).code);
    };

    it(`runs as written on Node ${process.versions.node}`, () => {
      setUp();
      snippet.check(project.run(snippet.command(project, process.execPath)));
    });

    const node = otherNode();
    const engines = (publishable.find((pkg) => snippet.readme.startsWith(`packages/${pkg.dir}/`))
      ?.manifest.engines ?? {}) as { node?: string };
    // The plugin claims ESLint 10's Node range; the machine's older Node (20 in CI) proves it.
    // Only packages that claim Node 20 get this test; where one does, a missing Node 20 fails it.
    if (engines.node?.includes('^20') === true) {
      it(`runs as written on the machine's Node too`, () => {
        expect(
          node,
          'a Node other than the workspace Node 24 on PATH (CI has Node 20)',
        ).toBeDefined();
        setUp();
        snippet.check(project.run(snippet.command(project, node ?? '')));
      });
    }
  });

  it.each(runnable.map((entry) => [`${entry.readme}:${entry.block.line}`, entry] as const))(
    'runnable block %s runs',
    (_title, entry) => {
      project.write(entry.fileName, entry.block.code);
      const result = project.run([process.execPath, entry.fileName]);
      expect(result.status, result.stderr).toBe(0);
    },
  );

  it('runnable blocks type-check against the published declarations', () => {
    for (const entry of runnable) project.write(entry.fileName, entry.block.code);
    project.write(
      'tsconfig.snippets.json',
      JSON.stringify({
        compilerOptions: userCompilerOptions({ types: ['node'], skipLibCheck: false }),
        include: ['snippets'],
      }),
    );
    const result = project.run([
      process.execPath,
      join(project.dir, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.snippets.json',
    ]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

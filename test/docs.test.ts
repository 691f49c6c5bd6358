import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { Tokens } from 'marked';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeBlocks, markdownTokens } from './support/markdown.ts';
import { filesUnder, fromRoot, repoRoot, workspacePackages } from './support/workspace.ts';

// Docs cannot drift: links resolve, every public export and rule is documented, and the code
// blocks marked `runnable` (type-checked and run) or `check` (type-checked) in any doc do what
// they say. Markers go in the fence's info string: ```ts runnable / ```ts check.

const markdownFiles = [
  join(repoRoot, 'README.md'),
  ...filesUnder(join(repoRoot, 'docs'), (name) => name.endsWith('.md')),
  ...filesUnder(join(repoRoot, 'packages'), (name) => name.endsWith('.md')).filter(
    (path) => !path.includes(`${join('test', 'fixtures')}`),
  ),
  ...filesUnder(join(repoRoot, 'fixtures'), (name) => name === 'README.md'),
].map(fromRoot);

/** GitHub's anchors for the headings of a Markdown file. */
function anchors(markdownPath: string): Set<string> {
  const slugger = new GithubSlugger();
  const text = readFileSync(join(repoRoot, markdownPath), 'utf8');
  return new Set(
    markdownTokens(text)
      .filter((token): token is Tokens.Heading => token.type === 'heading')
      .map((heading) => slugger.slug(heading.text.replace(/`/g, ''))),
  );
}

/** Relative link targets (`href`s without a scheme) of a Markdown file. */
function relativeLinks(markdownPath: string): string[] {
  const text = readFileSync(join(repoRoot, markdownPath), 'utf8');
  return markdownTokens(text)
    .filter(
      (token): token is Tokens.Link | Tokens.Image =>
        token.type === 'link' || token.type === 'image',
    )
    .map((link) => link.href)
    .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

describe('links', () => {
  it.each(markdownFiles)('every relative link in %s resolves', (markdownPath) => {
    const broken: string[] = [];
    for (const href of relativeLinks(markdownPath)) {
      const [pathPart = '', anchor] = href.split('#');
      const target =
        pathPart === ''
          ? join(repoRoot, markdownPath)
          : resolve(dirname(join(repoRoot, markdownPath)), decodeURI(pathPart));
      if (!existsSync(target)) {
        broken.push(`${href} (no such file)`);
        continue;
      }
      if (
        anchor !== undefined &&
        anchor !== '' &&
        statSync(target).isFile() &&
        target.endsWith('.md')
      ) {
        if (!anchors(fromRoot(target)).has(anchor)) broken.push(`${href} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

/** The names a package's entry point exports (values and types), read with the type checker. */
function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2024,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  return symbol === undefined
    ? []
    : checker.getExportsOfModule(symbol).map((exported) => exported.name);
}

describe('public exports', () => {
  const docsText = filesUnder(join(repoRoot, 'docs'), (name) => name.endsWith('.md'))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');

  it.each(workspacePackages().map((pkg) => [pkg.manifest.name, pkg] as const))(
    'every export of %s is documented',
    (_name, pkg) => {
      const entry = join(pkg.path, 'src', 'index.ts');
      const packageDocs = [
        join(pkg.path, 'README.md'),
        ...filesUnder(join(pkg.path, 'docs'), (name) => name.endsWith('.md')),
      ]
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path, 'utf8'))
        .join('\n');
      const text = `${packageDocs}\n${docsText}`;
      const names = exportedNames(entry).filter((name) => name !== 'default');
      expect(names.length).toBeGreaterThan(0);
      // Documented: named in inline code or in a code block somewhere in the package's README/docs
      // or in docs/.
      const code = markdownTokens(text)
        .filter((token) => token.type === 'codespan' || token.type === 'code')
        .map((token) => (token as Tokens.Codespan | Tokens.Code).text)
        .join('\n');
      const undocumented = names.filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
      expect(undocumented).toEqual([]);
    },
  );
});

describe('rules', () => {
  it('the plugin README lists every rule, linking its doc, and no other', async () => {
    const { rules } = await import('../packages/eslint-plugin/src/index.ts');
    const readme = readFileSync(join(repoRoot, 'packages/eslint-plugin/README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| \[`([a-z-]+)`\]\(docs\/rules\/([a-z-]+)\.md\)/gm)];
    expect(listed.map((match) => match[1]).sort()).toEqual(Object.keys(rules).sort());
    for (const match of listed) expect(match[2]).toBe(match[1]);
  });
});

describe('code blocks', () => {
  const blockDir = join(repoRoot, 'test', '.doc-blocks');
  const blocks = markdownFiles.flatMap((markdownPath) =>
    codeBlocks(markdownPath)
      .filter(
        (block) =>
          ['ts', 'typescript'].includes(block.info[0] ?? '') &&
          (block.info.includes('runnable') || block.info.includes('check')),
      )
      .map((block) => ({
        where: `${markdownPath}:${block.line}`,
        runnable: block.info.includes('runnable'),
        code: block.code,
        file: join(blockDir, `${markdownPath.replace(/\W+/g, '-')}-${block.line}.ts`),
      })),
  );

  it('blocks marked runnable or check type-check', () => {
    expect(blocks.filter((block) => block.runnable).length).toBeGreaterThan(0);
    rmSync(blockDir, { recursive: true, force: true });
    mkdirSync(blockDir, { recursive: true });
    for (const block of blocks) writeFileSync(block.file, block.code);
    writeFileSync(
      join(blockDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: { noEmit: true, rootDir: '.' },
        files: blocks.map((block) => block.file.slice(blockDir.length + 1)),
      }),
    );
    const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', blockDir], { encoding: 'utf8' });
    const errors = result.stdout.replaceAll(blockDir, '').trim();
    const located = blocks.reduce(
      (text, block) => text.replaceAll(block.file.slice(blockDir.length + 1), block.where),
      errors,
    );
    expect(located).toBe('');
  });

  it.each(blocks.filter((block) => block.runnable).map((block) => [block.where, block] as const))(
    '%s runs to completion',
    (_where, block) => {
      mkdirSync(blockDir, { recursive: true });
      writeFileSync(block.file, block.code);
      const result = spawnSync(process.execPath, [block.file], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(0);
    },
  );
});

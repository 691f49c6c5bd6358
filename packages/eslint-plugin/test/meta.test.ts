import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.ts';

const packageDir = join(import.meta.dirname, '..');
const rulesDir = join(packageDir, 'src', 'rules');
const docsDir = join(packageDir, 'docs', 'rules');
const ruleEntries = Object.entries(rules);

type SchemaNode = {
  type?: unknown;
  description?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
};

/** Every property of a JSON schema, with its path, however deeply nested. */
function schemaProperties(node: SchemaNode, path: string): { path: string; schema: SchemaNode }[] {
  const found: { path: string; schema: SchemaNode }[] = [];
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    found.push(
      { path: `${path}.${name}`, schema: property },
      ...schemaProperties(property, `${path}.${name}`),
    );
  }
  const items =
    node.items === undefined ? [] : Array.isArray(node.items) ? node.items : [node.items];
  items.forEach((item, index) => found.push(...schemaProperties(item, `${path}[${index}]`)));
  return found;
}

describe('plugin shape', () => {
  it('has a name and version', () => {
    expect(plugin.meta).toEqual({
      name: '@interlock/eslint-plugin',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as string,
    });
  });

  it('has one rule file per rule, named as the rule', () => {
    const files = readdirSync(rulesDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(Object.keys(plugin.rules).sort());
    for (const [name, rule] of ruleEntries) expect(rule.name).toBe(name);
  });

  it('has one doc per rule and no stray docs', () => {
    const docs = readdirSync(docsDir).map((file) => file.replace(/\.md$/, ''));
    expect(docs.sort()).toEqual(Object.keys(plugin.rules).sort());
  });

  for (const level of ['recommended', 'strict'] as const) {
    it(`configs.${level} registers the plugin and names only its rules`, () => {
      const config = plugin.configs[level];
      expect(config.plugins?.['@interlock']).toBeDefined();
      const names = Object.keys(config.rules ?? {});
      expect(names.length).toBeGreaterThan(0);
      for (const name of names)
        expect(Object.keys(plugin.rules)).toContain(name.replace(/^@interlock\//, ''));
    });
  }

  it('configs.recommended works as a flat config as it is', () => {
    const linter = new Linter({ configType: 'flat' });
    const code = `import { Lock } from '@interlock/primitives';
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  await lock.withLock(() => undefined);
}`;
    const messages = linter.verify(
      code,
      // `files` comes from the user's TypeScript setup (typescript-eslint's configs), as in the
      // README.
      [
        plugin.configs.recommended,
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ],
      'file.ts',
    );
    expect(messages.map((message) => [message.ruleId, message.line])).toEqual([
      ['@interlock/no-self-deadlock', 5],
    ]);
  });

  it("no rule imports another rule's private folder (shared code lives in src/analysis)", () => {
    const files = readdirSync(rulesDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    const crossings: string[] = [];
    for (const file of files) {
      // The rule a file belongs to: `x.ts` and everything under `x/` are rule x's.
      const owner = file.split(/[\\/]/)[0]!.replace(/\.ts$/, '');
      const imports = readFileSync(join(rulesDir, file), 'utf8').matchAll(/from '(\.[^']+)'/g);
      for (const [, specifier = ''] of imports) {
        const target = join(rulesDir, file, '..', specifier);
        const relative = target.slice(rulesDir.length + 1);
        if (!target.startsWith(rulesDir) || !relative.includes('/')) continue;
        const folder = relative.split('/')[0];
        if (folder !== owner) crossings.push(`${file} imports ${specifier}`);
      }
    }
    expect(files.length).toBeGreaterThan(Object.keys(plugin.rules).length);
    expect(crossings).toEqual([]);
  });

  it('configs.recommended holds exactly the rules marked recommended; strict holds every rule', () => {
    const recommended = ruleEntries
      .filter(([, rule]) => rule.meta.docs?.recommended === 'recommended')
      .map(([name]) => `@interlock/${name}`);
    expect(Object.keys(plugin.configs.recommended.rules ?? {}).sort()).toEqual(recommended.sort());
    expect(Object.keys(plugin.configs.strict.rules ?? {}).sort()).toEqual(
      ruleEntries.map(([name]) => `@interlock/${name}`).sort(),
    );
  });
});

describe.each(ruleEntries)('rule %s', (name, rule) => {
  const doc = readFileSync(join(docsDir, `${name}.md`), 'utf8');

  it('has a doc titled with the rule id whose description line matches meta.docs.description', () => {
    const lines = doc.split('\n');
    expect(lines[0]).toBe(`# \`@interlock/${name}\``);
    const description = lines.slice(1).find((line) => line.trim() !== '');
    expect(description).toBe(`${rule.meta.docs?.description}.`);
  });

  it('has the documented sections in order', () => {
    const headings = doc
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3));
    const required = ['Examples', 'Options', 'When Not To Use It', 'Related'];
    const positions = required.map((heading) => headings.indexOf(heading));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(doc).toContain('❌');
    expect(doc).toContain('✅');
  });

  it('documents every option it has', () => {
    const schema = Array.isArray(rule.meta.schema) ? rule.meta.schema : [rule.meta.schema];
    const options = schema.flatMap((node, index) =>
      schemaProperties(node as SchemaNode, `[${index}]`),
    );
    for (const { path, schema: property } of options) {
      expect(typeof property.description, `${path} needs a description`).toBe('string');
      const optionName = path.split('.').at(-1) ?? '';
      expect(doc, `${path} is not in the doc`).toContain(`\`${optionName}\``);
    }
    if (options.length === 0) expect(doc).toContain('This rule has no options.');
  });

  it('states type-checking, messages and a docs URL pointing at its doc', () => {
    expect(rule.meta.docs?.requiresTypeChecking).toBe(true);
    expect(rule.meta.docs?.url).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    expect(rule.meta.hasSuggestions === true).toBe(doc.includes('Has suggestions'));
  });
});

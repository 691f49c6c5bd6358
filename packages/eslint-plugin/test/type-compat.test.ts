import { Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { describe, expect, expectTypeOf, it } from 'vitest';
import interlock from '../src/index.ts';

// What a user writes in eslint.config.ts must type-check without casts, with ESLint's own
// defineConfig and with typescript-eslint's config helper (`pnpm typecheck` checks this file).
describe('the plugin type-checks where users put it', () => {
  it('defineConfig accepts the configs and the plugin registered by hand', () => {
    expectTypeOf(defineConfig).toBeCallableWith(interlock.configs.recommended);
    expectTypeOf(defineConfig).toBeCallableWith([interlock.configs.strict]);
    expectTypeOf(defineConfig).toBeCallableWith({
      plugins: { '@interlock': interlock },
      rules: { '@interlock/no-self-deadlock': 'error' },
    });
    expectTypeOf(defineConfig).toBeCallableWith(
      tseslint.configs.recommended,
      interlock.configs.recommended,
      { plugins: { '@interlock': interlock } },
    );
  });

  it('tseslint.config accepts the configs and the plugin registered by hand', () => {
    expectTypeOf(tseslint.config).toBeCallableWith(interlock.configs.recommended, {
      plugins: { '@interlock': interlock },
    });
  });

  it('a config array typed for ESLint holds them', () => {
    const configs: Parameters<typeof defineConfig>[0][] = [
      interlock.configs.recommended,
      { plugins: { '@interlock': interlock } },
    ];
    expect(configs).toHaveLength(2);
  });

  it('the default export is the very plugin object both configs register', () => {
    expect(interlock.configs.recommended.plugins['@interlock']).toBe(interlock);
    expect(interlock.configs.strict.plugins['@interlock']).toBe(interlock);
  });

  it('ESLint accepts a config that registers the plugin by hand next to configs.recommended', () => {
    // With two different objects under one namespace ESLint throws "Cannot redefine plugin".
    const linter = new Linter({ configType: 'flat' });
    const config = defineConfig(
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      interlock.configs.recommended,
      { plugins: { '@interlock': interlock }, rules: { '@interlock/no-unmanaged-acquire': 'off' } },
    );
    const code = `import { Lock } from '@interlock/primitives';
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  await lock.acquire();
}`;
    const messages = linter.verify(code, config, 'file.ts');
    expect(messages.map((message) => [message.ruleId, message.line])).toEqual([
      ['@interlock/no-self-deadlock', 5],
    ]);
  });
});

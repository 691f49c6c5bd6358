/**
 * The repository lints itself with what it asks of users: ESLint's and typescript-eslint's
 * (type-checked) recommended rules and our own plugin's recommended config, on every package's
 * sources, tests and benchmarks, on scripts/, test/ and the fixtures' own code. Type information
 * comes from the same tsconfigs `pnpm typecheck` checks, so every linted file belongs to exactly
 * one program.
 */
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import interlock from '@interlock/eslint-plugin';
import { typecheckProjects } from './scripts/typecheck.ts';

/**
 * typescript-eslint lints a file with the first listed program that contains it, imports
 * included: each package's own tsconfig comes first, so its sources are never checked under
 * another project's options. fixtures/app (ignored here) is a user's project with a user's
 * looser options, and reaches the packages' sources through its imports: it is left out.
 */
const lintProjects = typecheckProjects()
  .filter((project) => !project.startsWith('fixtures/app/'))
  .sort((a, b) => Number(!a.startsWith('packages/')) - Number(!b.startsWith('packages/')));

export default defineConfig(
  {
    ignores: [
      '**/dist/',
      // Test data: code written to be linted or run with intentional mistakes (`// expect-lint:`,
      // planted cycles and leaks), each checked by the test that uses it.
      'fixtures/seed/',
      'fixtures/app/', // has its own eslint.config.js; fixtures/test/app-story.test.ts checks it
      'packages/eslint-plugin/test/fixtures/',
      'packages/primitives/test/fixtures/',
      'packages/vitest/test/fixtures/',
      // Written by the docs tests while they run.
      'test/.doc-blocks/',
      'fixtures/.guide-blocks/',
      'packages/eslint-plugin/test/.doc-examples/',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [
      js.configs.recommended,
      tseslint.configs.recommendedTypeChecked,
      interlock.configs.recommended,
    ],
    languageOptions: {
      parserOptions: { project: lintProjects, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier keeps code within 100 columns but cannot break strings or comments: this does.
      // Test titles (Prettier keeps `it('…', () => {` on one line) and template literals
      // (breaking one changes its value) are exempt; URLs too.
      '@stylistic/max-len': [
        'error',
        {
          code: 100,
          ignoreUrls: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignorePattern: String.raw`^\s*(?:it|test|describe|bench)\b`,
        },
      ],
      // Rejecting with what was caught, or with an AbortSignal's reason, passes on a value this
      // code did not make; the rule still catches rejecting with a string or number we made.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A `using` guard is used by its disposal at the end of the block: that is the point. A
      // rest sibling (`const { omitted, ...rest } = x`) is how an object drops a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreUsingDeclarations: true, ignoreRestSiblings: true },
      ],
    },
  },
  {
    // These tests build cycles, deadlocks, leaks and plain-style acquires on purpose, for the
    // detector and the vitest plugin to find: our lock rules would report exactly that. Other
    // tests that do so for one rule say which in a comment at their top.
    files: [
      'packages/primitives/test/bind.test.ts',
      'packages/primitives/test/known-holes.test.ts',
    ],
    rules: Object.fromEntries(
      Object.keys(interlock.rules).map((name) => [`@interlock/${name}`, 'off']),
    ),
  },
);

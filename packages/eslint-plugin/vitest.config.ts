import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'eslint-plugin',
    include: ['test/**/*.test.ts'],
    // The first typed case of each RuleTester file builds a TypeScript program (seconds, more on
    // a loaded machine); vitest's 5 s default made that case time out under load.
    testTimeout: 30_000,
  },
});

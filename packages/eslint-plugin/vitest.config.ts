import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'eslint-plugin',
    include: ['test/**/*.test.ts'],
    // The first case of each typed RuleTester suite builds a TypeScript program (seconds on a
    // loaded machine); the default 5 s made that case flaky, not the rules slower.
    testTimeout: 30_000,
  },
});

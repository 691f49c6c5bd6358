import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'vitest-plugin',
    include: ['test/**/*.test.ts'],
    // Fixture projects are run by the end-to-end tests, each as its own vitest run.
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    // The end-to-end tests start whole vitest runs in child processes.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

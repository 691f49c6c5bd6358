import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'primitives',
    include: ['test/**/*.test.ts'],
    // Tests that start real worker threads are their own project (test/threads/vitest.config.ts).
    exclude: ['test/threads/**'],
  },
});

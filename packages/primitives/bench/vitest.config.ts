import { defineConfig } from 'vitest/config';

// The harness's pure parts (statistics, flags, table) are tested; timings never are.
// Run: pnpm exec vitest run --config packages/primitives/bench/vitest.config.ts
export default defineConfig({
  test: {
    name: 'primitives-bench',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
  },
});

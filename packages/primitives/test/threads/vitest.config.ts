import { defineConfig } from 'vitest/config';

// The worker_threads tests start 2–6 real workers each. Run one file at a time, so a 2-core
// machine (CI's) is not asked for a dozen busy threads at once while other projects run.
export default defineConfig({
  test: {
    name: 'primitives-threads',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// One run over every package; each package keeps its own vitest.config.ts.
// In CI a JSON report is written as well, for .ci/run's "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'packages/primitives/bench',
      'packages/primitives/test/threads',
      'fixtures',
      'test',
    ],
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.vitest-results.json' } : undefined,
  },
});

import { defineConfig } from 'vitest/config';

// Tests of the repository as a whole: error codes, docs, manifests, packed tarballs.
export default defineConfig({
  test: {
    name: 'repo',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    // The pack test builds, installs and lints for real; no test asserts on time.
    testTimeout: 180_000,
  },
});

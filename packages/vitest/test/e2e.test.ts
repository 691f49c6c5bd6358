/**
 * End-to-end suites, in one file so that only one child vitest run is going at a time: each
 * starts workers of its own, and several at once would starve the rest of the test run on a small
 * machine.
 */
import './e2e/cross-file.ts';
import './e2e/per-test.ts';

/**
 * `@interlock/vitest`: runtime lock-order checking for a whole test suite. See docs/vitest.md.
 */
export { interlock } from './plugin.ts';
export type { InterlockOptions } from './options.ts';
export {
  InterlockOptionsError,
  LeakedLockError,
  LockOrderCycleError,
  TestDeadlockError,
} from './errors.ts';
export { InterlockReporter, shardFile } from './reporter.ts';

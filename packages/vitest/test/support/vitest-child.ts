/**
 * Runs one fixture project through vitest's Node API (`startVitest`) in its own process, so that
 * its exit status and output are the run's alone. argv: root, JSON of CLI-level options
 * (`{ filters?: string[], pool?, isolate?, shard?, … }`).
 */
import { startVitest } from 'vitest/node';

const [root, json] = process.argv.slice(2);
const { filters = [], ...options } = JSON.parse(json ?? '{}') as { filters?: string[] } & Record<
  string,
  unknown
>;
// One worker at a time unless a test asks otherwise: the parent suite shares a small machine.
const vitest = await startVitest('test', filters, {
  root,
  watch: false,
  maxWorkers: 1,
  ...options,
});
await vitest.close();
process.exit(process.exitCode ?? 0);

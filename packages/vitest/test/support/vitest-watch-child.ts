/**
 * Watch mode through vitest's Node API: start a fixture project with `watch: true`, rerun the
 * same files twice as a file change would, and print (as JSON on the last line) the report the
 * plugin wrote after each run. argv: root, JSON `{ filters }`, report path.
 */
import { readFileSync } from 'node:fs';
import { createVitest } from 'vitest/node';

const [root, json, reportPath] = process.argv.slice(2);
const { filters = [] } = JSON.parse(json ?? '{}') as { filters?: string[] };
const vitest = await createVitest('test', { root, watch: true });
const reports: unknown[] = [];
await vitest.start(filters);
reports.push(JSON.parse(readFileSync(reportPath!, 'utf8')));
const specifications = await vitest.getRelevantTestSpecifications(filters);
for (let rerun = 0; rerun < 2; rerun++) {
  await vitest.rerunTestSpecifications(specifications);
  reports.push(JSON.parse(readFileSync(reportPath!, 'utf8')));
}
await vitest.close();
process.stdout.write(`\n${JSON.stringify(reports)}\n`);
process.exit(0);

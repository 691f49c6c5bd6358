/**
 * `pnpm demo`: the newcomer's story on fixtures/app, a small service with three planted
 * concurrency bugs. 1. lint it with @interlock/eslint-plugin's recommended config; 2. run its own
 * vitest suite with @interlock/vitest, which fails on a lock-order cycle no single test makes;
 * 3. render the report that run wrote with the `interlock` CLI — as text, then as an HTML page
 * whose path is the last line printed. `pnpm demo --seed` runs the seed tour instead
 * (scripts/demo-seed.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  appCli,
  appDirectory,
  appHtmlReport,
  lintApp,
  renderAppHtml,
  runAppTests,
} from '../fixtures/support/app-story.ts';
import { heading } from './demo-output.ts';
import { seedTour } from './demo-seed.ts';

const { values } = parseArgs({ options: { seed: { type: 'boolean', default: false } } });

async function story(): Promise<void> {
  const app = path.relative(process.cwd(), appDirectory) || '.';
  console.log(`fixtures/app is a small service — a ledger, a rate cache, a job queue — using interlock's
primitives and async-mutex. It has three planted concurrency bugs; its tests all pass.
Every command below runs in ${app}.`);

  heading('1. Lint: eslint src   (@interlock/eslint-plugin, configs.recommended, type-aware)');
  const lint = await lintApp();
  console.log(lint.text.trim());
  const rules = new Set(lint.findings.map((finding) => finding.ruleId));
  console.log(
    `\n${lint.findings.length} findings from ${rules.size} rules: the lock-order inversion (reported in both`,
  );
  console.log(
    'files it spans), the lost update across `await`, the lock leaked when a job throws.',
  );

  heading('2. Test: vitest run   (vitest.config.ts: plugins: [interlock()])');
  const run = await runAppTests();
  console.log(run.output.trim());
  console.log(
    `\nvitest exited with status ${run.status}: every test passed, but tests/ledger.test.ts and`,
  );
  console.log('tests/statements.test.ts take the same two locks in opposite orders — a deadlock');
  console.log('waiting to happen in production, found without one happening in a test.');

  heading('3. Report: interlock report .interlock/report.json');
  const text = await appCli(['report', '.interlock/report.json']);
  console.log((text.stdout + text.stderr).trim());
  console.log('\nThe fix: one order everywhere — statement() takes the accounts lock before the');
  console.log('journal mutex, as transfer() does.');

  heading('4. The same report as a page: interlock report --format html');
  const html = await renderAppHtml();
  if (html.stderr !== '') console.error(html.stderr.trim());
  console.log(`HTML report (open it in a browser):\n${appHtmlReport}`);
}

if (values.seed) await seedTour();
else await story();

/**
 * The real browser for the HTML and Mermaid tests: Debian's `chromium` (or INTERLOCK_CHROMIUM),
 * driven by playwright-core. In CI a missing browser is a failing test; elsewhere it is said loudly
 * and the browser tests do not run.
 */
import { existsSync } from 'node:fs';
import { it } from 'vitest';

const CANDIDATES = [
  process.env['INTERLOCK_CHROMIUM'],
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** The browser binary, or undefined when none is installed. */
export const executablePath = CANDIDATES.find(
  (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
);

const MISSING =
  'Chromium was not found, so this was NOT tested in a real browser. Install it with ' +
  '`apt-get update && apt-get install -y chromium` (or set INTERLOCK_CHROMIUM to a ' +
  'Chrome/Chromium binary).';

/** Call at the top of a browser test file: fails in CI without a browser, warns elsewhere. */
export function requireBrowser(what: string): void {
  if (executablePath !== undefined) return;
  if (process.env['CI'] !== undefined) {
    it(`finds a Chromium to test ${what} in`, () => {
      throw new Error(`${MISSING} In CI this test must run.`);
    });
    return;
  }
  const banner = '!'.repeat(100);
  console.warn(`\n${banner}\n${what}: ${MISSING}\n${banner}\n`);
}

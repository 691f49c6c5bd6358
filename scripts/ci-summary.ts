// Reads vitest's JSON report and prints the one line CI reads: "N passed, N failed".
// A missing or unreadable report counts as one failure, so a crashed run never looks green.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-results.json';
try {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    success: boolean;
  };
  // Suites that fail to load have no tests but still make the run fail: count them.
  const failed = report.numFailedTests + (report.success || report.numFailedTests > 0 ? 0 : 1);
  console.log(`${report.numPassedTests} passed, ${failed} failed`);
} catch (error) {
  console.log(`# could not read ${file}: ${(error as Error).message}`);
  console.log('0 passed, 1 failed');
}

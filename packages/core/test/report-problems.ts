/** The check the report-format tests share: parsing must fail with exactly this message. */
import { expect } from 'vitest';
import { ReportFormatError } from '../src/errors.ts';
import { parseReport } from '../src/validate-report.ts';

/** Expects `parseReport` of `value` (as JSON) to fail with exactly `message`, naming `fileName`. */
export function expectProblem(value: unknown, message: string, fileName = 'shard-1.json'): void {
  let error: unknown;
  try {
    parseReport(JSON.stringify(value), fileName);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ReportFormatError);
  expect((error as ReportFormatError).code).toBe('ERR_INTERLOCK_REPORT_FORMAT');
  expect((error as ReportFormatError).fileName).toBe(fileName);
  expect((error as Error).message).toBe(`${fileName}: ${message}`);
}

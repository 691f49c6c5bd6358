import { bareRuleName, type ParsedExpectations } from './expectations.ts';

/** The part of an ESLint `LintMessage` the comparison needs. */
export type ReportedProblem = {
  line: number;
  ruleId: string | null;
  message: string;
  fatal?: boolean | undefined;
};

export type CompareOptions = {
  /** Bare names of the rules the plugin has; expectations naming others are ignored. */
  knownRules: ReadonlySet<string>;
  /** Bare names of the rules the lint config turned on; only used to explain a miss. */
  enabledRules?: ReadonlySet<string> | undefined;
};

/** Everything wrong on one line of one file. */
export type LineMismatch = {
  line: number;
  expected: string[];
  reported: string[];
  missing: string[];
  unexpected: string[];
};

const FATAL = '<fatal>';

/** A problem's rule as an expectation would name it; fatal parse errors have no rule. */
function reportedRule(problem: ReportedProblem): string {
  if (problem.ruleId === null || problem.fatal === true) return FATAL;
  return bareRuleName(problem.ruleId);
}

function describeProblem(problem: ReportedProblem): string {
  return `${reportedRule(problem)} (${JSON.stringify(problem.message)})`;
}

/**
 * Matches expectations against reports as multisets per line: each expectation consumes one
 * report of its rule on its line; whatever is left on either side is a mismatch.
 */
export function compareFindings(
  parsed: ParsedExpectations,
  reported: readonly ReportedProblem[],
  options: CompareOptions,
): LineMismatch[] {
  const expectedByLine = new Map<number, string[]>();
  for (const { line, rule } of parsed.expectations) {
    if (!options.knownRules.has(rule)) continue;
    expectedByLine.set(line, [...(expectedByLine.get(line) ?? []), rule]);
  }
  const reportedByLine = new Map<number, ReportedProblem[]>();
  for (const problem of reported) {
    reportedByLine.set(problem.line, [...(reportedByLine.get(problem.line) ?? []), problem]);
  }

  const lines = [...new Set([...expectedByLine.keys(), ...reportedByLine.keys()])].sort(
    (a, b) => a - b,
  );
  const mismatches: LineMismatch[] = [];
  for (const line of lines) {
    const expected = expectedByLine.get(line) ?? [];
    const problems = reportedByLine.get(line) ?? [];
    const unmatched = [...problems];
    const missing: string[] = [];
    for (const rule of expected) {
      const index = unmatched.findIndex((problem) => reportedRule(problem) === rule);
      if (index === -1) {
        const disabled = options.enabledRules !== undefined && !options.enabledRules.has(rule);
        missing.push(disabled ? `${rule} (not enabled by the config under test)` : rule);
      } else {
        unmatched.splice(index, 1);
      }
    }
    if (missing.length === 0 && unmatched.length === 0) continue;
    mismatches.push({
      line,
      expected,
      reported: problems.map(reportedRule),
      missing,
      unexpected: unmatched.map(describeProblem),
    });
  }
  return mismatches;
}

/**
 * One readable line per problem, `file:line — …`, for an assertion's diff: syntax errors in the
 * expectations first, then each mismatching line with what was expected and what was reported.
 */
export function formatMismatches(
  fileLabel: string,
  parsed: ParsedExpectations,
  mismatches: readonly LineMismatch[],
): string[] {
  const syntax = parsed.errors.map(
    ({ line, message }) => `${fileLabel}:${line} — bad expect-lint comment: ${message}`,
  );
  const findings = mismatches.map((mismatch) => {
    const parts: string[] = [];
    if (mismatch.missing.length > 0) parts.push(`missing ${mismatch.missing.join(', ')}`);
    if (mismatch.unexpected.length > 0) parts.push(`unexpected ${mismatch.unexpected.join(', ')}`);
    const expected = mismatch.expected.join(', ') || 'nothing';
    const got = mismatch.reported.join(', ') || 'nothing';
    return `${fileLabel}:${mismatch.line} — ${parts.join('; ')} [expected: ${expected}; got: ${got}]`;
  });
  return [...syntax, ...findings];
}

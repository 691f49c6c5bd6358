import type { ESLint } from 'eslint';

/**
 * Milliseconds spent in each rule over all `results`, read from ESLint's `stats` (the same
 * numbers `TIMING=all` prints): rule creation plus every listener call, over all passes.
 * Parse time (which includes building the type-checked program) is kept apart under `parse`.
 */
export function totalTimes(results: readonly ESLint.LintResult[]): {
  rules: Map<string, number>;
  parse: number;
} {
  const rules = new Map<string, number>();
  let parse = 0;
  for (const result of results) {
    for (const pass of result.stats?.times.passes ?? []) {
      parse += pass.parse?.total ?? 0;
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
        rules.set(ruleId, (rules.get(ruleId) ?? 0) + time.total);
      }
    }
  }
  return { rules, parse };
}

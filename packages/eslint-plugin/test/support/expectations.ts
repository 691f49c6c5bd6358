/**
 * Expected lint findings written next to the code they are about:
 *
 * ```ts
 * const release = await mutex.acquire(); // expect-lint: no-unmanaged-acquire
 * await a.acquire(); // expect-lint: no-floating-acquire, no-self-deadlock
 * ```
 *
 * The comment trails the line that a rule reports on (the line of the report's start).
 * Naming a rule twice on one line expects two reports of it there.
 */

/** One expected report: `rule` (bare name, no `@interlock/` prefix) on 1-based `line`. */
export type Expectation = { line: number; rule: string };

/** A malformed `expect-lint` comment; the fixture, not the plugin, is wrong. */
export type ExpectationSyntaxError = { line: number; message: string };

export type ParsedExpectations = {
  expectations: Expectation[];
  errors: ExpectationSyntaxError[];
};

const PLUGIN_PREFIX = '@interlock/';
const MARKER = /\/\/\s*expect-lint\b(.*)$/;
const RULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Strips the plugin namespace so `@interlock/x` and `x` name the same rule. */
export function bareRuleName(ruleId: string): string {
  return ruleId.startsWith(PLUGIN_PREFIX) ? ruleId.slice(PLUGIN_PREFIX.length) : ruleId;
}

/**
 * Reads every `// expect-lint: a, b` comment of a file.
 *
 * Line-based on purpose: the marker is unambiguous in fixture code, and a scanner would have
 * to understand template literals to do better. A marker alone on its line is an error,
 * because no rule can report on a line that holds only a comment.
 */
export function parseExpectations(source: string): ParsedExpectations {
  const expectations: Expectation[] = [];
  const errors: ExpectationSyntaxError[] = [];
  const lines = source.split(/\r\n|\r|\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    const match = MARKER.exec(text);
    if (match === null) return;
    if (text.slice(0, match.index).trim() === '') {
      errors.push({
        line,
        message: 'expect-lint must trail the code it is about, not stand alone on its line',
      });
      return;
    }
    const rest = match[1] ?? '';
    if (!rest.startsWith(':')) {
      errors.push({ line, message: 'expected `// expect-lint: rule-a, rule-b`' });
      return;
    }
    const names = rest
      .slice(1)
      .split(',')
      .map((name) => name.trim());
    for (const name of names) {
      const bare = bareRuleName(name);
      if (!RULE_NAME.test(bare)) {
        errors.push({ line, message: `not a rule name: ${JSON.stringify(name)}` });
        continue;
      }
      expectations.push({ line, rule: bare });
    }
  });
  return { expectations, errors };
}

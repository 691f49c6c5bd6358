import { describe, expect, it } from 'vitest';
import { compareFindings, formatMismatches } from './compare-findings.ts';
import { bareRuleName, parseExpectations } from './expectations.ts';

describe('parseExpectations', () => {
  it('reads trailing comments with one or several rules, prefixed or not', () => {
    const source = [
      'const a = 1;',
      'await lock.acquire(); // expect-lint: no-floating-acquire',
      'const r = await m.acquire(); //expect-lint:no-unmanaged-acquire , ' +
        '@interlock/no-self-deadlock',
      'x(); // expect-lint: a-rule, a-rule',
    ].join('\n');
    expect(parseExpectations(source)).toEqual({
      expectations: [
        { line: 2, rule: 'no-floating-acquire' },
        { line: 3, rule: 'no-unmanaged-acquire' },
        { line: 3, rule: 'no-self-deadlock' },
        { line: 4, rule: 'a-rule' },
        { line: 4, rule: 'a-rule' },
      ],
      errors: [],
    });
  });

  it('counts lines the way ESLint does for CRLF and CR endings', () => {
    const source = 'a();\r\nb(); // expect-lint: r1\rc(); // expect-lint: r2\n';
    expect(parseExpectations(source).expectations).toEqual([
      { line: 2, rule: 'r1' },
      { line: 3, rule: 'r2' },
    ]);
  });

  it('rejects a marker alone on its line, a missing colon and bad names', () => {
    const source = [
      '  // expect-lint: no-self-deadlock',
      'f(); // expect-lint no-self-deadlock',
      'g(); // expect-lint: No_Such, , ok-rule',
    ].join('\n');
    const { expectations, errors } = parseExpectations(source);
    expect(expectations).toEqual([{ line: 3, rule: 'ok-rule' }]);
    expect(errors.map((error) => error.line)).toEqual([1, 2, 3, 3]);
    expect(errors[0]?.message).toMatch(/trail/);
  });

  it('ignores files without markers', () => {
    expect(parseExpectations('// a plain comment\nconst x = 1;\n')).toEqual({
      expectations: [],
      errors: [],
    });
  });

  it('strips only our namespace from rule ids', () => {
    expect(bareRuleName('@interlock/no-self-deadlock')).toBe('no-self-deadlock');
    expect(bareRuleName('@typescript-eslint/no-floating-promises')).toBe(
      '@typescript-eslint/no-floating-promises',
    );
  });
});

describe('compareFindings', () => {
  const knownRules = new Set(['r1', 'r2', 'r3']);
  const problem = (line: number, rule: string, message = `${rule} message`) => ({
    line,
    ruleId: `@interlock/${rule}`,
    message,
  });

  it('accepts reports that match the expectations exactly', () => {
    const parsed = parseExpectations('x(); // expect-lint: r1, r2\ny(); // expect-lint: r1\n');
    expect(
      compareFindings(parsed, [problem(1, 'r2'), problem(1, 'r1'), problem(2, 'r1')], {
        knownRules,
      }),
    ).toEqual([]);
  });

  it('reports a missed expectation and an unexpected report, on their lines', () => {
    const parsed = parseExpectations('x(); // expect-lint: r1\ny();\n');
    const mismatches = compareFindings(parsed, [problem(2, 'r2', 'lock `a` held')], { knownRules });
    expect(mismatches).toEqual([
      { line: 1, expected: ['r1'], reported: [], missing: ['r1'], unexpected: [] },
      {
        line: 2,
        expected: [],
        reported: ['r2'],
        missing: [],
        unexpected: ['r2 ("lock `a` held")'],
      },
    ]);
    expect(formatMismatches('seed/a.ts', parsed, mismatches)).toEqual([
      'seed/a.ts:1 — missing r1 [expected: r1; got: nothing]',
      'seed/a.ts:2 — unexpected r2 ("lock `a` held") [expected: nothing; got: r2]',
    ]);
  });

  it('treats a rule named twice as two reports', () => {
    const parsed = parseExpectations('x(); // expect-lint: r1, r1\n');
    expect(compareFindings(parsed, [problem(1, 'r1')], { knownRules })[0]?.missing).toEqual(['r1']);
    const once = parseExpectations('x(); // expect-lint: r1\n');
    expect(
      compareFindings(once, [problem(1, 'r1'), problem(1, 'r1')], { knownRules })[0]?.unexpected,
    ).toHaveLength(1);
  });

  it('ignores expectations of rules the plugin does not have yet, but not their reports', () => {
    const parsed = parseExpectations('x(); // expect-lint: future-rule\ny(); // expect-lint: r1\n');
    expect(compareFindings(parsed, [problem(2, 'r1')], { knownRules })).toEqual([]);
  });

  it('says when a missed rule is not enabled by the config', () => {
    const parsed = parseExpectations('x(); // expect-lint: r3\n');
    const [mismatch] = compareFindings(parsed, [], { knownRules, enabledRules: new Set(['r1']) });
    expect(mismatch?.missing).toEqual(['r3 (not enabled by the config under test)']);
  });

  it('reports parse errors as unexpected fatal problems', () => {
    const parsed = parseExpectations('x(\n');
    const mismatches = compareFindings(
      parsed,
      [{ line: 1, ruleId: null, message: "')' expected.", fatal: true }],
      {
        knownRules,
      },
    );
    expect(mismatches[0]?.unexpected).toEqual([`<fatal> ("')' expected.")`]);
  });

  it('lists malformed expectations before mismatches', () => {
    const parsed = parseExpectations('// expect-lint: r1\n');
    expect(formatMismatches('f.ts', parsed, [])).toEqual([
      'f.ts:1 — bad expect-lint comment: expect-lint must trail the code it is about, not ' +
        'stand alone on its line',
    ]);
  });
});

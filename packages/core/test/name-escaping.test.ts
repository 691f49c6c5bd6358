/**
 * Issue 8, item 5: a lock name cannot forge a report. Names (and ids, kinds, paths, function
 * names read from a report file) holding newlines, control characters, ANSI escapes or
 * bidirectional overrides are kept exactly in JSON and escaped in every text form: one lock, one
 * line, and two different names never look alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeadlockError,
  LockOrderError,
  LongHoldWarning,
  formatReport,
  parseReport,
  type Cycle,
  type LockGraphReport,
} from '../src/index.ts';
import { quoteText } from '../src/escape.ts';

/** Anything a terminal would act on instead of showing (newline excepted: it separates lines). */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Names weighted towards what could forge a report: controls, C1, separators, bidi, `\\`, `"`. */
const hostileName = fc.string({
  unit: fc
    .oneof(
      fc.integer({ min: 0, max: 0x9f }),
      fc.constantFrom(0x2028, 0x2029, 0x202e, 0x2066, 0x200f, 0x5c, 0x22),
      fc.integer({ min: 0xa0, max: 0xffff }),
    )
    .map((code) => String.fromCharCode(code)),
  maxLength: 16,
});

const site = (line: number, fn?: string) => ({
  file: '/repo/src/bank.ts',
  line,
  column: 3,
  ...(fn === undefined ? {} : { function: fn }),
});

/** A report with one AB-BA cycle, one self-deadlock and one long hold, naming locks `a` and `b`. */
function reportNaming(a: string, b: string): LockGraphReport {
  const cycle: Cycle = {
    locks: [
      { id: 'L1', name: a },
      { id: 'L2', name: b },
    ],
    edges: [
      { from: 'L1', to: 'L2', holder: site(1, 'one'), acquirer: site(2, 'one') },
      { from: 'L2', to: 'L1', holder: site(3, 'two'), acquirer: site(4, 'two') },
    ],
  };
  return {
    version: 1,
    locks: [
      { id: 'L1', key: `${a}@x`, name: a, kind: 'Lock', site: site(10) },
      { id: 'L2', key: `${b}@x`, name: b, kind: 'Lock', site: site(11) },
    ],
    edges: [{ from: 'L1', to: 'L2', holder: site(1), acquirer: site(2), count: 1 }],
    cycles: [cycle],
    deadlocks: [
      {
        locks: [{ id: 'L1', name: a }],
        edges: [{ from: 'L1', to: 'L1', holder: site(5), acquirer: site(6) }],
      },
    ],
    longHolds: [{ lock: 'L2', site: site(7), limit: 100, count: 1 }],
  };
}

const forgeries = [
  'accounts\n-> #9 forged -> edge',
  '\u001b[2K\u001b[1Gerased',
  '\u001b[31mred\u001b[0m',
  'csi\u009b2J',
  'rtl\u202eevil',
  'tab\there\rreturn',
  'line\u2028separator',
  'back\\nslash',
  'quote" (Lock L9)',
];

describe('lock names in reports', () => {
  it('JSON keeps every name exactly', () => {
    for (const name of forgeries) {
      const report = reportNaming(name, 'plain');
      expect(parseReport(formatReport(report, 'json'), 'names.json')).toEqual(report);
    }
  });

  it('the text report has the same lines as with plain names, none holding a control character', () => {
    const plainLines = formatReport(reportNaming('a', 'b'), 'text').split('\n').length;
    for (const name of forgeries) {
      const text = formatReport(reportNaming(name, `${name}!`), 'text');
      expect(text.split('\n')).toHaveLength(plainLines);
      expect(text).not.toMatch(ACTIVE);
      expect(text).toContain(quoteText(name));
    }
  });

  it('names with a newline and the two characters \\n do not look alike', () => {
    const newline = formatReport(reportNaming('a\nb', 'c'), 'text');
    const literal = formatReport(reportNaming('a\\nb', 'c'), 'text');
    expect(newline).not.toBe(literal);
    expect(newline).toContain('"a\\nb"');
    expect(literal).toContain('"a\\\\nb"');
  });

  it('property: for every pair of names, the text keeps its line count and has no control characters', () => {
    const plainLines = formatReport(reportNaming('a', 'b'), 'text').split('\n').length;
    fc.assert(
      fc.property(hostileName, hostileName, (a, b) => {
        const text = formatReport(reportNaming(a, b), 'text');
        return text.split('\n').length === plainLines && !ACTIVE.test(text);
      }),
    );
  });

  it('property: a quoted name reads back as exactly that name (so two names never look alike)', () => {
    fc.assert(fc.property(hostileName, (name) => JSON.parse(quoteText(name)) === name));
  });

  it('ids, kinds, paths and function names from a report file are escaped too', () => {
    const report = reportNaming('a', 'b');
    const hostile: LockGraphReport = {
      ...report,
      locks: report.locks.map((lock) => ({
        ...lock,
        kind: 'Lock\n\u001b[31mfake',
        site: { file: '/x\n/y.ts', line: 1, column: 1, function: 'f\u001bn' },
      })),
      longHolds: [{ lock: 'L\n9', limit: 5, count: 1 }],
    };
    const text = formatReport(hostile, 'text');
    expect(text.split('\n')).toHaveLength(formatReport(report, 'text').split('\n').length);
    expect(text).not.toMatch(ACTIVE);
  });
});

describe('lock names in error and warning messages', () => {
  it('LockOrderError, DeadlockError and LongHoldWarning messages are one line', () => {
    const report = reportNaming('a\nb', '\u001b[31mc');
    const messages = [
      new LockOrderError(report.cycles[0]!).message,
      new DeadlockError(report.deadlocks[0]!).message,
      new DeadlockError(report.cycles[0]!).message,
      new LongHoldWarning({ id: 'L1', name: 'x\ny' }, 5, 'f.ts:1:1').message,
    ];
    for (const message of messages) {
      expect(message).not.toContain('\n');
      expect(message).not.toMatch(ACTIVE);
    }
    expect(messages[0]).toContain('"a\\nb"');
  });
});

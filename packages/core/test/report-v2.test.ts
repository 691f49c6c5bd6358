/**
 * Report files version 2 (docs/reports.md): every valid report survives the encoding exactly,
 * sites are stored once, both versions read into the same in-memory report, and bad version 2
 * input fails with one line naming the file and the entry.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReportFormatError } from '../src/errors.ts';
import { formatReport } from '../src/format-text.ts';
import type { Cycle, LockGraphReport, ReportEdge, ReportLock, Site } from '../src/report.ts';
import { reportJsonChunks } from '../src/report-json.ts';
import { encodeReport } from '../src/report-encode.ts';
import type { ReportFileV2 } from '../src/report-v2.ts';
import { ReportUnion } from '../src/merge.ts';
import { parseReport, parseReportForMerge, validateReport } from '../src/validate-report.ts';
import { expectProblem as expectProblemIn } from './report-problems.ts';

const expectProblem = (value: unknown, message: string): void =>
  expectProblemIn(value, message, 'shard-2.json');

const site = (file: string, line: number, column: number, fn?: string): Site => ({
  file,
  line,
  column,
  ...(fn === undefined ? {} : { function: fn }),
});

/** Two locks nested both ways; the transfer site is shared by three entries. */
function bank(): LockGraphReport {
  const transfer = site('/repo/src/bank.ts', 12, 20, 'transfer');
  const audit = site('/repo/src/bank.ts', 25, 20, 'audit');
  const locks: ReportLock[] = [
    {
      id: 'L1',
      key: 'accounts@/repo/src/bank.ts:4:18',
      name: 'accounts',
      kind: 'Lock',
      site: site('/repo/src/bank.ts', 4, 18),
    },
    { id: 'L2', key: 'audit', name: 'audit', kind: 'RLock' },
  ];
  const forward: ReportEdge = {
    from: 'L1',
    to: 'L2',
    holder: transfer,
    acquirer: transfer,
    count: 3,
  };
  const back: ReportEdge = {
    from: 'L2',
    to: 'L1',
    holder: audit,
    acquirer: { ...transfer },
    count: 1,
    doubtful: true,
  };
  const cycle: Cycle = {
    locks: [
      { id: 'L1', name: 'accounts' },
      { id: 'L2', name: 'audit' },
    ],
    edges: [
      { from: 'L1', to: 'L2', holder: transfer, acquirer: transfer },
      { from: 'L2', to: 'L1', holder: audit },
    ],
    doubtful: true,
  };
  return {
    version: 1,
    generatedAt: '2026-12-03T16:00:00.000Z',
    locks,
    edges: [forward, back],
    cycles: [cycle],
    deadlocks: [{ locks: [{ id: 'L2', name: 'audit' }], edges: [{ from: 'L2', to: 'L2' }] }],
    longHolds: [{ lock: 'L1', site: transfer, limit: 100, count: 2 }],
    longWaits: [{ lock: 'L2', limit: 50, count: 1 }],
  };
}

/** Any valid version 1 report: every optional field present or absent, sites often shared. */
const anyReport: fc.Arbitrary<LockGraphReport> = fc
  .record({
    strings: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 5 }),
    lockCount: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ strings, lockCount }) => {
    const text = fc.constantFrom(...strings);
    const aSite = fc
      .record({
        file: text,
        line: fc.nat(50),
        column: fc.oneof(fc.nat(9), fc.double({ min: 0, max: 9, noNaN: true })),
        fn: fc.option(text, { nil: undefined }),
      })
      .map(({ file, line, column, fn }) => site(file, line, column, fn));
    const id = fc.integer({ min: 0, max: lockCount - 1 }).map((index) => `L${index + 1}`);
    const maybeSite = fc.option(aSite, { nil: undefined });
    const edge = fc
      .record({
        from: id,
        to: id,
        holder: maybeSite,
        acquirer: maybeSite,
        count: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
        doubtful: fc.boolean(),
      })
      .map(({ from, to, holder, acquirer, count, doubtful }): ReportEdge => ({
        from,
        to,
        ...(holder === undefined ? {} : { holder }),
        ...(acquirer === undefined ? {} : { acquirer }),
        ...(count === undefined ? {} : { count }),
        ...(doubtful ? { doubtful: true as const } : {}),
      }));
    const cycle = fc
      .array(fc.tuple(id, text, edge), { minLength: 1, maxLength: 3 })
      .chain((steps) =>
        fc.boolean().map((doubtful): Cycle => ({
          ...(doubtful ? { doubtful: true as const } : {}),
          locks: steps.map(([lock, name]) => ({ id: lock, name })),
          edges: steps.map(([, , { from, to, holder, acquirer }]) => ({
            from,
            to,
            ...(holder === undefined ? {} : { holder }),
            ...(acquirer === undefined ? {} : { acquirer }),
          })),
        })),
      );
    const long = fc
      .record({
        lock: id,
        site: maybeSite,
        limit: fc.nat(1000),
        count: fc.integer({ min: 1, max: 9 }),
      })
      .map(({ site: where, ...rest }) => (where === undefined ? rest : { ...rest, site: where }));
    const lock = (index: number) =>
      fc
        .record({ key: text, name: text, kind: text, site: maybeSite })
        .map(({ site: where, ...rest }): ReportLock => ({
          id: `L${index + 1}`,
          ...rest,
          ...(where === undefined ? {} : { site: where }),
        }));
    return fc
      .record({
        generatedAt: fc.option(fc.constant('2026-12-03T16:00:00.000Z'), { nil: undefined }),
        locks: fc.tuple(...Array.from({ length: lockCount }, (_, index) => lock(index))),
        edges: fc.array(edge, { maxLength: 8 }),
        cycles: fc.array(cycle, { maxLength: 2 }),
        deadlocks: fc.array(cycle, { maxLength: 2 }),
        longHolds: fc.option(fc.array(long, { maxLength: 2 }), { nil: undefined }),
        longWaits: fc.option(fc.array(long, { maxLength: 2 }), { nil: undefined }),
      })
      .map(({ generatedAt, longHolds, longWaits, ...rest }): LockGraphReport => ({
        version: 1,
        ...(generatedAt === undefined ? {} : { generatedAt }),
        ...rest,
        ...(longHolds === undefined ? {} : { longHolds }),
        ...(longWaits === undefined ? {} : { longWaits }),
      }));
  });

describe('report files, version 2', () => {
  it('any valid report reads back exactly from version 2 and from version 1 (property)', () => {
    fc.assert(
      fc.property(anyReport, fc.constantFrom<1 | 2>(1, 2), (report, version) => {
        const text = formatReport(report, 'json', { version });
        expect(JSON.parse(text)).toMatchObject({ version });
        // toStrictEqual: no key that version 1 leaves out comes back as `undefined`.
        expect(parseReport(text, 'r.json')).toStrictEqual(report);
      }),
    );
  });

  it('stores each string and each site once, edges as tuples of indices', () => {
    const file = encodeReport(bank());
    expect(file.strings.filter((text) => text === '/repo/src/bank.ts')).toHaveLength(1);
    // transfer (three objects, one of them a copy), audit, and the creation site: three sites.
    expect(file.sites).toHaveLength(3);
    const [transfer, audit] = [
      file.sites.findIndex((s) => s[1] === 12),
      file.sites.findIndex((s) => s[1] === 25),
    ];
    expect(file.edges).toEqual([
      [0, 1, transfer, transfer, 3],
      [1, 0, audit, transfer, 1, true],
    ]);
    expect(file.sites[transfer]).toEqual([
      file.strings.indexOf('/repo/src/bank.ts'),
      12,
      20,
      file.strings.indexOf('transfer'),
    ]);
    expect(file.locks[1]).toHaveLength(4); // no creation site
    expect(file.cycles[0]).toEqual({
      locks: [
        [0, file.strings.indexOf('accounts')],
        [1, file.strings.indexOf('audit')],
      ],
      edges: [
        [0, 1, transfer, transfer],
        [1, 0, audit, null],
      ],
      doubtful: true,
    });
    expect(file.longWaits).toEqual([[1, null, 50, 1]]);
  });

  it('decodes equal sites to one shared object', () => {
    const report = parseReport(formatReport(bank(), 'json'), 'bank.json');
    const [forward, back] = report.edges;
    expect(forward!.holder).toBe(forward!.acquirer);
    expect(back!.acquirer).toBe(forward!.holder);
  });

  it('writes one table entry, lock or edge per line, in chunks', () => {
    const text = formatReport(bank(), 'json');
    const lines = text.split('\n');
    expect(lines[1]).toBe('  "version": 2,');
    expect(lines).toContain('    [0,1,1,1,3],'); // site 0 is L1's creation site
    expect(lines).toContain('    [1,0,2,1,1,true]');
    const chunks = [...reportJsonChunks(bank(), { chunkSize: 64 })];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(text);
  });

  it('refuses to encode a report whose edges name unlisted locks', () => {
    const report = { ...bank(), edges: [{ from: 'L1', to: 'L7' }] };
    expect(() => encodeReport(report)).toThrow(
      expect.objectContaining({
        name: 'RangeError',
        code: 'ERR_INTERLOCK_ARG_OUT_OF_RANGE',
        message: 'Expected `report.edges[0].to` to be the id of a lock in `locks`, got "L7"',
      }),
    );
    expect(() => formatReport(bank(), 'json', { version: 3 as 2 })).toThrow(RangeError);
  });

  it('validateReport takes a parsed version 2 file', () => {
    expect(validateReport(JSON.parse(JSON.stringify(encodeReport(bank()))), 'x.json')).toEqual(
      bank(),
    );
  });
});

describe('parseReportForMerge', () => {
  it('folds into a union exactly as the parsed report does, edges left as tuples (property)', () => {
    fc.assert(
      fc.property(fc.array(anyReport, { minLength: 1, maxLength: 4 }), (reports) => {
        const expected = new ReportUnion();
        const packed = new ReportUnion();
        for (const [index, report] of reports.entries()) {
          expected.add(report);
          // Alternate the versions: a merge may mix them.
          const text = formatReport(report, 'json', { version: index % 2 === 0 ? 2 : 1 });
          const read = parseReportForMerge(text, `shard-${index}.json`);
          expect('sites' in read).toBe(index % 2 === 0);
          packed.add(read);
        }
        expect(packed.toReport()).toStrictEqual(expected.toReport());
        expect(packed.merged()).toStrictEqual(expected.merged());
      }),
    );
  });

  it('checks a version 2 file as parseReport does', () => {
    const file = JSON.parse(JSON.stringify(encodeReport(bank()))) as ReportFileV2;
    for (const bad of [
      { ...file, edges: [[0, 2, null, null, 1]] },
      { ...file, edges: [[0, 1, null, null, 1, 1]] },
      { ...file, sites: [] },
      { ...file, version: 3 },
    ]) {
      const text = JSON.stringify(bad);
      let expected: unknown;
      try {
        parseReport(text, 'bad.json');
      } catch (error) {
        expected = error;
      }
      expect(expected).toBeInstanceOf(ReportFormatError);
      expect(() => parseReportForMerge(text, 'bad.json')).toThrow((expected as Error).message);
    }
  });
});

describe('bad version 2 input', () => {
  const good = (): ReportFileV2 => JSON.parse(JSON.stringify(encodeReport(bank()))) as ReportFileV2;
  const last = (list: readonly unknown[]) => list.length - 1;

  it('names an index out of range, and the table it indexes', () => {
    const file = good();
    expectProblem(
      { ...file, edges: [[0, 2, null, null, 1]] },
      '`edges[0][1]` must be an index into `locks` (0 to 1), got 2',
    );
    expectProblem(
      { ...file, edges: [file.edges[0], [0, 1, -1, null, 1]] },
      '`edges[1][2]` must be an index into `sites` (0 to 2), got -1',
    );
    expectProblem(
      { ...file, edges: [[0, 1, 0.5, null, 1]] },
      '`edges[0][2]` must be an index into `sites` (0 to 2), got 0.5',
    );
    expectProblem(
      { ...file, cycles: [{ ...file.cycles[0], locks: [[0, 99], file.cycles[0]!.locks[1]] }] },
      `\`cycles[0].locks[0][1]\` must be an index into \`strings\` (0 to ${last(file.strings)}), got 99`,
    );
    expectProblem(
      { ...file, longHolds: [[5, null, 1, 1]] },
      '`longHolds[0][0]` must be an index into `locks` (0 to 1), got 5',
    );
    expectProblem(
      {
        ...file,
        locks: [],
        edges: [[0, 0, null, null, 1]],
        cycles: [],
        deadlocks: [],
        longHolds: [],
        longWaits: [],
      },
      '`edges[0][0]` must be an index into `locks` (which is empty), got 0',
    );
  });

  it('names a tuple of the wrong arity or type', () => {
    const file = good();
    expectProblem(
      { ...file, edges: [[0, 1, null, null]] },
      '`edges[0]` must have 5 or 6 items, got 4',
    );
    expectProblem({ ...file, sites: [[0, 1]] }, '`sites[0]` must have 3 or 4 items, got 2');
    expectProblem(
      { ...file, locks: [[0, 1, 2, 3, 0, 0]] },
      '`locks[0]` must have 4 or 5 items, got 6',
    );
    expectProblem(
      { ...file, deadlocks: [{ locks: [[1, 0]], edges: [[1, 1, null]] }] },
      '`deadlocks[0].edges[0]` must have 4 items, got 3',
    );
    expectProblem(
      { ...file, edges: [{ from: 0, to: 1 }] },
      '`edges[0]` must be an array of 5 or 6 items, got an object',
    );
    expectProblem(
      { ...file, edges: [[0, 1, null, null, 0]] },
      '`edges[0][4]` must be a positive integer, got 0',
    );
    expectProblem(
      { ...file, edges: [[0, 1, null, null, 1, false]] },
      '`edges[0][5]` must be true when present, got false',
    );
    expectProblem(
      { ...file, sites: [[0, '3', 1]] },
      '`sites[0][1]` must be a non-negative number, got "3"',
    );
    expectProblem({ ...file, strings: ['a', 7] }, '`strings[1]` must be a string, got 7');
  });

  it('names a truncated table by the first entry that points past its end', () => {
    const file = good();
    const strings = file.strings.slice(0, 2);
    expectProblem(
      { ...file, strings },
      `\`sites[0][0]\` must be an index into \`strings\` (0 to 1), got ${file.sites[0]![0]}`,
    );
    expectProblem(
      { ...file, sites: [] },
      '`locks[0][4]` must be an index into `sites` (which is empty), got 0',
    );
    expectProblem({ ...file, strings: undefined }, '`strings` must be an array, got undefined');
  });

  it('names a repeated lock id and a missing table', () => {
    const file = good();
    expectProblem(
      { ...file, locks: [file.locks[0], file.locks[0]] },
      '`locks[1][0]` repeats lock id "L1"',
    );
    expectProblem({ ...file, sites: undefined }, '`sites` must be an array, got undefined');
  });

  it('reads truncated text as not JSON, as for version 1', () => {
    const text = formatReport(bank(), 'json');
    expect(() => parseReport(text.slice(0, text.length / 2), 'cut.json')).toThrow(
      /^cut\.json: not valid JSON \(/,
    );
  });
});

describe('docs/reports.md', () => {
  it('its version 2 example reads as its version 1 example, and is what formatReport writes', () => {
    const docs = readFileSync(new URL('../../../docs/reports.md', import.meta.url), 'utf8');
    const [v1, v2] = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const report = parseReport(v1!, 'v1 example');
    expect(JSON.parse(v2!)).toMatchObject({ version: 2 });
    expect(parseReport(v2!, 'v2 example')).toStrictEqual(report);
    expect(formatReport(report, 'json')).toBe(v2);
  });
});

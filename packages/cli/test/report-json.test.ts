import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReport, reportJsonChunks } from '@interlock/core';
import { bankReport, cleanReport, deadlockReport, HOSTILE_NAMES } from './reports.ts';

describe('reportJsonChunks', () => {
  const reports = [
    bankReport(),
    cleanReport(),
    deadlockReport(),
    bankReport('/r', [HOSTILE_NAMES[1]!, HOSTILE_NAMES[2]!]),
  ];

  it('concatenated, the chunks parse back to the report, whatever the chunk size and version (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...reports),
        fc.integer({ min: 1, max: 4096 }),
        fc.constantFrom<1 | 2>(1, 2),
        (report, chunkSize, version) => {
          const chunks = [...reportJsonChunks(report, { chunkSize, version })];
          expect(parseReport(chunks.join(''), 'chunks')).toEqual(report);
        },
      ),
    );
  });

  it('writes one lock, edge or finding per line and empty lists as [] (version 1)', () => {
    const text = [...reportJsonChunks(cleanReport(), { version: 1 })].join('');
    expect(text.split('\n').filter((line) => line.startsWith('    {"id"'))).toHaveLength(3);
    expect(text).toContain('  "cycles": [],\n');
    expect(text.endsWith('  "deadlocks": []\n}\n')).toBe(true);
  });

  it('writes one table entry, lock or edge per line (version 2, the default)', () => {
    const text = [...reportJsonChunks(cleanReport())].join('');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['{', '  "version": 2,', '  "strings": [']);
    // a → b → c: locks 0 → 1 and 1 → 2, the sites 10:3, 11:3 (shared by both edges), 12:3.
    expect(lines).toContain('  "edges": [');
    expect(lines).toContain('    [0,1,3,4,1],');
    expect(lines).toContain('    [1,2,4,5,2]');
    expect(text.endsWith('  "deadlocks": []\n}\n')).toBe(true);
  });

  it('never builds one string much larger than the chunk size', () => {
    const chunks = [...reportJsonChunks(bankReport(), { chunkSize: 256 })];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(256 + 600);
  });
});

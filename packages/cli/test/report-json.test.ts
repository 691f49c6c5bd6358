import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReport } from '@interlock/core';
import { reportJsonChunks } from '../src/report-json.ts';
import { bankReport, cleanReport, deadlockReport, HOSTILE_NAMES } from './reports.ts';

describe('reportJsonChunks', () => {
  const reports = [
    bankReport(),
    cleanReport(),
    deadlockReport(),
    bankReport('/r', [HOSTILE_NAMES[1]!, HOSTILE_NAMES[2]!]),
  ];

  it('concatenated, the chunks parse back to the report, whatever the chunk size (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...reports),
        fc.integer({ min: 1, max: 4096 }),
        (report, size) => {
          const chunks = [...reportJsonChunks(report, size)];
          expect(parseReport(chunks.join(''), 'chunks')).toEqual(report);
        },
      ),
    );
  });

  it('writes one lock, edge or finding per line and empty lists as []', () => {
    const text = [...reportJsonChunks(cleanReport())].join('');
    expect(text.split('\n').filter((line) => line.startsWith('    {"id"'))).toHaveLength(3);
    expect(text).toContain('  "cycles": [],\n');
    expect(text.endsWith('  "deadlocks": []\n}\n')).toBe(true);
  });

  it('never builds one string much larger than the chunk size', () => {
    const chunks = [...reportJsonChunks(bankReport(), 256)];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(256 + 600);
  });
});

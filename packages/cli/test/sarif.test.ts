import { createRequire } from 'node:module';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { mergeReports } from '@interlock/core';
import { RULES, renderSarif } from '../src/render/sarif.ts';
import {
  HOSTILE_NAMES,
  bankReport,
  cleanReport,
  deadlockReport,
  shard,
  site,
  temporaryDirectory,
  writeReport,
} from './reports.ts';
import { cli } from './run-cli.ts';

const require = createRequire(import.meta.url);
// The official SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's @microsoft/jest-sarif.
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// One pattern of the schema is invalid under the `u` flag; the schema predates it.
// Both are CommonJS modules whose `default` property is the export.
const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

function expectValid(log: Log): void {
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const results = (log: Log): Result[] => log.runs[0]!.results ?? [];

describe('sarif', () => {
  it('is valid SARIF 2.1.0 for a cycle, a deadlock with a long hold, a clean report and hostile names', () => {
    for (const report of [
      bankReport(),
      deadlockReport(),
      cleanReport(),
      bankReport('/repo', [HOSTILE_NAMES[0]!, HOSTILE_NAMES[1]!]),
    ]) {
      expectValid(renderSarif(report, { root: '/repo' }));
    }
  });

  it('the validator really checks: a log missing a required field fails', () => {
    const log = renderSarif(bankReport(), { root: '/repo' }) as unknown as {
      runs: { tool?: unknown }[];
    };
    delete log.runs[0]!.tool;
    expect(validate(log)).toBe(false);
  });

  it('one result per cycle, with ruleIds backed by tool.driver.rules', () => {
    const log = renderSarif(bankReport(), { root: '/repo' });
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    expect(results(log)).toHaveLength(1);
    const [result] = results(log);
    expect(result!.ruleId).toBe('lock-order-cycle');
    expect(run.tool.driver.rules![result!.ruleIndex!]!.id).toBe(result!.ruleId);
    expect(result!.level).toBe('error');
    expect(result!.message.text).toContain('"accounts" → "audit" → "accounts"');
  });

  it('locations are relative to the repository root through %SRCROOT%: the closing edge first, every other site related', () => {
    const log = renderSarif(bankReport('/work/repo'), { root: '/work/repo' });
    expect(log.runs[0]!.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/repo/' } });
    const [result] = results(log);
    const where = (location: NonNullable<Result['locations']>[number]): string =>
      `${location.physicalLocation!.artifactLocation!.uriBaseId} ${location.physicalLocation!.artifactLocation!.uri}:${location.physicalLocation!.region!.startLine}:${location.physicalLocation!.region!.startColumn}`;
    expect(result!.locations!.map(where)).toEqual([
      '%SRCROOT% src/bank.ts:27:24',
      '%SRCROOT% src/bank.ts:25:20',
    ]);
    expect(result!.relatedLocations!.map(where)).toEqual([
      '%SRCROOT% src/bank.ts:12:20',
      '%SRCROOT% src/bank.ts:14:22',
      '%SRCROOT% src/bank.ts:25:20',
      '%SRCROOT% src/bank.ts:27:24',
    ]);
    expect(result!.relatedLocations!.map((location) => location.id)).toEqual([1, 2, 3, 4]);
    expect(result!.relatedLocations![1]!.message!.text).toBe(
      '#0 "audit" requested here while "accounts" is held',
    );
  });

  it('a file outside the root gets an absolute file URI; odd characters are percent-encoded', () => {
    const report = bankReport('/elsewhere');
    const outside = results(renderSarif(report, { root: '/repo' }))[0]!.locations![0]!
      .physicalLocation!.artifactLocation!;
    expect(outside).toEqual({ uri: 'file:///elsewhere/src/bank.ts' });
    const spaced = results(renderSarif(bankReport('/repo/my dir#1'), { root: '/repo' }))[0]!
      .locations![0]!.physicalLocation!.artifactLocation!;
    expect(spaced).toEqual({ uri: 'my%20dir%231/src/bank.ts', uriBaseId: '%SRCROOT%' });
  });

  it('fingerprints are stable across checkouts, line shifts and the lock the cycle was entered by; distinct per cycle', () => {
    const fingerprint = (log: Log): unknown => results(log)[0]!.partialFingerprints;
    const here = fingerprint(renderSarif(bankReport('/home/a/repo'), { root: '/home/a/repo' }));
    const ciCheckout = fingerprint(
      renderSarif(bankReport('/runner/work/repo'), { root: '/runner/work/repo' }),
    );
    expect(ciCheckout).toEqual(here);

    const shifted = bankReport('/home/a/repo');
    const moved = {
      ...shifted,
      locks: shifted.locks.map((entry) => ({
        ...entry,
        site: site(entry.site!.file, entry.site!.line + 10, 1),
      })),
    };
    expect(fingerprint(renderSarif(moved, { root: '/home/a/repo' }))).toEqual(here);

    const rotated = {
      ...shifted,
      cycles: [
        {
          locks: [...shifted.cycles[0]!.locks].reverse(),
          edges: [...shifted.cycles[0]!.edges].reverse(),
        },
      ],
    };
    expect(fingerprint(renderSarif(rotated, { root: '/home/a/repo' }))).toEqual(here);

    const other = fingerprint(
      renderSarif(bankReport('/home/a/repo', ['accounts', 'ledger']), { root: '/home/a/repo' }),
    );
    expect(other).not.toEqual(here);
  });

  it('deadlocks and long holds get their own rules and warnings', () => {
    const log = renderSarif(deadlockReport(), { root: '/repo' });
    expect(results(log).map((result) => [result.ruleId, result.level])).toEqual([
      ['deadlock', 'error'],
      ['long-hold', 'warning'],
    ]);
    expect(results(log)[0]!.message.text).toContain('re-acquired');
  });

  it('a merged cycle across shards is valid SARIF', () => {
    expectValid(renderSarif(mergeReports([shard('a', 'b'), shard('b', 'a')]), { root: '/repo' }));
  });

  it('interlock report --format sarif --root writes it', async () => {
    const dir = temporaryDirectory();
    const input = writeReport(dir, 'bank.json', bankReport(dir));
    const result = await cli(['report', input, '--format', 'sarif', '--root', dir]);
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout) as Log;
    expectValid(log);
    expect(results(log)[0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({
      uri: 'src/bank.ts',
      uriBaseId: '%SRCROOT%',
    });
  });
});

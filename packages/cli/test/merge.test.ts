import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '@interlock/core';
import { cleanReport, shard, site, temporaryDirectory, writeReport } from './reports.ts';
import { cli } from './run-cli.ts';

describe('interlock merge', () => {
  it('finds a cycle split across two shards, writes one report and exits 1', async () => {
    const dir = temporaryDirectory();
    const one = writeReport(dir, 'shard-1.json', shard('a', 'b'));
    const two = writeReport(dir, 'shard-2.json', shard('b', 'a'));
    const result = await cli(['merge', one, two, '--output', 'merged.json'], { cwd: dir });
    expect(result).toEqual({ status: 1, stdout: '', stderr: '' });
    const merged = parseReport(readFileSync(path.join(dir, 'merged.json'), 'utf8'), 'merged.json');
    expect(merged.locks.map((lock) => lock.name)).toEqual(['a', 'b']);
    expect(merged.cycles).toHaveLength(1);
    expect(merged.cycles[0]!.locks.map((lock) => lock.name).sort()).toEqual(['a', 'b']);
    // The merged file renders like any report.
    expect((await cli(['report', 'merged.json'], { cwd: dir })).stdout).toContain(
      '1 lock-order cycle',
    );
  });

  it('exits 0 for clean shards and writes JSON to stdout without --output', async () => {
    const dir = temporaryDirectory();
    const result = await cli([
      'merge',
      writeReport(dir, '1.json', cleanReport()),
      writeReport(dir, '2.json', cleanReport()),
    ]);
    expect(result.status).toBe(0);
    const merged = parseReport(result.stdout, 'stdout');
    expect(merged.edges.map((edge) => edge.count)).toEqual([2, 4]);
  });

  it('merges reports whose sites for one key disagree (another commit): the first report wins', async () => {
    const dir = temporaryDirectory();
    const older = cleanReport();
    const newer = {
      ...cleanReport(),
      edges: cleanReport().edges.map((edge) => ({
        ...edge,
        holder: site('/repo/src/ok.ts', 99, 9),
      })),
      generatedAt: '2026-12-01T00:00:00.000Z',
    };
    const result = await cli([
      'merge',
      writeReport(dir, 'old.json', older),
      writeReport(dir, 'new.json', newer),
    ]);
    expect(result.status).toBe(0);
    const merged = parseReport(result.stdout, 'stdout');
    expect(merged.edges[0]!.holder).toEqual(older.edges[0]!.holder);
    expect(merged.generatedAt).toBeUndefined();
  });

  it('writes version 2 (or 1 with --report-version 1) and reads shards of either version', async () => {
    const dir = temporaryDirectory();
    const one = writeReport(dir, 'shard-1.json', shard('a', 'b'));
    const two = writeReport(dir, 'shard-2.json', shard('b', 'a'));
    const fromV1 = await cli(['merge', one, two]);
    expect(JSON.parse(fromV1.stdout)).toMatchObject({ version: 2 });
    // The same shards, one of them re-encoded as version 2: the same merged report.
    const twoV2 = writeReport(
      dir,
      'shard-2.v2.json',
      (await cli(['report', two, '-f', 'json'])).stdout,
    );
    const mixed = await cli(['merge', one, twoV2]);
    expect(mixed).toEqual({ ...fromV1 });
    const v1 = await cli(['merge', one, twoV2, '--report-version', '1']);
    expect(v1.status).toBe(1);
    expect(JSON.parse(v1.stdout)).toMatchObject({
      version: 1,
      locks: [{ id: 'K1' }, { id: 'K2' }],
    });
    expect(parseReport(v1.stdout, 'v1')).toEqual(parseReport(fromV1.stdout, 'v2'));
  });

  it('names the bad shard and writes nothing when one input is invalid', async () => {
    const dir = temporaryDirectory();
    const good = writeReport(dir, 'good.json', cleanReport());
    const bad = writeReport(dir, 'bad.json', '{"version": 1, "locks": [}');
    const result = await cli(['merge', good, bad, '-o', 'merged.json'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^interlock: .*bad\.json: not valid JSON \(.*\)\n$/);
    expect(() => readFileSync(path.join(dir, 'merged.json'))).toThrow(/ENOENT/);
  });

  it('refuses inputs that together exceed the merge limit (2.5 × --max-size)', async () => {
    const dir = temporaryDirectory();
    const files = [1, 2, 3, 4, 5].map((n) => writeReport(dir, `${n}.json`, cleanReport()));
    const size = readFileSync(files[0]!).length;
    const maxSize = ((size * 1.5) / 1024 / 1024).toFixed(6);
    const result = await cli(['merge', ...files, '--max-size', maxSize]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^interlock: 5 reports: together .* MiB, more than the .* MiB merge limit \(2\.5 × --max-size\)\n$/,
    );
  });

  it('refuses a --jobs that is not a whole number of threads', async () => {
    const dir = temporaryDirectory();
    const one = writeReport(dir, '1.json', cleanReport());
    for (const jobs of ['0', '1.5', 'many']) {
      const result = await cli(['merge', one, '--jobs', jobs]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /^interlock: option '-j, --jobs <threads>' argument '.*' is invalid\. expected a whole number of threads, 1 or more, got ".*"\n$/,
      );
    }
    expect((await cli(['merge', one, '--jobs', '3'])).status).toBe(0);
  });
});

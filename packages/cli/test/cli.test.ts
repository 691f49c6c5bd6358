import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseReport } from '@interlock/core';
import { checkCounts } from '../src/read-report.ts';
import { MAX_EDGES, MAX_LOCKS } from '../src/limits.ts';
import {
  bankReport,
  cleanReport,
  deadlockReport,
  temporaryDirectory,
  writeReport,
} from './reports.ts';
import { cli } from './run-cli.ts';

const exec = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/interlock.js');
// eslint-disable-next-line no-control-regex -- an ANSI escape is exactly what it looks for
const ANSI = /\u001b\[/;

describe('interlock report: exit codes', () => {
  it('exits 1 with a cycle, 0 when clean, 1 with only a deadlock', async () => {
    const dir = temporaryDirectory();
    expect((await cli(['report', writeReport(dir, 'bank.json', bankReport())])).status).toBe(1);
    expect((await cli(['report', writeReport(dir, 'clean.json', cleanReport())])).status).toBe(0);
    expect((await cli(['report', writeReport(dir, 'dead.json', deadlockReport())])).status).toBe(1);
  });

  it('reads .interlock/report.json by default', async () => {
    const dir = temporaryDirectory();
    mkdirSync(path.join(dir, '.interlock'));
    writeReport(path.join(dir, '.interlock'), 'report.json', cleanReport());
    const result = await cli(['report'], { cwd: dir });
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toContain('interlock: no lock-order cycles (3 locks, 2 edges)');
  });

  it('ends the text report with a one-line summary', async () => {
    const dir = temporaryDirectory();
    const { stdout } = await cli(['report', writeReport(dir, 'bank.json', bankReport())]);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      'interlock: 1 lock-order cycle, 0 deadlocks (2 locks, 2 edges)',
    );
    expect(stdout).toContain('WARNING: possible circular locking dependency detected');
  });

  it('json round-trips the report', async () => {
    const dir = temporaryDirectory();
    const report = bankReport();
    const { stdout } = await cli([
      'report',
      writeReport(dir, 'bank.json', report),
      '--format',
      'json',
    ]);
    expect(parseReport(stdout, 'stdout')).toEqual(report);
  });

  it('json is written as version 2, or as version 1 with --report-version 1', async () => {
    const dir = temporaryDirectory();
    const report = bankReport();
    const v1File = writeReport(dir, 'bank.json', report);
    const v2 = await cli(['report', v1File, '--format', 'json']);
    expect(Object.keys(JSON.parse(v2.stdout) as object).slice(0, 3)).toEqual([
      'version',
      'generatedAt',
      'strings',
    ]);
    expect(JSON.parse(v2.stdout)).toMatchObject({ version: 2 });
    // A version 2 file reads like the version 1 file it came from.
    const v2File = writeReport(dir, 'bank-v2.json', v2.stdout);
    expect((await cli(['report', v2File])).stdout).toBe((await cli(['report', v1File])).stdout);
    const v1 = await cli(['report', v2File, '--format', 'json', '--report-version', '1']);
    expect(JSON.parse(v1.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
    const bad = await cli(['report', v1File, '--format', 'json', '--report-version', '3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^interlock: option '--report-version <version>' argument '3' is invalid/,
    );
  });
});

describe('--help and --version on every command', () => {
  for (const command of [[], ['report'], ['merge']]) {
    it(`interlock ${command.join(' ')} --help / --version`, async () => {
      const help = await cli([...command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: interlock/);
      expect(help.stdout).toContain('Exit status: 0');
      const version = await cli([...command, '--version']);
      expect(version).toEqual({ status: 0, stdout: '0.1.0\n', stderr: '' });
    });
  }

  it('lists every format in report --help', async () => {
    const { stdout } = await cli(['report', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      '"text", "json", "dot", "mermaid", "sarif", "html"',
    );
  });
});

describe('bad input: exit 2, one line naming the file and the problem', () => {
  const dir = temporaryDirectory();
  const cases: [string, () => string[], RegExp][] = [
    [
      'a missing file',
      () => ['report', 'nope.json'],
      /^interlock: nope\.json: no such file or directory$/,
    ],
    ['a directory', () => ['report', dir], /: is a directory, not a report file$/],
    [
      'an empty file',
      () => ['report', writeReport(dir, 'empty.json', '')],
      /empty\.json: is empty, not a report$/,
    ],
    [
      'not JSON',
      () => ['report', writeReport(dir, 'text.json', 'hello\nworld')],
      /text\.json: not valid JSON \(/,
    ],
    [
      'a truncated report',
      () => ['report', writeReport(dir, 'cut.json', JSON.stringify(bankReport()).slice(0, 200))],
      /cut\.json: not valid JSON/,
    ],
    [
      'an unknown version',
      () => ['report', writeReport(dir, 'v3.json', { ...bankReport(), version: 3 } as never)],
      /v3\.json: unsupported report version 3 \(this interlock reads versions 1 and 2\)/,
    ],
    [
      'a schema-invalid report',
      () => [
        'report',
        writeReport(dir, 'bad.json', {
          ...bankReport(),
          edges: [{ from: 'L1', to: 'L9' }],
        }),
      ],
      /bad\.json: `edges\[0\]\.to` names lock "L9"/,
    ],
    ['an unknown flag', () => ['report', '--colour'], /^interlock: unknown option '--colour'/],
    [
      'an unknown format',
      () => ['report', '--format', 'xml'],
      /argument 'xml' is invalid\. Allowed choices are text, json, dot, mermaid, sarif, html/,
    ],
    ['an unknown command', () => ['render'], /^interlock: unknown command 'render'/],
    ['merge without files', () => ['merge'], /^interlock: missing required argument 'files'/],
    [
      'a bad --max-size',
      () => ['report', '--max-size', 'big'],
      /expected a positive number of MiB, got "big"/,
    ],
    [
      'a file over --max-size',
      () => ['report', writeReport(dir, 'big.json', bankReport()), '--max-size', '0.0001'],
      /big\.json: .* is larger than the 0\.00 MiB limit \(raise it with --max-size\)$/,
    ],
    [
      'a merge input that is missing',
      () => ['merge', writeReport(dir, 'one.json', cleanReport()), 'two.json'],
      /^interlock: two\.json: no such file or directory$/,
    ],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const result = await cli(argv(), { cwd: dir });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+\)?$/m);
    });
  }

  it('refuses a report with more locks or edges than the limits, naming them', () => {
    const many = {
      version: 1,
      locks: { length: MAX_LOCKS + 1 },
      edges: [],
      cycles: [],
      deadlocks: [],
    } as never;
    expect(() => checkCounts(many, 'huge.json')).toThrow(
      `huge.json: ${MAX_LOCKS + 1} locks, more than the ${MAX_LOCKS} limit`,
    );
    const edges = {
      version: 1,
      locks: [],
      edges: { length: MAX_EDGES + 1 },
      cycles: [],
      deadlocks: [],
    } as never;
    expect(() => checkCounts(edges, 'huge.json')).toThrow(
      `${MAX_EDGES + 1} edges, more than the ${MAX_EDGES} limit`,
    );
  });
});

describe('--output', () => {
  it('writes the file and nothing to stdout; exit status still says whether a cycle was found', async () => {
    const dir = temporaryDirectory();
    const result = await cli(
      [
        'report',
        writeReport(dir, 'bank.json', bankReport()),
        '-f',
        'dot',
        '-o',
        'out/../graph.dot',
      ],
      { cwd: dir },
    );
    expect(result).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(readFileSync(path.join(dir, 'graph.dot'), 'utf8')).toMatch(/^digraph interlock \{/);
  });

  it('an unwritable output exits 2 and leaves the old file whole and no temporary file behind', async () => {
    const dir = temporaryDirectory();
    const input = writeReport(dir, 'bank.json', bankReport());
    const locked = path.join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(path.join(locked, 'report.html'), 'previous');
    chmodSync(locked, 0o500);
    try {
      const result = await cli([
        'report',
        input,
        '-f',
        'html',
        '-o',
        path.join(locked, 'report.html'),
      ]);
      // root ignores permissions; then the write succeeds and the target is whole, never half.
      if (process.getuid?.() === 0) {
        expect(result.status).toBe(1);
        expect(readFileSync(path.join(locked, 'report.html'), 'utf8')).toMatch(/<\/html>\n$/);
      } else {
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/report\.html: cannot write: permission denied\n$/);
        expect(readFileSync(path.join(locked, 'report.html'), 'utf8')).toBe('previous');
      }
      expect(readdirSync(locked)).toEqual(['report.html']);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('an output path that is a directory or under a missing one exits 2 with one line, writing nothing', async () => {
    const dir = temporaryDirectory();
    const input = writeReport(dir, 'bank.json', bankReport());
    const intoDirectory = await cli(['report', input, '-o', dir]);
    expect(intoDirectory.status).toBe(2);
    expect(intoDirectory.stderr).toBe(`interlock: ${dir}: is a directory, not a file\n`);
    const missing = await cli(['report', input, '-o', 'no/such/dir/out.txt'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `interlock: ${path.join(dir, 'no/such/dir/out.txt')}: cannot write: ${path.join(dir, 'no/such/dir')} does not exist\n`,
    );
    const fileAsParent = await cli(['report', input, '-o', 'bank.json/out.txt'], { cwd: dir });
    expect(fileAsParent.status).toBe(2);
    expect(fileAsParent.stderr).toMatch(
      /bank\.json\/out\.txt: cannot write: a parent of this path is not a directory\n$/,
    );
    expect(readdirSync(dir)).toEqual(['bank.json']);
  });
});

describe('colour', () => {
  const colourRun = async (env: NodeJS.ProcessEnv, isTTY: boolean): Promise<string> => {
    const dir = temporaryDirectory();
    return (await cli(['report', writeReport(dir, 'bank.json', bankReport())], { env, isTTY }))
      .stdout;
  };

  it('colours text on a terminal only', async () => {
    expect(await colourRun({}, true)).toMatch(ANSI);
    expect(await colourRun({}, false)).not.toMatch(ANSI);
  });

  it('NO_COLOR turns it off, also over FORCE_COLOR; FORCE_COLOR turns it on when piped', async () => {
    expect(await colourRun({ NO_COLOR: '1' }, true)).not.toMatch(ANSI);
    expect(await colourRun({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).not.toMatch(ANSI);
    expect(await colourRun({ FORCE_COLOR: '1' }, false)).toMatch(ANSI);
    expect(await colourRun({ FORCE_COLOR: '0' }, true)).not.toMatch(ANSI);
  });

  it('never colours a file or another format', async () => {
    const dir = temporaryDirectory();
    const input = writeReport(dir, 'bank.json', bankReport());
    await cli(['report', input, '-o', 'out.txt'], {
      cwd: dir,
      isTTY: true,
      env: { FORCE_COLOR: '1' },
    });
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).not.toMatch(ANSI);
    expect(
      (await cli(['report', input, '-f', 'dot'], { isTTY: true, env: { FORCE_COLOR: '1' } }))
        .stdout,
    ).not.toMatch(ANSI);
  });
});

describe('the interlock executable', () => {
  const node = process.execPath;

  it('prints one line and no stack for bad input, exit 2', async () => {
    const error = await exec(node, [BIN, 'report', 'missing.json'], {
      cwd: temporaryDirectory(),
    }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'interlock: missing.json: no such file or directory\n',
    });
  });

  it('exits 1 on a cycle and writes the report to stdout, uncoloured when piped', async () => {
    const dir = temporaryDirectory();
    const input = writeReport(dir, 'bank.json', bankReport());
    const error = await exec(node, [BIN, 'report', input], {
      env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined },
    }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 1, stderr: '' });
    expect((error as { stdout: string }).stdout).toContain('*** DEADLOCK ***');
    expect((error as { stdout: string }).stdout).not.toMatch(ANSI);
  });

  it('exits 0 on a clean report', async () => {
    const dir = temporaryDirectory();
    const { stdout } = await exec(node, [
      BIN,
      'report',
      writeReport(dir, 'ok.json', cleanReport()),
    ]);
    expect(stdout).toContain('interlock: no lock-order cycles');
  });
});

/**
 * `node --import @interlock/primitives/register`: the plain style is tracked outside vitest, with
 * Node's own type stripping, with `--experimental-transform-types` (the hook strips and chains the
 * maps), and for CommonJS; every site is the exact original line and column.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport, type LockGraphReport, type Site } from '@interlock/core';
import { describe, expect, it } from 'vitest';

const register = fileURLToPath(new URL('../src/register.ts', import.meta.url));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/register/${name}`, import.meta.url));

/** Runs `file` with Node (with the hook unless `hooked` is false) and the given flags. */
function runApp(
  file: string,
  flags: readonly string[] = [],
  hooked = true,
  extraEnv: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...extraEnv };
  // The parent is a vitest worker: its variables must not reach the child.
  for (const key of Object.keys(env))
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS') delete env[key];
  const hook = hooked ? ['--import', register] : [];
  return new Promise((resolve) => {
    execFile(process.execPath, [...flags, ...hook, file], { env }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
    });
  });
}

/** 1-based position of the `occurrence`-th `needle` in `file`. */
function positionOf(file: string, needle: string, occurrence: number): Site {
  const lines = readFileSync(file, 'utf8').split('\n');
  let seen = 0;
  for (const [index, text] of lines.entries()) {
    for (
      let column = text.indexOf(needle);
      column !== -1;
      column = text.indexOf(needle, column + 1)
    ) {
      if (++seen === occurrence) return { file, line: index + 1, column: column + 1 };
    }
  }
  throw new Error(`${needle} #${occurrence} not in ${file}`);
}

function withoutFunction(site: Site | undefined): Site | undefined {
  return site === undefined ? undefined : { file: site.file, line: site.line, column: site.column };
}

function expectCycleAt(report: LockGraphReport, file: string): void {
  expect(report.cycles).toHaveLength(1);
  expect(report.cycles[0]?.locks.map((lock) => lock.name).sort()).toEqual(['accounts', 'ledger']);
  const outer = positionOf(file, 'acquire', 1);
  const inner = positionOf(file, 'acquire', 2);
  for (const edge of report.edges) {
    expect(withoutFunction(edge.acquirer)).toEqual(inner);
    if (edge.holder !== undefined) expect(withoutFunction(edge.holder)).toEqual(outer);
  }
}

describe('@interlock/primitives/register', () => {
  it('tracks the plain style in an ES module TypeScript file (Node strips the types), sites exact', async () => {
    const file = fixture('app.ts');
    const run = await runApp(file);
    expect(run.status, run.stderr).toBe(0);
    expectCycleAt(parseReport(run.stdout, file), file);
  });

  it('with --experimental-transform-types strips the types itself and keeps positions exact', async () => {
    const file = fixture('enum-app.ts');
    const run = await runApp(file, ['--experimental-transform-types', '--no-warnings']);
    expect(run.status, run.stderr).toBe(0);
    expectCycleAt(parseReport(run.stdout, file), file);
  });

  it('tracks the plain style in CommonJS', async () => {
    const file = fixture('app.cts');
    const run = await runApp(file);
    expect(run.status, run.stderr).toBe(0);
    expectCycleAt(parseReport(run.stdout, file), file);
  });

  it('without the hook the same program sees no edge (the plain style is anonymous)', async () => {
    const file = fixture('app.ts');
    const run = await runApp(file, [], false);
    expect(run.status, run.stderr).toBe(0);
    const report = parseReport(run.stdout, file);
    expect(report.edges).toEqual([]);
    expect(report.cycles).toEqual([]);
  });
});

describe('@interlock/primitives/register and node_modules', () => {
  /** A throwaway project: node_modules/nest-lib nests two locks in the plain style. */
  function project(): string {
    const root = mkdtempSync(join(tmpdir(), 'interlock-register-'));
    const lib = join(root, 'node_modules', 'nest-lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(
      join(lib, 'package.json'),
      JSON.stringify({ name: 'nest-lib', type: 'module', exports: './index.js' }),
    );
    writeFileSync(
      join(lib, 'index.js'),
      'export async function nest(a, b) {\n  await a.acquire();\n  await b.acquire();\n  ' +
        'b.release();\n  a.release();\n}\n',
    );
    const primitives = new URL('../src/index.ts', import.meta.url).href;
    writeFileSync(
      join(root, 'app.mjs'),
      `import { detector, Lock } from ${JSON.stringify(primitives)};\nimport { nest } from 'nest-lib';\n` +
        "detector.enable({ onCycle: 'record' });\nconst a = new Lock({ name: 'a' });\nconst b " +
        "= new Lock({ name: 'b' });\n" +
        'await nest(a, b);\nawait nest(b, ' +
        'a);\nprocess.stdout.write(JSON.stringify(detector.snapshot()));\n',
    );
    return join(root, 'app.mjs');
  }

  it('leaves dependencies alone by default: their plain-style holds stay anonymous', async () => {
    const app = project();
    const run = await runApp(app);
    expect(run.status, run.stderr).toBe(0);
    expect(parseReport(run.stdout, app).cycles).toEqual([]);
  });

  it('instruments the packages named in INTERLOCK_INSTRUMENT_PACKAGES', async () => {
    const app = project();
    const run = await runApp(app, [], true, { INTERLOCK_INSTRUMENT_PACKAGES: 'other, nest-lib' });
    expect(run.status, run.stderr).toBe(0);
    expect(parseReport(run.stdout, app).cycles).toHaveLength(1);
  });
});

/**
 * Issue 9: what source instrumentation costs at load time, per 1,000 lines: the transform
 * (oxc parse + walk + magic-string edit + boundary source map) against the parse alone, which any
 * instrumenting tool pays, in the same run. One op = one 1,000-line TypeScript module.
 */
import type { BenchCase } from '../harness.ts';

type ParseSync = (file: string, code: string, options?: { lang?: 'ts' }) => unknown;
type InstrumentSource = (code: string, file: string, options?: { nameLocks?: boolean }) => unknown;

/** A 1,000-line module: functions of ten lines, one awaited acquire in every other function. */
export function thousandLines(): string {
  const lines: string[] = [
    "import { Lock } from '@interlock/primitives';",
    'const lock: Lock = new Lock();',
  ];
  for (let index = 0; lines.length + 10 <= 1000; index++) {
    lines.push(
      `export async function step${index}(input: number[]): Promise<number> {`,
      '  let total = 0;',
      index % 2 === 0 ? '  await lock.acquire();' : '  await Promise.resolve();',
      '  try {',
      '    for (const value of input) total += value * 2;',
      `    return total + ${index};`,
      '  } finally {',
      index % 2 === 0 ? '    lock.release();' : '    total = 0;',
      '  }',
      '}',
    );
  }
  while (lines.length < 1000) lines.push('// padding');
  return lines.join('\n');
}

/**
 * The same module written with async-mutex: every tenth line creates a named lock (a module
 * constant, a local or a class field), so the naming walk has 149 constructions to name.
 */
export function thousandAsyncMutexLines(): string {
  return thousandLines()
    .replace(
      "import { Lock } from '@interlock/primitives';\nconst lock: Lock = new Lock();",
      "import { Mutex } from 'async-mutex';\nconst lock = new Mutex();",
    )
    .replaceAll('  let total = 0;', '  let total = 0; const local = new Mutex();')
    .replaceAll('    total = 0;', '    total = 0; class Holder { lock = new Mutex(); }');
}

export async function transformCases(): Promise<BenchCase[]> {
  const { parseSync } = (await import('oxc-parser')) as { parseSync: ParseSync };
  const { instrumentSource } = (await import(
    new URL('../../src/transform/index.ts', import.meta.url).href
  )) as { instrumentSource: InstrumentSource };
  const code = thousandLines();
  const noAcquire = code.replaceAll('acquire', 'obtain');
  const asyncMutex = thousandAsyncMutexLines();
  return [
    {
      name: 'transform: 1,000 lines, naming async-mutex locks',
      measures:
        'instrumentSource with nameLocks (what @interlock/vitest runs) on a 1,000-line module ' +
        'that creates 149 async-mutex locks and awaits 50 acquires, vs the same call without ' +
        'nameLocks: the cost of the naming walk and its edits.',
      ours: {
        label: 'instrumentSource, nameLocks',
        run: (ops) =>
          void repeat(ops, () =>
            instrumentSource(asyncMutex, '/app/src/module.ts', { nameLocks: true }),
          ),
      },
      baseline: {
        label: 'instrumentSource, no naming',
        run: (ops) => void repeat(ops, () => instrumentSource(asyncMutex, '/app/src/module.ts')),
      },
    },
    {
      name: 'transform: 1,000 lines',
      measures:
        'instrumentSource on a 1,000-line TypeScript module with 50 awaited acquires (parse + ' +
        'walk + edit + boundary map) vs oxc-parser parsing it alone.',
      ours: {
        label: 'instrumentSource (1,000 lines)',
        run: (ops) => void repeat(ops, () => instrumentSource(code, '/app/src/module.ts')),
      },
      baseline: {
        label: 'parseSync alone (1,000 lines)',
        run: (ops) => void repeat(ops, () => parseSync('/app/src/module.ts', code, { lang: 'ts' })),
      },
    },
    {
      name: 'transform: 1,000 lines, no acquire',
      measures:
        'A 1,000-line module that never says "acquire" is skipped before parsing: ' +
        'instrumentSource vs oxc-parser parsing it.',
      ours: {
        label: 'instrumentSource, skipped',
        run: (ops) => void repeat(ops, () => instrumentSource(noAcquire, '/app/src/module.ts')),
      },
      baseline: {
        label: 'parseSync (1,000 lines)',
        run: (ops) =>
          void repeat(ops, () => parseSync('/app/src/module.ts', noAcquire, { lang: 'ts' })),
      },
    },
  ];
}

function repeat(ops: number, fn: () => unknown): void {
  for (let i = 0; i < ops; i++) fn();
}

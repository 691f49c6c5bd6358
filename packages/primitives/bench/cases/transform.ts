/**
 * Issue 9: what source instrumentation costs at load time, per 1,000 lines: the transform
 * (oxc parse + walk + magic-string edit + boundary source map) against the parse alone, which any
 * instrumenting tool pays, in the same run. One op = one 1,000-line TypeScript module.
 */
import type { BenchCase } from '../harness.ts';

type ParseSync = (file: string, code: string, options?: { lang?: 'ts' }) => unknown;
type InstrumentSource = (code: string, file: string) => unknown;

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

export async function transformCases(): Promise<BenchCase[]> {
  const { parseSync } = (await import('oxc-parser')) as { parseSync: ParseSync };
  const { instrumentSource } = (await import(
    new URL('../../src/transform/index.ts', import.meta.url).href
  )) as { instrumentSource: InstrumentSource };
  const code = thousandLines();
  const noAcquire = code.replaceAll('acquire', 'obtain');
  return [
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

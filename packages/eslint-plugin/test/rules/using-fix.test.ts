import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Lock } from '@interlock/primitives';
import rule from '../../src/rules/no-unmanaged-acquire.ts';
import { fixturesDir } from './rule-tester.ts';

// The `using` suggestion must give code that compiles and that holds the lock over exactly the
// statements the original held it over. Each case is the body of `run(lock, log)`: it logs
// `lock.locked` at marked points; the original and the rewritten body must log the same.

const header = `import { Lock } from '@interlock/primitives';
const lock = new Lock();
export async function run(log: string[]) {
`;

/** Applies the first suggestion of every report, one report at a time. */
function suggested(body: string, options: unknown[] = [{ preferUsing: true }]): string[] {
  const code = `${header}${body}}\n`;
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { interlock: { rules: { 'no-unmanaged-acquire': rule as never } } },
        rules: { 'interlock/no-unmanaged-acquire': ['error', ...options] as Linter.RuleEntry },
      },
    ],
    'file.ts',
  );
  expect(messages.filter((message) => message.fatal)).toEqual([]);
  return messages.flatMap((message) => {
    const fix = message.suggestions?.[0]?.fix;
    return fix ? [code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1])] : [];
  });
}

/** Type errors of a module checked against the contract's API (the fixture project's stand-ins). */
function typeErrors(code: string): string[] {
  const configPath = join(fixturesDir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!parsed) throw new Error('fixture tsconfig unreadable');
  const virtual = join(fixturesDir, 'using-fix-output.ts');
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    name === virtual ? ts.createSourceFile(name, code, language) : getSourceFile(name, language);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === virtual || fileExists(name);
  const program = ts.createProgram([virtual], parsed.options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(virtual))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

/** Runs the body of `run` (plain JavaScript by construction) on a real Lock, returning its log. */
async function execute(module: string): Promise<string[]> {
  const start = module.indexOf(header) + header.length;
  const body = module.slice(start, module.lastIndexOf('}'));
  const log: string[] = [];
  await new AsyncFunction('lock', 'log', body)(new Lock(), log);
  return log;
}

const cases: { name: string; body: string; options?: unknown[] }[] = [
  {
    name: 'try/finally as the last statement of the block (unwrapped)',
    body: `  await lock.acquire();
  try {
    log.push(\`in \${lock.locked}\`);
  } finally {
    lock.release();
  }
`,
  },
  {
    name: 'try/finally followed by a second acquire (own block: not held over the rest)',
    body: `  await lock.acquire();
  try {
    log.push(\`first \${lock.locked}\`);
  } finally {
    lock.release();
  }
  log.push(\`between \${lock.locked}\`);
  await lock.acquire();
  try {
    log.push(\`second \${lock.locked}\`);
  } finally {
    lock.release();
  }
  log.push(\`end \${lock.locked}\`);
`,
  },
  {
    name: 'guard binding, statements after the try',
    body: `  const g = await lock.acquire();
  try {
    log.push(\`in \${lock.locked}\`);
  } finally {
    g.release();
  }
  log.push(\`after \${lock.locked}\`);
`,
  },
  {
    name: 'acquire inside the try, statements after it',
    body: `  try {
    await lock.acquire();
    log.push(\`in \${lock.locked}\`);
  } finally {
    lock.release();
  }
  log.push(\`after \${lock.locked}\`);
`,
    options: [],
  },
  {
    name: 'a template literal spanning lines in the body (its text must not be re-indented)',
    body: `  await lock.acquire();
  try {
    log.push(\`first line
    second line \${lock.locked}\`);
  } finally {
    lock.release();
  }
`,
  },
  {
    name: 'tab-indented code',
    body: `\tawait lock.acquire();
\ttry {
\t\tlog.push(\`in \${lock.locked}\`);
\t} finally {
\t\tlock.release();
\t}
\tlog.push(\`after \${lock.locked}\`);
`,
  },
  {
    // `sort` is not among the calls that cannot throw: without it, acquire, push and release
    // would be a managed hold with nothing to suggest.
    name: 'trailing release',
    body: `  await lock.acquire();
  log.push(\`in \${lock.locked}\`);
  log.sort();
  lock.release();
`,
    options: [],
  },
];

describe('no-unmanaged-acquire: the using suggestion', () => {
  for (const { name, body, options } of cases) {
    it(`${name}: compiles and holds the lock over the same statements`, async () => {
      const original = `${header}${body}}\n`;
      const outputs = suggested(body, options);
      expect(outputs.length).toBeGreaterThan(0);
      const expected = await execute(original);
      for (const output of outputs) {
        expect(output).toContain('using ');
        expect(typeErrors(output)).toEqual([]);
        expect(await execute(output)).toEqual(expected);
      }
    });
  }

  it('keeps the indentation the code is written with', () => {
    const [output] = suggested(`\tawait lock.acquire();
\ttry {
\t\tlog.push('in');
\t} finally {
\t\tlock.release();
\t}
`);
    expect(output).toContain(`\n\tusing guard = await lock.acquire();\n\tlog.push('in');\n}`);
  });

  it('keeps the comments around the body', () => {
    const [output] = suggested(`  await lock.acquire();
  try {
    // why we hold it
    log.push('in'); // the work
  } finally {
    lock.release();
  }
  log.push('after');
`);
    expect(output).toContain(`  {
    using guard = await lock.acquire();
    // why we hold it
    log.push('in'); // the work
  }
  log.push('after');`);
  });

  it('offers nothing when the guard name is still used after the try', () => {
    expect(
      suggested(`  const g = await lock.acquire();
  try {
    log.push('in');
  } finally {
    g.release();
  }
  log.push(String(g.released));
`),
    ).toEqual([]);
  });

  it('offers nothing when the try body releases the lock itself', () => {
    expect(
      suggested(`  await lock.acquire();
  try {
    lock.release();
    await lock.acquire();
  } finally {
    lock.release();
  }
`),
    ).toEqual([]);
  });

  it('the type check sees a broken rewrite', () => {
    expect(typeErrors(`${header}  using g = 1;\n}\n`)).not.toEqual([]);
  });
});

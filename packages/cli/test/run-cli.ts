/** Runs the CLI in-process with captured output. */
import { run } from '../src/cli.ts';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly isTTY?: boolean;
}

export async function cli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await run(argv, {
    stdout: {
      isTTY: options.isTTY ?? false,
      hasColors: () => true,
      write: (text: string) => (stdout += text),
    },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { status, stdout, stderr };
}

/**
 * The `interlock` command line: `report` renders a report file, `merge` unions several. Parsing
 * is commander's; this module maps outcomes to exit codes (0 clean, 1 findings, 2 bad usage or
 * input) and every failure to one line on stderr.
 */
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ReportFormatError, reportJsonChunks, type LockGraphReport } from '@interlock/core';
import { wantsColor, type ColorTarget } from './color.ts';
import { CliError, ReportTooLargeError } from './errors.ts';
import { DEFAULT_MAX_BYTES, MERGE_TOTAL_FACTOR } from './limits.ts';
import { defaultJobs, mergeFiles, type MergeInput } from './merge-files.ts';
import { checkCounts, fileSize, mebibytes, readReport } from './read-report.ts';
import { FORMATS, render, type Format } from './render/index.ts';
import { findRepositoryRoot } from './repository-root.ts';
import { VERSION } from './version.ts';
import { writeAtomically } from './write-output.ts';

/** Exit statuses, as documented in docs/cli.md. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Where the CLI reads its environment and writes its output; `process` by default. */
export interface CliIO {
  readonly stdout: ColorTarget & { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The default report file, as the vitest integration writes it. */
export const DEFAULT_REPORT = '.interlock/report.json';

interface ReportOptions {
  readonly format: Format;
  readonly output?: string;
  readonly root?: string;
  readonly maxSize: number;
  readonly reportVersion: (typeof REPORT_VERSIONS)[number];
}

interface MergeOptions {
  readonly output?: string;
  readonly maxSize: number;
  readonly jobs: number;
  readonly reportVersion: (typeof REPORT_VERSIONS)[number];
}

/** Collapses a message to one printable line (file names and parser snippets may hold breaks). */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}+/gu, ' ').trim();
}

function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new InvalidArgumentError(`expected a whole number of threads, 1 or more, got "${value}"`);
  }
  return jobs;
}

function parseMaxSize(value: string): number {
  const mebibytes = Number(value);
  if (!Number.isFinite(mebibytes) || mebibytes <= 0) {
    throw new InvalidArgumentError(`expected a positive number of MiB, got "${value}"`);
  }
  return Math.floor(mebibytes * 1024 * 1024);
}

/** The "Exit status" paragraph ending each command's --help. */
function exitStatus(findings: string): string {
  return `\nExit status: 0 no cycle or deadlock, 1 ${findings}, 2 bad usage or input.`;
}

/** `--version`, `--help` and the exit-status help text, the same on every command. */
function standardOptions(command: Command, helpAfter: string): Command {
  return command
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', helpAfter);
}

function hasFindings(report: LockGraphReport): boolean {
  return report.cycles.length > 0 || report.deadlocks.length > 0;
}

/**
 * `--report-version`: the report file version that JSON output is written in. 2 (the default) is
 * the compact format; 1 is for tools that read only version 1 (docs/reports.md).
 */
const REPORT_VERSIONS = ['1', '2'] as const;

function reportVersionOption(): Option {
  return new Option('--report-version <version>', 'write report JSON as version 2 or 1')
    .choices(REPORT_VERSIONS)
    .default('2');
}

function maxSizeOption(): Option {
  return new Option('--max-size <MiB>', 'refuse report files larger than this')
    .argParser(parseMaxSize)
    .default(DEFAULT_MAX_BYTES, `${DEFAULT_MAX_BYTES / 1024 / 1024}`);
}

/**
 * Runs the CLI and resolves to its exit status. Never throws and never prints a stack.
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2));
 * ```
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let status = EXIT_CLEAN;
  const emit = async (
    content: string | Iterable<string>,
    output: string | undefined,
  ): Promise<void> => {
    if (output !== undefined) await writeAtomically(path.resolve(io.cwd, output), content);
    else
      for (const chunk of typeof content === 'string' ? [content] : content) io.stdout.write(chunk);
  };
  const program = new Command('interlock')
    .description('Render and merge interlock lock-order reports.')
    .showSuggestionAfterError();
  standardOptions(program, `${exitStatus('a cycle or deadlock was found')}\nDocs: docs/cli.md`);
  configure(program, io);

  const report = program
    .command('report')
    .description('render a report as text, json, dot, mermaid, sarif or html')
    .argument('[file]', 'the report to read', DEFAULT_REPORT)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'),
    )
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option(
      '--root <dir>',
      'repository root that sarif and html paths are relative to ' +
        '(default: the enclosing git repository)',
    )
    .addOption(reportVersionOption())
    .addOption(maxSizeOption());
  standardOptions(report, exitStatus('a cycle or deadlock was found')).action(
    async (file: string, options: ReportOptions) => {
      const report = await readReport(path.resolve(io.cwd, file), file, {
        maxBytes: options.maxSize,
      });
      const root =
        options.root === undefined
          ? findRepositoryRoot(io.cwd)
          : path.resolve(io.cwd, options.root);
      const color =
        options.output === undefined && options.format === 'text' && wantsColor(io.stdout, io.env);
      await emit(
        render(report, options.format, {
          cwd: io.cwd,
          root,
          color,
          source: file,
          reportVersion: Number(options.reportVersion) as 1 | 2,
        }),
        options.output,
      );
      status = hasFindings(report) ? EXIT_FINDINGS : EXIT_CLEAN;
    },
  );

  const merge = program
    .command('merge')
    .description('union reports of several processes or shards and find cycles across them')
    .argument('<files...>', 'the reports to merge')
    .option(
      '-o, --output <file>',
      'write the merged report to this file (atomically) instead of stdout',
    )
    .addOption(reportVersionOption())
    .addOption(maxSizeOption())
    .addOption(
      new Option('-j, --jobs <threads>', 'read this many reports at once, in worker threads')
        .argParser(parseJobs)
        .default(defaultJobs(), 'the number of idle CPUs: CPUs less the load average'),
    );
  standardOptions(merge, exitStatus('the merged report holds a cycle or deadlock')).action(
    async (files: string[], options: MergeOptions) => {
      const inputs: MergeInput[] = [];
      let total = 0;
      for (const file of files) {
        const resolved = path.resolve(io.cwd, file);
        const size = await fileSize(resolved, file);
        inputs.push({ file: resolved, label: file, size });
        total += size;
      }
      const limit = options.maxSize * MERGE_TOTAL_FACTOR;
      if (total > limit) {
        throw new ReportTooLargeError(
          `${files.length} reports`,
          `together ${mebibytes(total)}, more than the ${mebibytes(limit)} merge limit (${MERGE_TOTAL_FACTOR} × --max-size)`,
        );
      }
      const union = await mergeFiles(inputs, { maxBytes: options.maxSize, jobs: options.jobs });
      const merged = union.merged();
      checkCounts(merged, 'merged report');
      await emit(
        reportJsonChunks(merged, { version: Number(options.reportVersion) as 1 | 2 }),
        options.output,
      );
      status = hasFindings(merged) ? EXIT_FINDINGS : EXIT_CLEAN;
    },
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR;
    }
    io.stderr.write(`interlock: ${oneLine(describe(error))}\n`);
    return EXIT_ERROR;
  }
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

function describe(error: unknown): string {
  if (error instanceof CliError || error instanceof ReportFormatError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message} (a bug in interlock: please report it with the report file)`;
}

function configure(program: Command, io: CliIO): void {
  program.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => write(`interlock: ${oneLine(text.replace(/^error: /, ''))}\n`),
  });
}

/**
 * The CLI's own failures. Each becomes one line on stderr and exit status 2; none is ever shown
 * with a stack. Report-content problems reuse core's `ReportFormatError`.
 */

/** Why the CLI could not do what it was asked, in one line that names the file. */
export abstract class CliError extends Error {
  /** Stable and specific to the failure (listed in docs/cli.md). */
  abstract readonly code: `ERR_INTERLOCK_${string}`;
}

/** A report file could not be read: missing, a directory, unreadable or over the size limit. */
export class ReportInputError extends CliError {
  readonly code = 'ERR_INTERLOCK_REPORT_INPUT' as const;
  override readonly name = 'ReportInputError';
  /** The file that was being read. */
  readonly fileName: string;

  constructor(fileName: string, problem: string, options?: ErrorOptions) {
    super(`${fileName}: ${problem}`, options);
    this.fileName = fileName;
  }
}

/** A report is well-formed but larger than the CLI renders (see `limits.ts`). */
export class ReportTooLargeError extends CliError {
  readonly code = 'ERR_INTERLOCK_REPORT_TOO_LARGE' as const;
  override readonly name = 'ReportTooLargeError';
  /** The file that was being read. */
  readonly fileName: string;

  constructor(fileName: string, problem: string) {
    super(`${fileName}: ${problem}`);
    this.fileName = fileName;
  }
}

/** The output file could not be written; nothing was left behind. */
export class OutputError extends CliError {
  readonly code = 'ERR_INTERLOCK_OUTPUT' as const;
  override readonly name = 'OutputError';
  /** The file that was being written. */
  readonly fileName: string;

  constructor(fileName: string, problem: string, options?: ErrorOptions) {
    super(`${fileName}: ${problem}`, options);
    this.fileName = fileName;
  }
}

/** A node `errno` code in words, for one-line messages (`ENOENT` → "no such file or directory"). */
export function describeSystemError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

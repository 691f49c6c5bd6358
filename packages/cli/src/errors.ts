/**
 * The CLI's own failures. Each becomes one line on stderr and exit status 2; none is ever shown
 * with a stack. Report-content problems reuse core's `ReportFormatError`.
 */
import { InterlockError } from '@interlock/core';

/** Why the CLI could not do what it was asked, in one line that names the file. */
export abstract class CliError extends InterlockError {}

/** A failure about one file; the message starts with the file's name. */
abstract class FileError extends CliError {
  /** The file that was being read or written, as the user named it. */
  readonly fileName: string;

  constructor(fileName: string, problem: string, options?: ErrorOptions) {
    super(`${fileName}: ${problem}`, options);
    this.fileName = fileName;
  }
}

/** A report file could not be read: missing, a directory, empty or unreadable. */
export class ReportInputError extends FileError {
  readonly code = 'ERR_INTERLOCK_REPORT_INPUT' as const;
  override readonly name = 'ReportInputError';
}

/** A report is larger than the CLI reads (see `limits.ts`): by bytes, locks or edges. */
export class ReportTooLargeError extends FileError {
  readonly code = 'ERR_INTERLOCK_REPORT_TOO_LARGE' as const;
  override readonly name = 'ReportTooLargeError';
}

/** The output file could not be written; nothing was left behind. */
export class OutputError extends FileError {
  readonly code = 'ERR_INTERLOCK_OUTPUT' as const;
  override readonly name = 'OutputError';
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

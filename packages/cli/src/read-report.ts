/**
 * Reading report files: every way a file can be unusable becomes one typed error that names the
 * file and the problem, before any output is produced.
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  parseReport,
  parseReportForMerge,
  type LockGraphReport,
  type PackedReport,
} from '@interlock/core';
import { ReportInputError, ReportTooLargeError, describeSystemError } from './errors.ts';
import { MAX_EDGES, MAX_LOCKS } from './limits.ts';

/** Limits a read obeys. */
export interface ReadLimits {
  /** Largest file read, in bytes. */
  readonly maxBytes: number;
}

/** A size for messages: `12 MiB`, or `0.05 MiB` below one. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/**
 * Reads and validates one report file.
 * @param file - the path to read.
 * @param label - how messages name the file (the path as the user typed it).
 * @throws {ReportInputError} missing, a directory, unreadable.
 * @throws {ReportTooLargeError} larger than `limits.maxBytes`, or more locks/edges than allowed.
 * @throws {ReportFormatError} (from core) not JSON, unknown version, or a field is wrong.
 */
export async function readReport(
  file: string,
  label: string,
  limits: ReadLimits,
): Promise<LockGraphReport> {
  const text = await readText(file, label, limits.maxBytes);
  const report = parseReport(text, label);
  checkCounts(report, label);
  return report;
}

/**
 * Reads and validates one report file for `interlock merge`: as {@link readReport}, but a
 * version 2 file's edges stay tuples (core's `parseReportForMerge`), which the union folds
 * without building an object per edge.
 */
export async function readReportForMerge(
  file: string,
  label: string,
  limits: ReadLimits,
): Promise<LockGraphReport | PackedReport> {
  const text = await readText(file, label, limits.maxBytes);
  const read = parseReportForMerge(text, label);
  checkCounts('sites' in read ? { locks: read.report.locks, edges: read.edges } : read, label);
  return read;
}

/**
 * The size of a file, checked before anything is read, so that a directory or an oversized file
 * is refused without allocating.
 */
export async function fileSize(file: string, label: string): Promise<number> {
  const handle = await openReport(file, label);
  try {
    return await sizeOf(handle, label);
  } finally {
    await handle.close();
  }
}

async function openReport(file: string, label: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw new ReportInputError(label, describeSystemError(error), { cause: error });
  }
}

async function sizeOf(handle: FileHandle, label: string): Promise<number> {
  const stats = await handle.stat();
  if (stats.isDirectory()) throw new ReportInputError(label, 'is a directory, not a report file');
  return stats.size;
}

async function readText(file: string, fileName: string, maxBytes: number): Promise<string> {
  const handle = await openReport(file, fileName);
  try {
    const size = await sizeOf(handle, fileName);
    if (size > maxBytes) {
      throw new ReportTooLargeError(
        fileName,
        `${mebibytes(size)} is larger than the ${mebibytes(maxBytes)} limit (raise it with --max-size)`,
      );
    }
    if (size === 0) throw new ReportInputError(fileName, 'is empty, not a report');
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof ReportInputError || error instanceof ReportTooLargeError) throw error;
    throw new ReportInputError(fileName, describeSystemError(error), { cause: error });
  } finally {
    await handle.close();
  }
}

/** Refuses a report with more locks or edges than the renderers are built for. */
export function checkCounts(
  report: { readonly locks: readonly unknown[]; readonly edges: readonly unknown[] },
  fileName: string,
): void {
  if (report.locks.length > MAX_LOCKS) {
    throw new ReportTooLargeError(
      fileName,
      `${report.locks.length} locks, more than the ${MAX_LOCKS} limit`,
    );
  }
  if (report.edges.length > MAX_EDGES) {
    throw new ReportTooLargeError(
      fileName,
      `${report.edges.length} edges, more than the ${MAX_EDGES} limit`,
    );
  }
}

/**
 * `interlock merge`'s reading: every report is read, parsed and validated, then folded into one
 * {@link ReportUnion} and dropped, so that at most one parsed input per thread is alive at a time.
 *
 * Parsing is nearly all of a merge's cost (JSON.parse of every file), so large merges spread the
 * files over worker threads: the files are cut into consecutive shares of about equal size, the
 * main thread folds the first share and one worker per other share folds its own and hands back
 * its union as report text (version 2: compact, and cheaper to parse than a structured clone of
 * the objects is to copy); the main thread then unions those in order. A union of consecutive
 * unions equals the union of all (core's `ReportUnion`), so the result does not depend on how
 * the files were shared, and neither does the failure: the first bad file in command-line order
 * is the one named, as if the files were read one by one.
 */
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  ReportFormatError,
  ReportUnion,
  parseReportForMerge,
  type LockGraphReport,
  type PackedReport,
} from '@interlock/core';
import { ReportInputError, ReportTooLargeError } from './errors.ts';
import { readReportForMerge } from './read-report.ts';

/** One file to merge. */
export interface MergeInput {
  /** The absolute path. */
  readonly file: string;
  /** How messages name it (as the user typed it). */
  readonly label: string;
  /** Its size in bytes, for sharing the work. */
  readonly size: number;
}

export interface MergeFilesOptions {
  /** Largest file read, in bytes. */
  readonly maxBytes: number;
  /** Most threads that read at once, the main thread included. */
  readonly jobs: number;
  /** Less input than this is read on the main thread alone. @default {@link WORKER_MIN_BYTES} */
  readonly workerMinBytes?: number;
}

/**
 * Below this much input a merge stays on the main thread: starting a worker and loading the
 * modules in it costs ~50–150 ms here, the time JSON.parse needs for ~5–10 MiB.
 */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/**
 * What a worker posts back: its share's union as the text of a version 2 report file, or the
 * first failure in its share.
 */
export type WorkerReply =
  { readonly ok: true; readonly union: string } | { readonly ok: false; readonly error: SentError };

/** An error as it crosses the thread boundary (structured clone keeps no class). */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly fileName?: string;
}

/** What a worker is started with. */
export interface WorkerTask {
  readonly inputs: readonly MergeInput[];
  readonly maxBytes: number;
}

/**
 * The default `--jobs`: one thread per CPU that is not already busy — the CPUs less the 1-minute
 * load average, at least 1 (GNU make's `--load-average` idea). Measured here: on a machine whose
 * CPUs are all taken by other processes a second thread gets no CPU time of its own (the kernel
 * shares CPU time between sessions, not threads) and only adds the worker's start-up and the
 * hand-over of its union, so a busy machine merges on one thread.
 */
export function defaultJobs(
  cpus: number = availableParallelism(),
  load: number = loadavg()[0]!,
): number {
  return Math.max(1, Math.min(cpus, Math.floor(cpus - load + 0.5)));
}

/**
 * Cuts `sizes` into at most `parts` consecutive shares of about equal total size, each non-empty.
 * @returns the index where each share starts (the first is 0).
 */
export function planShares(sizes: readonly number[], parts: number): number[] {
  const count = Math.max(1, Math.min(parts, sizes.length));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const starts = [0];
  let sum = 0;
  for (let index = 0; index + 1 < sizes.length && starts.length < count; index++) {
    sum += sizes[index]!;
    // Cut after this file once the shares so far hold their part of the total, or when every
    // file left is needed to give each remaining share one.
    const filesLeft = sizes.length - (index + 1);
    if (sum >= (total * starts.length) / count || filesLeft === count - starts.length)
      starts.push(index + 1);
  }
  return starts;
}

/** How many threads a merge of `inputs` uses. */
export function threadsFor(
  inputs: readonly MergeInput[],
  jobs: number,
  workerMinBytes = WORKER_MIN_BYTES,
): number {
  const total = inputs.reduce((sum, input) => sum + input.size, 0);
  if (total < workerMinBytes) return 1;
  return Math.max(1, Math.min(jobs, inputs.length));
}

/**
 * Reads, validates and unions `inputs` (in this order).
 * @throws the error of the first bad file in `inputs` order ({@link ReportInputError},
 *   {@link ReportTooLargeError}, core's `ReportFormatError`).
 */
export async function mergeFiles(
  inputs: readonly MergeInput[],
  options: MergeFilesOptions,
): Promise<ReportUnion> {
  const starts = planShares(
    inputs.map((input) => input.size),
    threadsFor(inputs, options.jobs, options.workerMinBytes),
  );
  const shares = starts.map((start, index) => inputs.slice(start, starts[index + 1]));
  const workers = shares
    .slice(1)
    .map((share) => startWorker({ inputs: share, maxBytes: options.maxBytes }));
  try {
    const union = new ReportUnion();
    await foldInto(union, shares[0]!, options.maxBytes);
    for (const worker of workers) union.add(await worker.union);
    return union;
  } finally {
    for (const worker of workers) worker.stop();
  }
}

/** Reads each input in turn and folds it into `union`. */
export async function foldInto(
  union: ReportUnion,
  inputs: readonly MergeInput[],
  maxBytes: number,
): Promise<void> {
  for (const input of inputs)
    union.add(await readReportForMerge(input.file, input.label, { maxBytes }));
}

interface RunningWorker {
  /** The share's union; rejects with the share's first failure. */
  readonly union: Promise<LockGraphReport | PackedReport>;
  /** Ends the worker if it is still running. */
  stop(): void;
}

function startWorker(task: WorkerTask): RunningWorker {
  // The worker is this package's `merge-worker` module, as a `.ts` source in the workspace and
  // as compiled `.js` in the published package: the same extension as this module's.
  const extension = path.extname(fileURLToPath(import.meta.url));
  const worker = new Worker(new URL(`./merge-worker${extension}`, import.meta.url), {
    workerData: task,
  });
  const union = new Promise<LockGraphReport | PackedReport>((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      if (reply.ok) resolve(parseReportForMerge(reply.union, 'a merge worker’s union'));
      else reject(receiveError(reply.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a merge worker exited with code ${code}`)));
  });
  // A share that fails while an earlier one is still being read must not be an unhandled
  // rejection; its error is raised when (and if) the merge gets to that share.
  union.catch(() => undefined);
  return { union, stop: () => void worker.terminate() };
}

/** An error for posting to the main thread. */
export function sendError(error: unknown): SentError {
  if (error instanceof Error) {
    const fileName = (error as { fileName?: unknown }).fileName;
    return {
      name: error.name,
      message: error.message,
      ...(typeof fileName === 'string' ? { fileName } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** The typed error a worker sent, rebuilt so that it is reported like one thrown here. */
export function receiveError(sent: SentError): Error {
  const { fileName, message } = sent;
  if (fileName !== undefined && message.startsWith(`${fileName}: `)) {
    const problem = message.slice(fileName.length + 2);
    switch (sent.name) {
      case 'ReportInputError':
        return new ReportInputError(fileName, problem);
      case 'ReportTooLargeError':
        return new ReportTooLargeError(fileName, problem);
      case 'ReportFormatError':
        return new ReportFormatError(fileName, problem);
    }
  }
  return new Error(message);
}

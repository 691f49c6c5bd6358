/**
 * A worker thread of `interlock merge` (see `merge-files.ts`): reads, validates and unions its
 * share of the files, posts the union back as a report, or the first failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReportUnion } from '@interlock/core';
import { foldInto, sendError, type WorkerReply, type WorkerTask } from './merge-files.ts';

const task = workerData as WorkerTask;
let reply: WorkerReply;
try {
  const union = new ReportUnion();
  await foldInto(union, task.inputs, task.maxBytes);
  reply = { ok: true, union: union.toReport() };
} catch (error) {
  reply = { ok: false, error: sendError(error) };
}
parentPort!.postMessage(reply);

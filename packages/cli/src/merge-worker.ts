/**
 * A worker thread of `interlock merge` (see `merge-files.ts`): reads, validates and unions its
 * share of the files, posts the union back as the text of a version 2 report file, or the first
 * failure. Text, because a structured clone of the union's objects (50,000 edges and their
 * sites) costs the main thread more than parsing the compact file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReportUnion, encodeReport } from '@interlock/core';
import { foldInto, sendError, type WorkerReply, type WorkerTask } from './merge-files.ts';

const task = workerData as WorkerTask;
let reply: WorkerReply;
try {
  const union = new ReportUnion();
  await foldInto(union, task.inputs, task.maxBytes);
  reply = { ok: true, union: JSON.stringify(encodeReport(union.toReport())) };
} catch (error) {
  reply = { ok: false, error: sendError(error) };
}
parentPort!.postMessage(reply);

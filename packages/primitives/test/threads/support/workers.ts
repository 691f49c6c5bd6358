/** Real worker threads for tests: worker scripts are TypeScript that Node strips itself. */
import { Worker } from 'node:worker_threads';

export interface Started {
  readonly worker: Worker;
  /** Messages the worker posted, in order. */
  readonly messages: unknown[];
  /** Resolves with the exit code; rejects with the worker's uncaught error. */
  readonly exited: Promise<number>;
}

/** Starts `test/threads/workers/<name>.ts` with `workerData`. */
export function startWorker(name: string, workerData: unknown): Started {
  const worker = new Worker(new URL(`../workers/${name}.ts`, import.meta.url), {
    workerData,
    stderr: false,
  });
  const messages: unknown[] = [];
  worker.on('message', (message: unknown) => messages.push(message));
  const exited = new Promise<number>((resolve, reject) => {
    let failure: Error | undefined;
    worker.on('error', (error: Error) => {
      failure = error;
    });
    worker.on('exit', (code) => (failure === undefined ? resolve(code) : reject(failure)));
  });
  return { worker, messages, exited };
}

/** Starts `count` workers of one script; `data(i)` is worker i's workerData. */
export function startWorkers(
  name: string,
  count: number,
  data: (index: number) => unknown,
): Started[] {
  return Array.from({ length: count }, (_, index) => startWorker(name, data(index)));
}

/** Waits for every worker to exit with code 0; returns their messages. */
export async function joinAll(workers: readonly Started[]): Promise<unknown[][]> {
  const codes = await Promise.all(workers.map((started) => started.exited));
  for (const code of codes) if (code !== 0) throw new Error(`a worker exited with code ${code}`);
  return workers.map((started) => started.messages);
}

/** The next message a worker posts. */
export function nextMessage(started: Started): Promise<unknown> {
  return new Promise((resolve) => started.worker.once('message', resolve));
}

/**
 * Timeout of tests that start real workers: a worker takes 0.3–2 s to start (Node strips the
 * types of every module it loads) on a loaded 2-core machine. Not a timing assertion.
 */
export const workerTestTimeout = 60_000;

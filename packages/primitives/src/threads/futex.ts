/**
 * Waiting on a shared word, in both forms, with a deadline and (async) an AbortSignal. Every
 * thread primitive waits through these two functions and nothing else.
 */
import { isMainThread } from 'node:worker_threads';
import { MainThreadBlockingError } from './errors.ts';

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** Milliseconds left until `deadline` (`Infinity` stays `Infinity`). */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/** The deadline of a wait that may last `timeout` ms (undefined: forever). */
export function deadlineOf(timeout: number | undefined): number {
  // Above the timer limit Node would fire at once: forever, as for the event-loop primitives.
  return timeout === undefined || timeout > 2 ** 31 - 1 ? Infinity : performance.now() + timeout;
}

/**
 * Refuses to block the main thread: a blocked main thread freezes every timer, I/O callback and
 * `postMessage` of the process, so a worker that needs the main thread to make progress would
 * never let it go. Called before any blocking wait.
 */
export function assertMayBlock(name: string, call: 'acquire' | 'wait'): void {
  // The call's text is built only when it is thrown: this runs on every contended acquisition.
  if (isMainThread) throw new MainThreadBlockingError(`${name}.${call}()`);
}

/** Blocks this thread until `words[index] !== expected`, a notify, or the deadline. */
export function waitSync(
  words: Int32Array,
  index: number,
  expected: number,
  deadline: number,
): WaitResult {
  return Atomics.wait(words, index, expected, remaining(deadline));
}

/**
 * The same without blocking. An abort settles the promise at once with `'aborted'`; the engine's
 * wait record cannot be cancelled, so it stays until a notify or its timeout reaches it, and if a
 * notify does (`'ok'`), `onAbandonedWake` runs: the caller passes on the wake-up it was sent, so
 * nobody else misses it. Nothing else is kept alive: a pending wait does not hold the process open.
 */
export function waitAsync(
  words: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  onAbandonedWake: () => void,
): Promise<WaitResult | 'aborted'> {
  const left = remaining(deadline);
  const pending = Atomics.waitAsync(words, index, expected, left);
  if (!pending.async) return Promise.resolve(pending.value);
  // A pending waitAsync does not keep Node's event loop alive, so its timeout would never fire
  // in a process with nothing else to do: a timer does, for exactly as long as the wait.
  if (left !== Infinity) {
    const keepAlive = setTimeout(() => {}, left + 1);
    void pending.value.then(() => clearTimeout(keepAlive));
  }
  if (signal === undefined) return pending.value;
  if (signal.aborted) {
    abandon(pending.value, onAbandonedWake);
    return Promise.resolve('aborted');
  }
  return new Promise((resolve) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      abandon(pending.value, onAbandonedWake);
      resolve('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void pending.value.then((result) => {
      signal.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      resolve(result);
    });
  });
}

function abandon(pending: Promise<WaitResult>, onAbandonedWake: () => void): void {
  void pending.then((result) => {
    if (result === 'ok') onAbandonedWake();
  });
}

/**
 * The baseline for contended hand-off across threads: the classic three-state futex mutex
 * (Drepper, "Futexes Are Tricky", mutex #2) on one Int32 word — 0 free, 1 locked, 2 locked with
 * waiters. It is what small SharedArrayBuffer mutex packages implement (the issue names
 * `atomics-sync`, which the npm registry reachable here does not have: docs/benchmarks.md).
 * Barging, no fairness, no timeouts: the floor a fair, feature-complete lock is measured against.
 */
/** Takes the mutex; returns true when it was taken by someone else first (a contended call). */
export function futexLock(word: Int32Array): boolean {
  let state = Atomics.compareExchange(word, 0, 0, 1);
  if (state === 0) return false;
  do {
    if (state === 2 || Atomics.compareExchange(word, 0, 1, 2) !== 0) Atomics.wait(word, 0, 2);
    state = Atomics.compareExchange(word, 0, 0, 2);
  } while (state !== 0);
  return true;
}

export function futexUnlock(word: Int32Array): void {
  if (Atomics.sub(word, 0, 1) !== 1) {
    Atomics.store(word, 0, 0);
    Atomics.notify(word, 0, 1);
  }
}

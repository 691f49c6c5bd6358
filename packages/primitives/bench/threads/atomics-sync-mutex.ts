/**
 * The baseline the issue names for contended hand-off: the `Mutex` of the `atomics-sync` package
 * (version 1.0.1; github.com/slavamuravey/atomics-sync, `src/mutex.ts`). The npm registry
 * reachable here does not serve that package, so this module re-implements its algorithm, as
 * its published source describes it, in this repository's words:
 * - two Int32 words: the state (0 unlocked, 1 locked) and the owner's thread id (0 = none);
 * - `lock`: validate the id (an int32, not 0), refuse a re-lock by the owner, then loop: a CAS
 *   0 → 1 and an `Atomics.store` of the owner on success, else `Atomics.wait` while it reads 1;
 * - `unlock`: validate the id, refuse a non-owner, `Atomics.store` the owner back to 0, CAS
 *   1 → 0 (refusing an unlocked mutex), then `Atomics.notify` one waiter — on every unlock.
 * The checks and the owner word are what a lock that reports misuse pays for; the unconditional
 * notify is what it pays for having no "contended" state.
 */
const stateAt = 0;
const ownerAt = 1;
const unlocked = 0;
const locked = 1;
const noOwner = 0;

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < -(2 ** 31) || id > 2 ** 31 - 1 || id === noOwner)
    throw new RangeError(`Not a usable thread id: ${id}`);
}

/** Takes the mutex for thread `id`; true when it found the mutex taken (a contended call). */
export function ownerMutexLock(words: Int32Array, id: number): boolean {
  checkId(id);
  if (Atomics.load(words, ownerAt) === id) throw new Error('This thread already owns the mutex');
  for (let waited = false; ; waited = true) {
    if (Atomics.compareExchange(words, stateAt, unlocked, locked) === unlocked) {
      Atomics.store(words, ownerAt, id);
      return waited;
    }
    Atomics.wait(words, stateAt, locked);
  }
}

export function ownerMutexUnlock(words: Int32Array, id: number): void {
  checkId(id);
  if (Atomics.load(words, ownerAt) !== id) throw new Error('This thread does not own the mutex');
  Atomics.store(words, ownerAt, noOwner);
  if (Atomics.compareExchange(words, stateAt, locked, unlocked) === unlocked)
    throw new Error('The mutex was not locked');
  Atomics.notify(words, stateAt, 1);
}

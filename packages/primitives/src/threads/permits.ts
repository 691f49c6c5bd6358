/**
 * The one waiting algorithm behind Lock, RLock, Semaphore and BoundedSemaphore across threads: a
 * counter of permits in shared memory with hand-off to sleepers.
 *
 * Words (from `base`):
 * - `state`: free permits in the low 20 bits, permits *reserved* for waiters above them;
 * - `seq`: the futex word sleepers wait on; every release that wakes anyone bumps it first, so a
 *   waiter that looked at the state before the release cannot go to sleep after it;
 * - `waiters`: acquirers that announced they will wait (fast paths see them and queue up behind);
 * - `poison`: the dead holder's thread id + 1, 0 when usable (exclusive locks only);
 * - `tickets`: every announcing waiter draws one, in order;
 * - `eligible`: reserved permits belong to waiters whose ticket is below this.
 *
 * Fairness: a release while anyone waits moves the permit to `reserved`, marks every waiter
 * announced so far as eligible for it, and wakes the longest sleeper (the engine's waiter list is
 * FIFO). A thread that releases and re-acquires in a tight loop draws a newer ticket, so it can
 * neither take the reserved permit nor a free one: it queues behind everyone who was waiting —
 * even a waiter the OS has not yet run (it claims its reservation when it runs). Reservations go
 * back to free only when an eligible waiter gives up (timeout, abort).
 */
import { assertMayBlock, remaining, waitAsync, waitSync } from './futex.ts';
import { argumentError } from '../internal/validate.ts';

export const stateWord = 0;
export const seqWord = 1;
export const waitersWord = 2;
export const poisonWord = 3;
export const ticketsWord = 4;
export const eligibleWord = 5;
/** Words this module uses; primitives put their own words after these. */
export const permitWords = 6;

const freeBits = 20;
/** The most permits a thread semaphore can hold at once. */
export const maxPermits = (1 << freeBits) - 1;
const reservedUnit = 1 << freeBits;
const maxReserved = (1 << (31 - freeBits)) - 1;

/**
 * Sleepers wake at least this often (ms) to heal a stranded reservation (see #heal). Only
 * waiting threads pay for it, a few wake-ups per second.
 */
const healSliceMs = 100;

function sliceEnd(deadline: number): number {
  return Math.min(deadline, performance.now() + healSliceMs);
}

/** Why an acquire gave up (`undefined` = it got a permit). */
export type Refusal = 'timeout' | 'aborted' | 'poisoned';

export class Permits {
  readonly words: Int32Array;
  readonly #state: number;
  readonly #seq: number;
  readonly #waiters: number;
  readonly #poison: number;
  readonly #tickets: number;
  readonly #eligible: number;

  constructor(words: Int32Array, base: number) {
    this.words = words;
    this.#state = base + stateWord;
    this.#seq = base + seqWord;
    this.#waiters = base + waitersWord;
    this.#poison = base + poisonWord;
    this.#tickets = base + ticketsWord;
    this.#eligible = base + eligibleWord;
  }

  /** Free permits (reserved ones are on their way to a waiter and not counted). */
  get free(): number {
    return Atomics.load(this.words, this.#state) & maxPermits;
  }

  /** Free plus reserved: the permits nobody holds. */
  get unheld(): number {
    const state = Atomics.load(this.words, this.#state);
    return (state & maxPermits) + (state >>> freeBits);
  }

  /** Sets the initial count (construction only). */
  init(value: number): void {
    Atomics.store(this.words, this.#state, value);
  }

  /** Thread id + 1 of the thread that died holding this lock; 0 when not poisoned. */
  get poisonedBy(): number {
    return Atomics.load(this.words, this.#poison);
  }

  /** Takes a permit if one is free and nobody is queued. */
  tryTake(): boolean {
    const words = this.words;
    if (Atomics.load(words, this.#waiters) !== 0) return false;
    // A free lock is state 1: one CAS, no preliminary read (the uncontended path).
    return Atomics.compareExchange(words, this.#state, 1, 0) === 1 || this.#takeFree();
  }

  /**
   * Blocking acquire until `deadline` (ms on `performance.now()`); `what` names the call in the
   * main-thread error.
   */
  acquireSync(deadline: number, what: string): Refusal | undefined {
    const first = this.#first(deadline);
    if (first !== 'wait') return first;
    assertMayBlock(what);
    const ticket = this.#announce();
    for (;;) {
      const seq = Atomics.load(this.words, this.#seq);
      const outcome = this.#look(ticket, deadline);
      if (outcome !== 'wait') return outcome;
      const slice = sliceEnd(deadline);
      if (waitSync(this.words, this.#seq, seq, slice) === 'timed-out' && slice < deadline)
        this.#heal(ticket);
    }
  }

  /** The same without blocking; an abort through `signal` gives up at once and loses no wake-up. */
  async acquireAsync(
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Refusal | undefined> {
    const first = this.#first(deadline);
    if (first !== 'wait') return first;
    const ticket = this.#announce();
    for (;;) {
      const seq = Atomics.load(this.words, this.#seq);
      const outcome = this.#look(ticket, deadline);
      if (outcome !== 'wait') return outcome;
      const slice = sliceEnd(deadline);
      const result = await waitAsync(this.words, this.#seq, seq, slice, signal, () =>
        this.#passWake(),
      );
      if (result === 'aborted') return this.#leave(ticket, 'aborted');
      if (result === 'timed-out' && slice < deadline) this.#heal(ticket);
    }
  }

  /** Before queueing: a permit now (undefined), a refusal, or 'wait'. */
  #first(deadline: number): Refusal | undefined | 'wait' {
    if (this.tryTake()) return undefined;
    if (this.poisonedBy !== 0) return 'poisoned';
    return remaining(deadline) === 0 ? 'timeout' : 'wait';
  }

  /** A queued waiter looks again: its permit (undefined), a refusal (it has left), or 'wait'. */
  #look(ticket: number, deadline: number): Refusal | undefined | 'wait' {
    if (this.#take(ticket)) return undefined;
    if (this.poisonedBy !== 0) return this.#leave(ticket, 'poisoned');
    return remaining(deadline) === 0 ? this.#leave(ticket, 'timeout') : 'wait';
  }

  /**
   * A sleeper not eligible for the reservations that exist has slept a whole slice: a reservation
   * whose eligible waiter left in a race with its release (or was not run for a slice) goes back
   * to free, so it can never be stranded for longer than a slice.
   */
  #heal(ticket: number): void {
    if (((ticket - Atomics.load(this.words, this.#eligible)) | 0) >= 0) this.#unreserve(1);
  }

  /** Draws a ticket, then counts as a waiter (in this order: see #handOff). */
  #announce(): number {
    const ticket = Atomics.add(this.words, this.#tickets, 1);
    Atomics.add(this.words, this.#waiters, 1);
    return ticket;
  }

  /** A reserved permit if this waiter is eligible, else a free one; stops counting as a waiter. */
  #take(ticket: number): boolean {
    // Wrap-safe "ticket < eligible".
    const eligible = ((ticket - Atomics.load(this.words, this.#eligible)) | 0) < 0;
    if ((eligible && this.#takeReserved()) || this.#takeFree()) {
      this.#depart();
      return true;
    }
    return false;
  }

  /**
   * A waiter stops waiting. When it was the last one, reservations can have no claimant left
   * (one may have been made counting a waiter that then took a free permit or gave up): they go
   * back to free. Together with the same check in #handOff after it reserves (each side writes,
   * then reads the other's word), no reservation outlives the last waiter.
   */
  #depart(): void {
    if (Atomics.sub(this.words, this.#waiters, 1) === 1) this.#unreserve(maxReserved);
  }

  /**
   * A waiter gives up. If it was eligible for a reservation, that reservation may have been meant
   * for it: give one back (free, and wake a sleeper) so it is not stranded.
   */
  #leave(ticket: number, refusal: Refusal): Refusal {
    this.#depart();
    if (((ticket - Atomics.load(this.words, this.#eligible)) | 0) < 0) this.#unreserve(1);
    return refusal;
  }

  /**
   * Returns `n` permits. A `limit` (undefined = none) refuses a release that would leave more
   * than `limit` permits unheld: returns false and changes nothing.
   */
  release(n: number, limit: number | undefined): boolean {
    const words = this.words;
    // A held lock with nothing reserved is state 0: one CAS (the uncontended path).
    if (
      n === 1 &&
      (limit === undefined || limit >= 1) &&
      Atomics.compareExchange(words, this.#state, 0, 1) === 0
    ) {
      if (Atomics.load(words, this.#waiters) !== 0) this.#handOff(1);
      return true;
    }
    for (;;) {
      const state = Atomics.load(words, this.#state);
      const free = state & maxPermits;
      if (limit !== undefined && free + (state >>> freeBits) + n > limit) return false;
      if (free + n > maxPermits)
        throw argumentError('range', `A thread semaphore holds at most ${maxPermits} permits`);
      if (Atomics.compareExchange(words, this.#state, state, state + n) === state) break;
    }
    if (Atomics.load(words, this.#waiters) !== 0) this.#handOff(n);
    return true;
  }

  /** Marks the lock poisoned by `thread` and wakes every waiter so they see it. */
  poison(thread: number): void {
    Atomics.store(this.words, this.#poison, thread + 1);
    this.#wakeAll();
  }

  /** Clears the poison mark; true when there was one. */
  clearPoison(): boolean {
    return Atomics.exchange(this.words, this.#poison, 0) !== 0;
  }

  #wakeAll(): void {
    Atomics.add(this.words, this.#seq, 1);
    Atomics.notify(this.words, this.#seq);
  }

  #takeFree(): boolean {
    const words = this.words;
    for (;;) {
      const state = Atomics.load(words, this.#state);
      if ((state & maxPermits) === 0) return false;
      if (Atomics.compareExchange(words, this.#state, state, state - 1) === state) return true;
    }
  }

  #takeReserved(): boolean {
    const words = this.words;
    for (;;) {
      const state = Atomics.load(words, this.#state);
      if (state >>> freeBits === 0) return false;
      if (Atomics.compareExchange(words, this.#state, state, state - reservedUnit) === state)
        return true;
    }
  }

  /**
   * Reserves up to `n` free permits (at most one per waiter) for the waiters announced so far and
   * wakes as many sleepers. Every waiter counted in `waiters` drew its ticket before counting, so
   * reading the count first and the ticket counter second makes every counted waiter eligible.
   */
  #handOff(n: number): void {
    const words = this.words;
    const waiting = Atomics.load(words, this.#waiters);
    const below = Atomics.load(words, this.#tickets);
    let moved: number;
    for (;;) {
      const state = Atomics.load(words, this.#state);
      moved = Math.min(n, waiting, state & maxPermits, maxReserved - (state >>> freeBits));
      if (moved <= 0) return;
      if (
        Atomics.compareExchange(words, this.#state, state, state - moved + moved * reservedUnit) ===
        state
      )
        break;
    }
    // Only ever moves forward (wrap-safe), so an older release cannot take eligibility back.
    for (;;) {
      const eligible = Atomics.load(words, this.#eligible);
      if (
        ((below - eligible) | 0) <= 0 ||
        Atomics.compareExchange(words, this.#eligible, eligible, below) === eligible
      )
        break;
    }
    Atomics.add(words, this.#seq, 1);
    Atomics.notify(words, this.#seq, moved);
    // The waiters counted may all have gone meanwhile (see #depart).
    if (Atomics.load(words, this.#waiters) === 0) this.#unreserve(moved);
  }

  /** Turns up to `n` reserved permits back into free ones and wakes as many sleepers. */
  #unreserve(n: number): void {
    const words = this.words;
    let moved: number;
    for (;;) {
      const state = Atomics.load(words, this.#state);
      moved = Math.min(n, state >>> freeBits);
      if (moved === 0) return;
      if (
        Atomics.compareExchange(words, this.#state, state, state + moved - moved * reservedUnit) ===
        state
      )
        break;
    }
    Atomics.add(words, this.#seq, 1);
    Atomics.notify(words, this.#seq, moved);
  }

  /**
   * An aborted async waiter was woken after it left (its reservation, if any, was already given
   * back when it left): pass the wake-up on to the next sleeper.
   */
  #passWake(): void {
    if (Atomics.load(this.words, this.#waiters) === 0) return;
    Atomics.add(this.words, this.#seq, 1);
    Atomics.notify(this.words, this.#seq, 1);
  }
}

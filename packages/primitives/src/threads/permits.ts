/**
 * The one waiting algorithm behind Lock, RLock, Semaphore and BoundedSemaphore across threads: a
 * counter of permits in shared memory, barging for a bounded time, then hand-off.
 *
 * Words (from `base`):
 * - `state`: free permits in the low 20 bits, permits *reserved* for waiters above them, and the
 *   `queued` bit: set while any acquirer waits, so that the uncontended paths (one CAS 1 → 0 to
 *   take, one CAS 0 → 1 to give back) fail over to the slow paths exactly when someone waits;
 * - `seq`: the futex word sleepers wait on; every wake-up bumps it first, so a waiter that looked
 *   at the state before the release cannot go to sleep after it;
 * - `waiters`: acquirers that announced they will wait;
 * - `poison`: the dead holder's thread id + 1, 0 when usable (exclusive locks only);
 * - `tickets`: every announcing waiter draws one, in order;
 * - `eligible`: reserved permits belong to waiters whose ticket is below this;
 * - `woken`: 1 while a sleeper has been woken and has not yet looked (later releases need not
 *   wake another: the futex mutex's "contended" state, which keeps barging cheap);
 * - `barges`: releases made while someone waited since a waiter last got a permit
 *   ({@link handOffMark} and above once the bound is reached);
 * - `since`: when the first of those releases was made (µs on the clock all threads share);
 * - `patience`: how long (µs) barging may go on while threads wait; 0 = {@link patienceUs},
 *   negative = no time allowance (only the count: what the fairness test uses to pin the bound).
 *
 * Fairness (docs/threads.md): a release while someone waits frees the permit and wakes one
 * sleeper, and a running thread may take the free permit first (it *barges*: no context switch,
 * which is what makes a contended lock fast). Barging is bounded in time, as Go's `sync.Mutex`
 * bounds it: every {@link maxBarges}-th release in a row made while threads wait looks at the
 * clock, and once threads have been passed over for {@link patienceUs} µs, releases *hand off*:
 * they reserve the permit for the waiters announced so far and wake them, so a thread that
 * re-acquires in a tight loop queues behind them. A waiter therefore gets the lock after at most
 * 1 ms plus {@link maxBarges} grants to others (and never before {@link maxBarges} of them: the
 * clock is read once per that many releases, not on every one).
 */
import { assertMayBlock, remaining, waitAsync, waitSync } from './futex.ts';
import { argumentError } from '../internal/validate.ts';

export const stateWord = 0;
export const seqWord = 1;
export const waitersWord = 2;
export const poisonWord = 3;
export const ticketsWord = 4;
export const eligibleWord = 5;
export const wokenWord = 6;
export const bargesWord = 7;
export const sinceWord = 8;
export const patienceWord = 9;
/** Words this module uses; primitives put their own words after these. */
export const permitWords = 10;

const freeBits = 20;
/** The most permits a thread semaphore can hold at once. */
export const maxPermits = (1 << freeBits) - 1;
const reservedBits = 10;
const reservedUnit = 1 << freeBits;
const maxReserved = (1 << reservedBits) - 1;
/** The state's "someone waits" bit (bit 30; the sign bit stays clear). */
const queued = 1 << (freeBits + reservedBits);

/**
 * Releases in a row made while threads wait between two looks at the clock, and the least number
 * of them before a hand-off. Reading the clock costs as much as a whole uncontended acquisition,
 * so the releases that barge do not each pay for it.
 */
export const maxBarges = 64;

/**
 * How long (µs) running threads may keep barging while others wait before releases hand off
 * (Go's `sync.Mutex` switches to hand-off after a waiter waited 1 ms, for the same reason): a
 * hand-off costs a context switch to a sleeping thread (tens of µs, milliseconds on a loaded
 * machine) during which nobody holds the lock, so it must be rare next to the critical sections
 * it interrupts. A bound in releases (the first version: 64) paid one every 65 contended
 * acquisitions.
 */
export const patienceUs = 1000;

/** State reads a blocking acquirer spins for before it queues (see Permits#spin). */
const spinLimit = 100;

/** `barges` once the bound is reached: every release hands off until a waiter gets a permit. */
const handOffMark = 1 << 30;

/**
 * Microseconds on a clock all threads share, modulo 2³² (compare with wrap-safe differences).
 * `performance.now()` alone counts from each thread's own start.
 */
function nowUs(): number {
  return ((performance.timeOrigin + performance.now()) * 1000) | 0;
}

function reservedOf(state: number): number {
  return (state >>> freeBits) & maxReserved;
}

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
  readonly #woken: number;
  readonly #barges: number;
  readonly #since: number;
  readonly #patience: number;

  constructor(words: Int32Array, base: number) {
    this.words = words;
    this.#state = base + stateWord;
    this.#seq = base + seqWord;
    this.#waiters = base + waitersWord;
    this.#poison = base + poisonWord;
    this.#tickets = base + ticketsWord;
    this.#eligible = base + eligibleWord;
    this.#woken = base + wokenWord;
    this.#barges = base + bargesWord;
    this.#since = base + sinceWord;
    this.#patience = base + patienceWord;
  }

  /** Free permits (reserved ones are on their way to a waiter and not counted). */
  get free(): number {
    return Atomics.load(this.words, this.#state) & maxPermits;
  }

  /** Free plus reserved: the permits nobody holds. */
  get unheld(): number {
    const state = Atomics.load(this.words, this.#state);
    return (state & maxPermits) + reservedOf(state);
  }

  /** Sets the initial count (construction only). */
  init(value: number): void {
    Atomics.store(this.words, this.#state, value);
  }

  /** Thread id + 1 of the thread that died holding this lock; 0 when not poisoned. */
  get poisonedBy(): number {
    return Atomics.load(this.words, this.#poison);
  }

  /**
   * Takes a free permit if there is one (also while others wait: barging, bounded by the
   * releases' hand-off). Reserved permits are not free.
   */
  tryTake(): boolean {
    // A guess (a plain read) that one CAS confirms: the uncontended path, and the barging one.
    const words = this.words;
    const state = words[this.#state]!;
    return (
      ((state & maxPermits) !== 0 &&
        Atomics.compareExchange(words, this.#state, state, state - 1) === state) ||
      this.#takeFree()
    );
  }

  /**
   * Blocking acquire until `deadline` (ms on `performance.now()`); `name` is the primitive's, for
   * the main-thread error.
   */
  acquireSync(deadline: number, name: string): Refusal | undefined {
    const first = this.#first(deadline);
    if (first !== 'wait') return first;
    assertMayBlock(name, 'acquire');
    if (this.#spin()) return undefined;
    const ticket = this.#announce();
    for (;;) {
      const seq = Atomics.load(this.words, this.#seq);
      const outcome = this.#look(ticket, deadline);
      if (outcome !== 'wait') return outcome;
      const slice = sliceEnd(deadline);
      const result = waitSync(this.words, this.#seq, seq, slice);
      // Awake and about to look: a release may wake another sleeper again.
      Atomics.store(this.words, this.#woken, 0);
      if (result === 'timed-out' && slice < deadline) this.#heal(ticket);
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
      Atomics.store(this.words, this.#woken, 0);
      if (result === 'timed-out' && slice < deadline) this.#heal(ticket);
    }
  }

  /**
   * Watches the state word for a short while before queueing, and takes a permit that comes free
   * (as glibc's adaptive mutex and Go's `sync.Mutex` do): a critical section is usually shorter
   * than a futex sleep and wake-up, and announcing, queueing and departing write five shared
   * words that the holder's next acquisition then has to fetch back. Bounded ({@link spinLimit}
   * reads, about a microsecond), and skipped while a reservation is pending (the permit is then
   * not for this thread).
   */
  #spin(): boolean {
    const words = this.words;
    for (let spin = 0; spin < spinLimit; spin++) {
      const state = Atomics.load(words, this.#state);
      if (reservedOf(state) !== 0) return false;
      if ((state & maxPermits) !== 0 && this.tryTake()) return true;
    }
    return false;
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

  /**
   * Draws a ticket, then counts as a waiter (in this order: see #handOff), then raises the
   * queued bit so that no release takes the uncontended path past this waiter.
   */
  #announce(): number {
    const ticket = Atomics.add(this.words, this.#tickets, 1);
    Atomics.add(this.words, this.#waiters, 1);
    Atomics.or(this.words, this.#state, queued);
    return ticket;
  }

  /** A reserved permit if this waiter is eligible, else a free one; stops counting as a waiter. */
  #take(ticket: number): boolean {
    // Wrap-safe "ticket < eligible".
    const eligible = ((ticket - Atomics.load(this.words, this.#eligible)) | 0) < 0;
    if ((eligible && this.#takeReserved()) || this.#takeFree()) {
      // A waiter got a permit: running threads may barge again (it holds it: see the count).
      this.words[this.#barges] = 0;
      this.#depart();
      return true;
    }
    return false;
  }

  /**
   * A waiter stops waiting. When it was the last one, reservations can have no claimant left
   * (one may have been made counting a waiter that then took a free permit or gave up): they go
   * back to free. Together with the same check in #handOff after it reserves (each side writes,
   * then reads the other's word), no reservation outlives the last waiter. When others still
   * wait and a permit is free (a semaphore released several), the next sleeper is woken.
   */
  #depart(): void {
    const words = this.words;
    const left = Atomics.sub(words, this.#waiters, 1) - 1;
    Atomics.store(words, this.#woken, 0);
    if (left === 0) {
      // Nobody was passed over any more: the next contended stretch starts a new count.
      words[this.#barges] = 0;
      this.#unreserve(maxReserved);
      this.#lowerQueued();
    } else if ((Atomics.load(words, this.#state) & maxPermits) !== 0) {
      this.#wakeOne();
    }
  }

  /**
   * Clears the queued bit once nobody waits. A waiter that announced meanwhile raised it before
   * this cleared it: then it goes back up, and sleepers are woken in case a release took the
   * uncontended path in between (it woke nobody).
   */
  #lowerQueued(): void {
    const words = this.words;
    Atomics.and(words, this.#state, ~queued);
    if (Atomics.load(words, this.#waiters) === 0) return;
    Atomics.or(words, this.#state, queued);
    this.#wakeAll();
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
    return n === 1 ? this.releaseOne(limit) : this.#release(n, limit);
  }

  /** `release(1, limit)`, small enough for the engine to inline into the caller. */
  releaseOne(limit: number | undefined): boolean {
    // A held lock nobody waits for is state 0: one CAS, nothing else (the uncontended path).
    // The plain read first spares a contended release (the queued bit set) a CAS bound to fail.
    const words = this.words;
    return (
      (words[this.#state] === 0 &&
        (limit === undefined || limit >= 1) &&
        Atomics.compareExchange(words, this.#state, 0, 1) === 0) ||
      this.#release(1, limit)
    );
  }

  #release(n: number, limit: number | undefined): boolean {
    const words = this.words;
    let state: number;
    // Plain reads are guesses that the CAS confirms (an Atomics.load costs as much as a CAS).
    for (state = words[this.#state]!; ; state = words[this.#state]!) {
      const free = state & maxPermits;
      if (limit !== undefined && free + reservedOf(state) + n > limit) return false;
      if (free + n > maxPermits)
        throw argumentError('range', `A thread semaphore holds at most ${maxPermits} permits`);
      if (Atomics.compareExchange(words, this.#state, state, state + n) === state) break;
    }
    // A waiter that announced after this release looks after announcing: it sees the permit.
    if ((state & queued) !== 0) this.#afterContendedRelease(n);
    return true;
  }

  /**
   * A release while someone waits: wake a sleeper and let running threads race it for the
   * permit (barging), unless threads have been passed over for longer than the lock's patience:
   * then hand the permit off to the waiters.
   */
  #afterContendedRelease(n: number): void {
    const words = this.words;
    // A plain read: a stale "nobody" is checked again by #lowerQueued, a stale "someone" costs a
    // wake-up at most.
    if (words[this.#waiters] === 0) {
      this.#lowerQueued();
      return;
    }
    // Plain too: releases of a Lock are serialised by the lock itself (only its holder releases,
    // after a CAS that orders it after the previous holder); for a semaphore released by several
    // threads at once an increment can be lost, which delays its next look at the clock by one.
    const barges = words[this.#barges]!;
    if (barges < handOffMark) {
      words[this.#barges] = barges + 1;
      if (barges === 0) words[this.#since] = nowUs();
      else if (barges % maxBarges === 0 && this.#patienceSpent()) {
        words[this.#barges] = handOffMark;
        this.#handOff(n);
        return;
      }
    } else {
      this.#handOff(n);
      return;
    }
    if (n === 1) this.#wakeOne();
    else {
      Atomics.add(words, this.#seq, 1);
      Atomics.notify(words, this.#seq, n);
    }
  }

  /** True once the first release that passed a waiter over is older than the lock's patience. */
  #patienceSpent(): boolean {
    const words = this.words;
    const patience = words[this.#patience]!;
    if (patience < 0) return true;
    const elapsed = (nowUs() - words[this.#since]!) | 0;
    // A negative difference is a wrapped one (over 35 minutes) or another thread's clock a hair
    // behind: either way long enough.
    return elapsed < 0 || elapsed >= (patience === 0 ? patienceUs : patience);
  }

  /**
   * Wakes one sleeper, unless one was woken and has not looked yet (it will see the permit, or
   * whoever barged in will release it and wake again): a contended lock then costs a barging
   * thread no wake-up per release, like the futex mutex's "contended" state.
   */
  #wakeOne(): void {
    const words = this.words;
    for (;;) {
      if (words[this.#woken] !== 0 || Atomics.compareExchange(words, this.#woken, 0, 1) !== 0)
        return;
      Atomics.add(words, this.#seq, 1);
      if (Atomics.notify(words, this.#seq, 1) !== 0) return;
      // Nobody asleep: every counted waiter is on its way to look (a waiter between its look and
      // its wait sees the new seq), and clears the mark when it does.
      if (Atomics.load(words, this.#waiters) !== 0) return;
      // Nobody counted either: take the mark back. A waiter that announced since, skipped by a
      // release that saw the mark, may be asleep by now with a permit free: look once more.
      Atomics.store(words, this.#woken, 0);
      if (
        Atomics.load(words, this.#waiters) === 0 ||
        (Atomics.load(words, this.#state) & maxPermits) === 0
      )
        return;
    }
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
      if (reservedOf(state) === 0) return false;
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
      moved = Math.min(n, waiting, state & maxPermits, maxReserved - reservedOf(state));
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
      moved = Math.min(n, reservedOf(state));
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
    Atomics.store(this.words, this.#woken, 0);
    if (Atomics.load(this.words, this.#waiters) === 0) return;
    Atomics.add(this.words, this.#seq, 1);
    Atomics.notify(this.words, this.#seq, 1);
  }
}

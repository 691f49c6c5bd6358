/** Semaphore and BoundedSemaphore across threads. */
import {
  argumentError,
  validateInteger,
  validateName,
  validateOptions,
} from '../internal/validate.ts';
import { holdOf, removeHold, type ThreadHold } from './holds.ts';
import {
  PermitPrimitive,
  place,
  placeFrom,
  type Placement,
  type ThreadPrimitiveOptions,
} from './permit-primitive.ts';
import { maxPermits, Permits } from './permits.ts';
import { installedProbe } from './probe.ts';
import type { PrimitiveKind } from './shared-memory.ts';

/** Words after the counter: the bound + 1 (BoundedSemaphore's initial value + 1; 0 = unbounded). */
const limitOffset = 0;
const ownWords = 1;

let received: Placement | undefined;

function placement(
  kind: PrimitiveKind,
  value: unknown,
  options: ThreadPrimitiveOptions | undefined,
): Placement {
  const from = received;
  received = undefined;
  if (from !== undefined) return from;
  validateInteger(value, 'value', 0);
  if (value > maxPermits)
    throw argumentError(
      'range',
      `Expected \`value\` to be an integer ≤ ${maxPermits}, got ${value}`,
    );
  validateOptions(options);
  validateName(options?.name);
  return place(kind, PermitPrimitive.counterWords + ownWords, options?.name, (words, base) => {
    new Permits(words, base).init(value);
    if (kind === 'BoundedSemaphore')
      Atomics.store(words, base + PermitPrimitive.counterWords + limitOffset, value + 1);
  });
}

/**
 * A counting semaphore shared by threads (Python's `threading.Semaphore`). Permits are not
 * owned: any thread may release.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(4, { name: 'db-connections' });
 * // in a worker: const slots = Semaphore.from(workerData.slots);
 * { using _ = slots.acquire(); query(); }
 * ```
 */
export class Semaphore extends PermitPrimitive {
  readonly kind: 'Semaphore' | 'BoundedSemaphore' = 'Semaphore';
  /** Which block a `new` of this class allocates. */
  protected static readonly primitiveKind: PrimitiveKind = 'Semaphore';

  /** @param value initial permits (0 … 1,048,575). @default 1 */
  constructor(value: number = 1, options?: ThreadPrimitiveOptions) {
    super(placement(new.target.primitiveKind, value, options));
  }

  /** Rebuilds a Semaphore from its `handle`. @throws {TypeError} a bad handle. */
  static from(handle: unknown): Semaphore {
    received = placeFrom(handle, ['Semaphore']);
    return new Semaphore();
  }

  /** Free permits now. */
  get value(): number {
    return this.permits.free;
  }

  /** The bound, or undefined when unbounded. */
  protected get limit(): number | undefined {
    const stored = Atomics.load(this.permits.words, this.own + limitOffset);
    return stored === 0 ? undefined : stored - 1;
  }

  /**
   * Returns `n` permits (any thread may). Ends as many of this thread's holds as it can.
   * @throws {RangeError} BoundedSemaphore: more permits than its initial value would be free.
   */
  release(n = 1): void {
    validateInteger(n, 'n', 1);
    if (!this.permits.release(n, this.limit)) {
      throw argumentError(
        'range',
        `${this.name} released too many times: at most ${this.limit} permits`,
      );
    }
    for (let left = n; left > 0; left--) {
      const hold = holdOf(this);
      if (hold === undefined) break;
      hold.count = 0;
      removeHold(hold);
      this.permitGone();
      installedProbe()?.released(hold);
    }
  }

  releaseHold(hold: ThreadHold): void {
    if (!this.permits.release(1, this.limit))
      throw argumentError(
        'range',
        `${this.name} released too many times: at most ${this.limit} permits`,
      );
    hold.count = 0;
    removeHold(hold);
    this.permitGone();
    installedProbe()?.released(hold);
  }
}

/**
 * A semaphore that refuses to be released above its initial value (Python's
 * `threading.BoundedSemaphore`): the over-release throws RangeError and changes nothing.
 */
export class BoundedSemaphore extends Semaphore {
  override readonly kind = 'BoundedSemaphore';
  protected static override readonly primitiveKind: PrimitiveKind = 'BoundedSemaphore';

  /** Rebuilds a BoundedSemaphore from its `handle`. @throws {TypeError} a bad handle. */
  static override from(handle: unknown): BoundedSemaphore {
    received = placeFrom(handle, ['BoundedSemaphore']);
    return new BoundedSemaphore();
  }
}

/**
 * Argument checks shared by every primitive. Each throws before the primitive changes state, with
 * the message form "Expected `name` to be <what>, got <value>": TypeError for the wrong type,
 * RangeError for a value of the right type outside the allowed range.
 */
import {
  argumentError,
  describeValue,
  invalidArgument as fail,
  validateOptionsBag,
} from '@interlock/core';

export { argumentError, describeValue, fail as invalidArgument };

/** A timeout in milliseconds: a non-negative number, `Infinity` allowed, `NaN` not. */
export function validateTimeout(value: unknown, name = 'timeout'): asserts value is number {
  if (typeof value !== 'number') fail('type', name, 'a non-negative number', value);
  if (!(value >= 0)) fail('range', name, 'a non-negative number', value);
}

/** A count: an integer ≥ `min` (safe integers only; `Infinity` is not a count). */
export function validateInteger(
  value: unknown,
  name: string,
  min: number,
): asserts value is number {
  const expected =
    min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
  if (typeof value !== 'number') fail('type', name, expected, value);
  if (!Number.isSafeInteger(value) || value < min) fail('range', name, expected, value);
}

/** An optional AbortSignal. */
export function validateSignal(
  value: unknown,
  name = 'signal',
): asserts value is AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal))
    fail('type', name, 'an AbortSignal', value);
}

/** A function (or, with `optional`, undefined). */
export function validateFunction(
  value: unknown,
  name: string,
  optional = false,
): asserts value is ((...args: never[]) => unknown) | undefined {
  if (typeof value === 'function' || (optional && value === undefined)) return;
  fail('type', name, 'a function', value);
}

/** An optional string. */
export function validateName(value: unknown, name = 'name'): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') fail('type', name, 'a string', value);
}

/**
 * An optional options bag. Catches `new Lock('accounts')` and the like, which would otherwise
 * silently ignore the argument.
 */
export function validateOptions(
  value: unknown,
  name = 'options',
): asserts value is object | undefined {
  validateOptionsBag(value, name);
}

/** The options bag of a wait: an object (or undefined) whose `timeout` and `signal` are valid. */
export function validateWaitOptions(options: unknown): void {
  if (options === undefined) return;
  validateOptions(options);
  const { timeout, signal } = options as { timeout?: unknown; signal?: unknown };
  if (timeout !== undefined) validateTimeout(timeout);
  validateSignal(signal);
}

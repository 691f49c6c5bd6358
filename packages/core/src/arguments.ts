/**
 * Argument checks with the house message "Expected `name` to be <what>, got <value>": TypeError
 * for a value of the wrong type, RangeError for a value of the right type outside the allowed
 * range. Shared by core's options and by `@interlock/primitives` (one helper per concept).
 */
import { quoteText } from './escape.ts';

/** A short, unambiguous rendering of a value the caller passed. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteText(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const constructorName: unknown = (value as { constructor?: { name?: unknown } }).constructor
      ?.name;
    return typeof constructorName === 'string' &&
      constructorName !== '' &&
      constructorName !== 'Object'
      ? `an instance of ${constructorName}`
      : 'an object';
  }
  if (typeof value === 'symbol') return value.toString();
  if (value === undefined) return 'undefined';
  // What is left: a number or a boolean.
  return `${value as number | boolean}`;
}

/**
 * The `code` of every argument error, by kind. Bad arguments stay the built-in TypeError and
 * RangeError (what `instanceof` checks and Node's own argument checks use), with a stable code
 * the way Node's own argument checks give their built-in errors a code.
 */
export const argumentErrorCodes = {
  type: 'ERR_INTERLOCK_INVALID_ARG_TYPE',
  range: 'ERR_INTERLOCK_ARG_OUT_OF_RANGE',
} as const;

/** A TypeError (`'type'`) or RangeError (`'range'`) carrying its `argumentErrorCodes` code. */
export function argumentError(
  kind: 'type' | 'range',
  message: string,
): (TypeError | RangeError) & { readonly code: string } {
  const error = kind === 'type' ? new TypeError(message) : new RangeError(message);
  return Object.assign(error, { code: argumentErrorCodes[kind] });
}

/** Throws the house error: "Expected `name` to be <expected>, got <value>", with its code. */
export function invalidArgument(
  kind: 'type' | 'range',
  name: string,
  expected: string,
  value: unknown,
): never {
  throw argumentError(kind, `Expected \`${name}\` to be ${expected}, got ${describeValue(value)}`);
}

/**
 * An optional options bag: an object or `undefined` (catches `enable('warn')`, `new Lock('a')`).
 */
export function validateOptionsBag(
  value: unknown,
  name = 'options',
): asserts value is object | undefined {
  if (
    value !== undefined &&
    (typeof value !== 'object' || value === null || Array.isArray(value))
  ) {
    invalidArgument('type', name, 'an object', value);
  }
}

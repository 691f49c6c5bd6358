/* eslint-disable @interlock/consistent-lock-order -- These tests build lock-order cycles for the
   detector to find: it is what they test. */
/**
 * Issue 8, item 6: the detector's options are checked before anything changes. A bag that is not
 * an object (`enable('warn')`) is a TypeError, as is an option of the wrong type (`null`
 * included); a number out of range is a RangeError. Messages follow the house form.
 */
import { describe, expect, it } from 'vitest';
import { detector, Lock, type DetectorEnableOptions } from '../src/index.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';
import { argumentError } from '@interlock/core';

disableAfterEach();

/** Calls `enable` with something its type does not allow. */
function enableWith(value: unknown): void {
  detector.enable(value as DetectorEnableOptions);
}

/** Takes `a` then `b`, then `b` then `a`: under 'throw' the second nesting rejects. */
async function reverseOrder(): Promise<unknown> {
  const a = new Lock({ name: 'a' });
  const b = new Lock({ name: 'b' });
  await a.withLock(() => b.withLock(() => undefined));
  return b
    .withLock(() => a.withLock(() => undefined))
    .then(
      () => 'taken',
      (error: unknown) => (error as Error).name,
    );
}

describe('detector.enable validates before it changes anything', () => {
  it("enable('warn') and enable(42) throw TypeError and leave a disabled detector disabled", () => {
    detector.disable();
    expect(() => enableWith('warn')).toThrow(
      argumentError('type', 'Expected `options` to be an object, got "warn"'),
    );
    expect(() => enableWith(42)).toThrow(
      argumentError('type', 'Expected `options` to be an object, got 42'),
    );
    expect(() => enableWith(null)).toThrow(
      argumentError('type', 'Expected `options` to be an object, got null'),
    );
    expect(() => enableWith(['warn'])).toThrow(
      argumentError('type', 'Expected `options` to be an object, got an array'),
    );
    expect(detector.enabled).toBe(false);
  });

  it("enable('warn') on an enabled detector keeps its mode ('record' stays 'record')", async () => {
    enableFresh({ onCycle: 'record' });
    expect(() => enableWith('warn')).toThrow(TypeError);
    expect(detector.enabled).toBe(true);
    // Still 'record': the reversed order is taken and recorded, not thrown.
    expect(await reverseOrder()).toBe('taken');
    expect(detector.cycles()).toHaveLength(1);
  });

  it('a wrong-typed option is a TypeError, null included', () => {
    enableFresh({ onCycle: 'record' });
    const cases: [DetectorEnableOptions, string][] = [
      [
        { holdTimeout: '100' as unknown as number },
        'Expected `holdTimeout` to be a number of milliseconds from 0 to 2147483647, got "100"',
      ],
      [
        { holdTimeout: null as unknown as number },
        'Expected `holdTimeout` to be a number of milliseconds from 0 to 2147483647, got null',
      ],
      [
        { onCycle: 42 as unknown as 'warn' },
        "Expected `onCycle` to be 'throw', 'warn' or 'record', got 42",
      ],
      [
        { onCycle: null as unknown as 'warn' },
        "Expected `onCycle` to be 'throw', 'warn' or 'record', got null",
      ],
      [
        { onCycle: 'warning' as unknown as 'warn' },
        "Expected `onCycle` to be 'throw', 'warn' or 'record', got \"warning\"",
      ],
      [{ stacks: 'yes' as unknown as boolean }, 'Expected `stacks` to be a boolean, got "yes"'],
      [{ stacks: null as unknown as boolean }, 'Expected `stacks` to be a boolean, got null'],
      [
        { onWarning: 'log' as unknown as () => void },
        'Expected `onWarning` to be a function, got "log"',
      ],
      [
        { frameFilters: '/src/' as unknown as string[] },
        'Expected `frameFilters` to be an array of strings and RegExps, got "/src/"',
      ],
    ];
    for (const [options, message] of cases)
      expect(() => detector.enable(options)).toThrow(argumentError('type', message));
  });

  it('an out-of-range number is a RangeError', () => {
    enableFresh();
    for (const holdTimeout of [-1, Number.NaN, Infinity, 2 ** 31]) {
      expect(() => detector.enable({ holdTimeout })).toThrow(RangeError);
    }
    expect(() => detector.enable({ holdTimeout: -1 })).toThrow(
      argumentError(
        'range',
        'Expected `holdTimeout` to be a number of milliseconds from 0 to 2147483647, got -1',
      ),
    );
  });

  it('a rejected enable keeps the options in force', async () => {
    enableFresh({ onCycle: 'record' });
    expect(() =>
      detector.enable({ onCycle: 'throw', holdTimeout: '5' as unknown as number }),
    ).toThrow(TypeError);
    expect(await reverseOrder()).toBe('taken');
  });
});

describe('detector.format validates its arguments', () => {
  it('an unknown format is a TypeError, not silently text', () => {
    expect(() => detector.format(detector.snapshot(), 'xml' as 'text')).toThrow(
      argumentError('type', "Expected `format` to be 'text' or 'json', got \"xml\""),
    );
  });
});

/* eslint-disable @interlock/consistent-lock-order -- These tests build lock-order cycles for the
   detector to find: it is what they test. */
/**
 * Issue 8, item 5, end to end: a lock whose name holds a newline, an ANSI escape or a bidi
 * override is kept exactly in the JSON snapshot and escaped in `detector.format()` and in the
 * LockOrderError message; every `name` option is checked to be a string.
 */
import { Mutex } from 'async-mutex';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  detector,
  instrument,
  Lock,
  LockOrderError,
  RLock,
  Semaphore,
} from '../src/index.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';
import { argumentError, parseReport } from '@interlock/core';

disableAfterEach();

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function abba(a: Lock, b: Lock): Promise<unknown> {
  await a.withLock(() => b.withLock(() => undefined));
  return b.withLock(() => a.withLock(() => undefined)).catch((error: unknown) => error);
}

describe('hostile lock names', () => {
  it('are kept exactly in the snapshot and escaped in the text report and the error message', async () => {
    enableFresh();
    const forged = 'db\n-> #7 forged -> edge\u001b[2K';
    const error = await abba(new Lock({ name: forged }), new Lock({ name: 'rtl\u202eevil' }));
    expect(error).toBeInstanceOf(LockOrderError);
    expect((error as LockOrderError).message).not.toMatch(ACTIVE);
    expect((error as LockOrderError).message).not.toContain('\n');

    const report = detector.snapshot();
    expect(report.locks.map((lock) => lock.name)).toEqual(
      expect.arrayContaining([forged, 'rtl\u202eevil']),
    );
    expect(
      parseReport(detector.format(report, 'json'), 'report.json').cycles[0]!.locks.map(
        (lock) => lock.name,
      ),
    ).toEqual([forged, 'rtl\u202eevil']);

    const text = detector.format(report);
    expect(text).not.toMatch(ACTIVE);
    expect(text).toContain('"db\\n-> #7 forged -> edge\\u001b[2K"');
    expect(text).not.toMatch(/^-> #7/m);
    // The same report with plain names has exactly as many lines.
    enableFresh();
    await abba(new Lock({ name: 'a' }), new Lock({ name: 'b' }));
    expect(text.split('\n')).toHaveLength(detector.format().split('\n').length);
  });
});

describe('name options', () => {
  it('must be strings, with the house message, for every primitive that takes one', () => {
    const bad = 42 as unknown as string;
    const message = 'Expected `name` to be a string, got 42';
    const makers = [
      () => new Lock({ name: bad }),
      () => new RLock({ name: bad }),
      () => new Semaphore(1, { name: bad }),
      () => new BoundedSemaphore(1, { name: bad }),
      () => new Condition(undefined, { name: bad }),
      () => new Barrier(2, { name: bad }),
      () => instrument(new Mutex(), { name: bad }),
    ];
    for (const make of makers) expect(make).toThrow(argumentError('type', message));
    expect(() => new Lock({ name: { toString: () => 'x' } as unknown as string })).toThrow(
      argumentError('type', 'Expected `name` to be a string, got an object'),
    );
  });
});

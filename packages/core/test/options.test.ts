/** Issue 8, item 6: core's options and format entry points check types and ranges before acting. */
import { describe, expect, it } from 'vitest';
import {
  Detector,
  formatReport,
  resolveOptions,
  type DetectorOptions,
  type LockGraphReport,
} from '../src/index.ts';
import { argumentError } from '../src/index.ts';

const empty: LockGraphReport = { version: 1, locks: [], edges: [], cycles: [], deadlocks: [] };

describe('resolveOptions', () => {
  it('a bag that is not an object is a TypeError', () => {
    for (const value of ['warn', 42, null, ['record']]) {
      expect(() => resolveOptions(value as DetectorOptions)).toThrow(TypeError);
      expect(() => new Detector(value as DetectorOptions)).toThrow(TypeError);
    }
    expect(() => resolveOptions('warn' as DetectorOptions)).toThrow(
      argumentError('type', 'Expected `options` to be an object, got "warn"'),
    );
  });

  it('a wrong-typed holdTimeout is a TypeError; a number out of range a RangeError', () => {
    expect(() => resolveOptions({ holdTimeout: '100' as unknown as number })).toThrow(TypeError);
    expect(() => resolveOptions({ holdTimeout: -1 })).toThrow(RangeError);
    expect(() => resolveOptions({ holdTimeout: Number.NaN })).toThrow(RangeError);
    expect(resolveOptions({ holdTimeout: 2 ** 31 - 1 }).holdTimeout).toBe(2 ** 31 - 1);
  });

  it('null is a value of the wrong type, not "absent"', () => {
    expect(() => resolveOptions({ onCycle: null as unknown as 'warn' })).toThrow(TypeError);
    expect(() => resolveOptions({ stacks: null as unknown as boolean })).toThrow(TypeError);
    expect(() => resolveOptions({ frameFilters: null as unknown as string[] })).toThrow(TypeError);
  });

  it('configure with a bad value changes nothing', () => {
    const detector = new Detector({ onCycle: 'record', holdTimeout: 10 });
    expect(() => detector.configure('warn' as DetectorOptions)).toThrow(TypeError);
    expect(() => detector.configure({ onCycle: 'warn', holdTimeout: -3 })).toThrow(RangeError);
    expect(detector.options).toMatchObject({ onCycle: 'record', holdTimeout: 10 });
  });
});

describe('formatReport', () => {
  it('an unknown format or a bad cwd is a TypeError', () => {
    expect(() => formatReport(empty, 'xml' as 'text')).toThrow(
      argumentError('type', "Expected `format` to be 'text' or 'json', got \"xml\""),
    );
    expect(() => formatReport(empty, 'text', { cwd: 3 as unknown as string })).toThrow(
      argumentError('type', 'Expected `cwd` to be a string, got 3'),
    );
    expect(formatReport(empty, 'text')).toContain('no lock-order cycles');
  });
});

/**
 * Every contract suite of the primitives again, with the real detector enabled (onCycle: 'throw').
 * The suites are correct code: nothing may fire — no LockOrderError, no DeadlockError, no warning.
 * (Some tests end with waiters still queued on purpose, so blocked waits are not checked here.)
 */
import { expect } from 'vitest';
import { DeadlockError, detector } from '../src/index.ts';
import { describeAllContracts } from './contract/all.ts';

const warnings: Error[] = [];

describeAllContracts('detector on (onCycle: throw)', {
  beforeEach: () => {
    warnings.length = 0;
    detector.reset();
    detector.enable({ onCycle: 'throw', onWarning: (warning) => warnings.push(warning) });
  },
  afterEach: () => {
    detector.disable();
    const found = {
      cycles: detector.cycles(),
      deadlocks: detector.deadlocks(),
      warnings: [...warnings],
    };
    detector.reset();
    expect(found, 'the detector fired on correct code').toEqual({
      cycles: [],
      deadlocks: [],
      warnings: [],
    });
  },
  detector: {
    expectSelfDeadlock(error) {
      expect(error).toBeInstanceOf(DeadlockError);
      expect((error as DeadlockError).cycle.locks).toHaveLength(1);
      // The one finding this test provoked on purpose; anything else still fails in afterEach.
      expect(detector.deadlocks()).toHaveLength(1);
      detector.reset();
    },
  },
});

/**
 * All contract suites again with a pass-through probe installed, so every primitive takes its
 * probed path (src/internal/probe.ts) and the seam's own invariants are checked on the way:
 * a wait ends at most once, and only granted holds are released.
 */
import { expect } from 'vitest';
import { setProbe, type LockProbe } from '../src/internal/probe.ts';
import type { Hold } from '../src/internal/task-context.ts';
import { describeAllContracts } from './contract/all.ts';

function checkingProbe(): LockProbe {
  const granted = new WeakSet<Hold>();
  return {
    beforeAcquire() {},
    waiting() {
      let ended = false;
      return () => {
        expect(ended, 'a wait ended twice').toBe(false);
        ended = true;
      };
    },
    acquired(_lock, hold) {
      granted.add(hold);
    },
    released(_lock, hold) {
      expect(granted.has(hold), 'released a hold that was never granted').toBe(true);
    },
  };
}

describeAllContracts('pass-through probe installed', {
  beforeEach: () => setProbe(checkingProbe()),
  afterEach: () => setProbe(undefined),
});

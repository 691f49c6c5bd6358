/**
 * All contract suites again with a pass-through probe installed, so every primitive takes its
 * probed path (src/internal/probe.ts) and the seam's own invariants are checked on the way:
 * a wait ends at most once, and only granted holds are released.
 */
import type { Hold, LockProbe, WaitTicket } from '@interlock/core';
import { expect } from 'vitest';
import { setProbe } from '../src/internal/probe.ts';
import { describeAllContracts } from './contract/all.ts';

function checkingProbe(): LockProbe {
  const granted = new WeakSet<Hold>();
  const ended = new WeakSet<WaitTicket>();
  return {
    creationSite: () => undefined,
    beforeAcquire: () => undefined,
    waitStart: (held, lock) => ({ lock, held }) as unknown as WaitTicket,
    waitEnd(ticket) {
      expect(ended.has(ticket), 'a wait ended twice').toBe(false);
      ended.add(ticket);
    },
    holdAcquired(hold) {
      granted.add(hold);
    },
    holdReleased(hold) {
      expect(granted.has(hold), 'released a hold that was never granted').toBe(true);
    },
  };
}

describeAllContracts('pass-through probe installed', {
  beforeEach: () => setProbe(checkingProbe()),
  afterEach: () => setProbe(undefined),
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextFloorCases, floorContext } from '../cases/context-floor.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('context floor cases', () => {
  it('each "ours" side enters one frame per op and its baseline enters none', async () => {
    const cases = contextFloorCases();
    expect(cases.map((entry) => entry.name)).toEqual([
      'context floor: using + one frame',
      'context floor: callback + one frame',
    ]);
    const entries = vi.spyOn(floorContext, 'enterWith');
    for (const entry of cases) {
      entries.mockClear();
      await entry.baseline.run(5);
      expect(entries).not.toHaveBeenCalled();
      await entry.ours.run(5);
      expect(entries).toHaveBeenCalledTimes(5);
    }
  });
});

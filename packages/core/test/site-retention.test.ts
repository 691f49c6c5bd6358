/**
 * Issue 8, item 3 at core's level: a captured site is plain data. A V8 stack that was captured but
 * never formatted keeps each frame's receiver and function alive; a SiteCapture or a LockNode's
 * creation site must not, or every lock ever acquired with the detector on would stay in memory.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LockNode } from '../src/index.ts';
import { SiteCapture } from '../src/sites.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collected(ref: WeakRef<object>, cycles = 50): Promise<boolean> {
  for (let cycle = 0; cycle < cycles; cycle++) {
    await realImmediate();
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

/** Stands for a user's lock: its methods are on the stack when the detector captures a site. */
class Resource {
  readonly payload = new Array<number>(1000).fill(1);
  site(): SiteCapture {
    return new SiteCapture();
  }
  created(): SiteCapture {
    return new SiteCapture();
  }
}

describe('captured sites keep nothing alive', () => {
  it('a SiteCapture taken inside a method does not keep the receiver', async () => {
    const kept: SiteCapture[] = [];
    const ref = (() => {
      const resource = new Resource();
      kept.push(resource.site());
      return new WeakRef(resource);
    })();
    expect(await collected(ref)).toBe(true);
    expect(kept[0]!.site).toMatchObject({
      file: expect.stringMatching(/site-retention\.test\.ts$/) as string,
      function: 'Resource.site',
    });
  });

  it('a LockNode built with a creation site keeps no frame of its creation', async () => {
    const nodes: LockNode[] = [];
    const ref = (() => {
      const resource = new Resource();
      nodes.push(
        new LockNode({
          name: 'r',
          kind: 'Lock',
          reentrant: false,
          exclusive: true,
          site: resource.created(),
        }),
      );
      return new WeakRef(resource);
    })();
    expect(await collected(ref)).toBe(true);
    expect(nodes[0]!.site?.file).toMatch(/site-retention\.test\.ts$/);
  });
});

/**
 * What a new lock-order edge costs, counted rather than timed: a program that creates a lock per
 * request and takes it under a long-lived lock adds one new edge per request. The regression this
 * guards against (docs/benchmarks.md, "new edge per op"): every site capture formatted the top 12
 * frames of the stack and parsed them back, so each new edge cost ~10× what it had. Now a capture
 * reads the call sites as data and formats only the site's own frame (and the one below it, which
 * a source-mapping formatter reads for the function name) — whatever the depth of the stack.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detector, Lock } from '../src/index.ts';
import { disableAfterEach, enableFresh } from './support/detector.ts';

disableAfterEach();

type Prepare = NonNullable<typeof Error.prepareStackTrace>;

/** Frames handed to the installed `Error.prepareStackTrace` and stacks captured, since `reset`. */
const work = { formatted: 0, captures: 0 };
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was
const originalPrepare = Error.prepareStackTrace;
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was
const originalCapture = Error.captureStackTrace;

/** A formatter of V8's shape, for a run where none is installed (a `vm` context). */
const plainFormat: Prepare = (error, sites) =>
  [
    String(error),
    ...sites.map(
      (site) =>
        `    at ${site.getFunctionName() ?? '<anonymous>'} ` +
        `(${site.getFileName() ?? '<anonymous>'}:${site.getLineNumber()}:${site.getColumnNumber()})`,
    ),
  ].join('\n');

beforeEach(() => {
  const format = originalPrepare ?? plainFormat;
  Error.prepareStackTrace = (error, sites) => {
    work.formatted += sites.length;
    return format(error, sites) as unknown;
  };
  Error.captureStackTrace = (target, skip) => {
    work.captures++;
    originalCapture(target, skip);
  };
});

afterEach(() => {
  Error.prepareStackTrace = originalPrepare;
  Error.captureStackTrace = originalCapture;
});

/** `count` ops that each take `outer` and then a lock made for the op: one new edge each. */
async function newEdges(outer: Lock, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const fresh = new Lock({ name: `fresh-${index}` });
    using _outer = await outer.acquire();
    using _fresh = await fresh.acquire();
  }
}

/** The same, called `depth` calls deep, so that every capture sees a deep stack. */
function deeply(depth: number, run: () => Promise<void>): Promise<void> {
  return depth === 0 ? run() : deeply(depth - 1, run);
}

/** Work done by `count` new edges made `depth` calls deep, per edge. */
async function perEdge(
  count: number,
  depth: number,
): Promise<{ formatted: number; captures: number }> {
  enableFresh();
  const outer = new Lock({ name: 'outer' });
  {
    // The first outermost acquisition of `outer` captures a site of its own; leave it out.
    using _warm = await outer.acquire();
  }
  work.formatted = 0;
  work.captures = 0;
  const edgesBefore = detector.stats().edges;
  await deeply(depth, () => newEdges(outer, count));
  expect(detector.stats().edges - edgesBefore).toBe(count);
  return { formatted: work.formatted / count, captures: work.captures / count };
}

describe('a new lock-order edge', () => {
  it('costs two stack captures (creation site, acquirer) and at most 4 formatted frames', async () => {
    const shallow = await perEdge(50, 0);
    expect(shallow.captures).toBe(2);
    expect(shallow.formatted).toBeLessThanOrEqual(4);
  });

  it('costs the same however deep the stack and however many edges came before', async () => {
    const few = await perEdge(20, 30);
    const many = await perEdge(200, 30);
    // Formatting the whole top of the stack (12 frames a capture) is what made it cost 10×.
    expect(few.formatted).toBeLessThanOrEqual(4);
    expect(many).toEqual(few);
  });

  it('still records the user’s own line as the site', async () => {
    enableFresh();
    const outer = new Lock({ name: 'outer' });
    await deeply(30, () => newEdges(outer, 1));
    const report = detector.snapshot();
    const edge = report.edges[0]!;
    expect(edge.acquirer?.file).toMatch(/detector-new-edge-cost\.test\.ts$/);
    const creation = report.locks.find((lock) => lock.name === 'fresh-0')!;
    expect(creation.site?.file).toMatch(/detector-new-edge-cost\.test\.ts$/);
  });
});

/**
 * What source instrumentation cannot see — each a lost edge, never an invented one
 * (docs/detector.md "What instrumentation cannot see"). The instrumented code is written out by
 * hand, exactly as the transform emits it.
 */
import { describe, expect, it } from 'vitest';
import { bind } from '../src/bind.ts';
import { detector, Lock, trackYields } from '../src/index.ts';
import { instrumentSource } from '../src/transform/index.ts';
import { disableAfterEach, edgeNames, enableFresh } from './support/detector.ts';

disableAfterEach();

/** Holds `a` across a `yield`, then takes `b` — as instrumented code does it. */
async function* acrossYield(a: Lock, b: Lock): AsyncGenerator<number> {
  bind(await a.acquire());
  try {
    yield 1;
    bind(await b.acquire());
    b.release();
  } finally {
    a.release();
  }
}

describe('holds across yield in an async generator', () => {
  it('are lost after the yield (the body resumes in the consumer’s frame): no edge, and none invented', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    for await (const row of acrossYield(a, b)) expect(row).toBe(1);
    expect(edgeNames()).toEqual([]);
    expect(detector.cycles()).toEqual([]);
  });

  it('wrapped in trackYields, a bound hold survives the yield: the edge is seen', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    for await (const row of trackYields(acrossYield(a, b))) expect(row).toBe(1);
    expect(edgeNames()).toEqual(['a→b']);
  });

  it('before the first yield the hold is seen as usual', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    async function* rows(): AsyncGenerator<number> {
      bind(await a.acquire());
      try {
        bind(await b.acquire());
        b.release();
        yield 1;
      } finally {
        a.release();
      }
    }
    for await (const row of rows()) expect(row).toBe(1);
    expect(edgeNames()).toEqual(['a→b']);
  });

  it('the transform leaves yield alone (restoring the frame there would lend the generator’s holds to the consumer)', () => {
    const code = 'async function* g(l) { await l.acquire(); yield 1; }';
    const out = instrumentSource(code, '/g.ts')?.code.split('\n')[0];
    expect(out).toBe(
      'async function* g(l) { __interlock_bind(await l.acquire(), "/g.ts:1:32"); yield 1; }',
    );
  });
});

describe('code built at run time (eval, new Function)', () => {
  it('is not instrumented: its plain-style holds are anonymous, no edge', async () => {
    enableFresh({ onCycle: 'record' });
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the hole under test
    const nest = new Function(
      'a',
      'b',
      'return (async () => { await a.acquire(); await b.acquire(); b.release(); a.release(); })();',
    ) as (a: Lock, b: Lock) => Promise<void>;
    await nest(a, b);
    expect(edgeNames()).toEqual([]);
  });
});

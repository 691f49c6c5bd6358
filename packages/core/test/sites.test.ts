import { describe, expect, it } from 'vitest';
import {
  SiteCapture,
  defaultFrameFilters,
  isFiltered,
  parseFrame,
  parseStack,
  sourceDirectory,
  userSite,
} from '../src/sites.ts';

describe('sites', () => {
  it('parses the V8 frame forms', () => {
    expect(parseFrame('    at transfer (file:///app/src/bank%20x.ts:12:7)')).toEqual({
      file: '/app/src/bank x.ts',
      line: 12,
      column: 7,
      function: 'transfer',
      async: false,
    });
    expect(parseFrame('    at async Promise.all (index 0)')).toBeUndefined();
    expect(parseFrame('    at async run (/app/src/main.ts:3:5)')).toMatchObject({
      function: 'run',
      async: true,
      line: 3,
    });
    expect(parseFrame('    at /app/src/main.ts:30:1')).toEqual({
      file: '/app/src/main.ts',
      line: 30,
      column: 1,
      async: false,
    });
    expect(parseFrame('    at new Account (C:\\app\\account.ts:4:2)')).toMatchObject({
      file: 'C:\\app\\account.ts',
      function: 'new Account',
    });
    expect(
      parseFrame('    at eval (eval at <anonymous> (/app/x.ts:1:1), <anonymous>:1:1)'),
    ).toBeUndefined();
    expect(parseFrame('Error: site')).toBeUndefined();
    expect(
      parseStack('Error\n    at a (/x.ts:1:2)\n    at b (/y.ts:3:4)').map((frame) => frame.file),
    ).toEqual(['/x.ts', '/y.ts']);
  });

  it('skips interlock’s own frames and node internals', () => {
    const own = sourceDirectory(import.meta.url.replace('/test/', '/src/'))!;
    expect(defaultFrameFilters).toContain(own);
    const stack = [
      'Error: site',
      `    at new SiteCapture (${own}sites.ts:1:1)`,
      `    at Detector.beforeAcquire (file://${own}detector.ts:1:1)`,
      '    at Lock.acquire (/repo/node_modules/@interlock/primitives/dist/lock.js:1:1)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      '    at async transfer (/repo/app/bank.ts:20:5)',
    ].join('\n');
    expect(userSite(stack)).toEqual({
      file: '/repo/app/bank.ts',
      line: 20,
      column: 5,
      function: 'transfer',
    });
    expect(userSite(stack, [...defaultFrameFilters, /bank\.ts$/])).toBeUndefined();
    expect(isFiltered(`${own}graph.ts`.replaceAll('/', '\\'), defaultFrameFilters)).toBe(true);
  });

  it('only interlock’s own directories: a user’s packages/core/src/ is the user’s code', () => {
    const stack = [
      'Error: site',
      '    at Lock.acquire (/repo/node_modules/@interlock/primitives/dist/lock.js:1:1)',
      '    at async transfer (/repo/packages/core/src/bank.ts:20:5)',
    ].join('\n');
    expect(userSite(stack)).toEqual({
      file: '/repo/packages/core/src/bank.ts',
      line: 20,
      column: 5,
      function: 'transfer',
    });
  });

  it('sourceDirectory: the directory of a file: URL, with a trailing slash; none for other URLs', () => {
    expect(sourceDirectory('file:///app/lib/x%20y/mod.js')).toBe('/app/lib/x y/');
    expect(sourceDirectory('file:///C:/app/lib/mod.js')).toBe('C:/app/lib/');
    expect(
      isFiltered('C:\\app\\lib\\mod.js', [sourceDirectory('file:///C:/app/lib/mod.js')!]),
    ).toBe(true);
    expect(sourceDirectory('https://cdn.example/mod.js')).toBeUndefined();
  });

  it('captures now and resolves the caller’s line later', () => {
    // The capture is made on the line above the one that reads its own line.
    const capture = new SiteCapture();
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[1]!)![1]) - 1;
    expect(capture.site?.file).toMatch(/packages\/core\/test\/sites\.test\.ts$/);
    expect(capture.site?.line).toBe(line);
    expect(SiteCapture.of(undefined).site).toBeUndefined();
  });
});

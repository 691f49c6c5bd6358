import conditionWaitInLoop from '../../src/rules/condition-wait-in-loop.ts';
import noSelfDeadlock from '../../src/rules/no-self-deadlock.ts';
import noUnmanagedAcquire from '../../src/rules/no-unmanaged-acquire.ts';
import { typedRuleTester, untypedRuleTester } from './rule-tester.ts';

// settings.interlock.locks: user lock types in TypeOrValueSpecifier form, one per specifier kind.
const settings = {
  interlock: {
    locks: [
      {
        type: { from: 'package', package: 'my-locks', name: 'FairMutex' },
        acquireResult: 'releaser',
        callback: ['synchronized'],
      },
      { type: { from: 'file', name: ['CondVar'] }, kind: 'condition' },
      { type: 'Monitor', kind: 'rlock', callback: ['synchronized'] },
      { type: { from: 'file', name: 'Gate', path: 'file.ts' }, callback: ['through'] },
      // Malformed entries are skipped, not fatal.
      42,
      { type: 7 },
      { type: { from: 'package', name: 'NoPackage' } },
    ],
  },
};

const declarations = `import { FairMutex } from 'my-locks';
declare class CondVar { acquire(): Promise<Disposable>; wait(): Promise<boolean>; notify(): void; }
declare class Monitor { synchronized<T>(fn: () => T): Promise<T>; }
declare class Gate { through<T>(fn: () => T): Promise<T>; }
declare function work(): void;
`;

typedRuleTester().run('settings: no-unmanaged-acquire', noUnmanagedAcquire, {
  valid: [
    {
      code: `${declarations}const m = new FairMutex();
export async function f() {
  const release = await m.acquire();
  try { work(); } finally { release(); }
}`,
      settings,
    },
    // Without the setting the type is not a lock.
    `${declarations}const m = new FairMutex();
export async function f() {
  const release = await m.acquire();
  work();
  release();
}`,
  ],
  invalid: [
    {
      code: `${declarations}const m = new FairMutex();
export async function f() {
  const release = await m.acquire();
  work();
  release();
}`,
      settings,
      output: null,
      errors: [
        {
          messageId: 'unmanaged',
          line: 8,
          column: 25,
          data: { lock: 'm', method: 'acquire' },
          suggestions: [],
        },
      ],
    },
  ],
});

typedRuleTester().run('settings: condition-wait-in-loop', conditionWaitInLoop, {
  valid: [
    {
      code: `${declarations}const cv = new CondVar();
let ready = false;
export async function f() {
  using g = await cv.acquire();
  while (!ready) await cv.wait();
}`,
      settings,
    },
  ],
  invalid: [
    {
      code: `${declarations}const cv = new CondVar();
let ready = false;
export async function f() {
  using g = await cv.acquire();
  if (!ready) await cv.wait();
}`,
      settings,
      output: null,
      errors: [
        {
          messageId: 'waitNotInLoop',
          line: 10,
          column: 21,
          suggestions: [
            {
              messageId: 'ifToWhile',
              output: `${declarations}const cv = new CondVar();
let ready = false;
export async function f() {
  using g = await cv.acquire();
  while (!ready) await cv.wait();
}`,
            },
          ],
        },
      ],
    },
  ],
});

typedRuleTester().run('settings: no-self-deadlock', noSelfDeadlock, {
  valid: [
    {
      // kind: 'rlock' is re-entrant.
      code: `${declarations}const monitor = new Monitor();
export async function f() {
  await monitor.synchronized(async () => {
    await monitor.synchronized(() => work());
  });
}`,
      settings,
    },
  ],
  invalid: [
    {
      code: `${declarations}const m = new FairMutex();
export async function f() {
  await m.synchronized(async () => {
    await m.synchronized(() => work());
  });
}`,
      settings,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 11, data: { lock: 'm', line: 8 } }],
    },
    {
      code: `${declarations}const gate = new Gate();
export async function f() {
  await gate.through(async () => {
    await gate.through(() => work());
  });
}`,
      settings,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 11 }],
    },
  ],
});

untypedRuleTester().run('settings without type information: no-self-deadlock', noSelfDeadlock, {
  valid: [],
  invalid: [
    {
      code: `${declarations}const m = new FairMutex();
export async function f() {
  await m.synchronized(async () => {
    await m.synchronized(() => work());
  });
}`,
      settings,
      output: null,
      errors: [{ messageId: 'selfDeadlock', line: 9, column: 11 }],
    },
  ],
});

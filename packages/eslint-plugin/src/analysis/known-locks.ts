import type { AcquireResult, LockCategory, LockKind } from './types.ts';

interface KindSpec {
  typeName: string;
  category: LockCategory;
  reentrant?: boolean;
  acquireResult: AcquireResult;
  acquire?: string[];
  tryAcquire?: string[];
  release?: string[];
  callback?: string[];
  wait?: string[];
  waitFor?: string[];
  notify?: string[];
}

/** Builds a LockKind from plain lists. */
export function makeKind(spec: KindSpec): LockKind {
  return {
    typeName: spec.typeName,
    category: spec.category,
    reentrant: spec.reentrant ?? false,
    acquireResult: spec.acquireResult,
    acquire: new Set(spec.acquire ?? []),
    tryAcquire: new Set(spec.tryAcquire ?? []),
    release: new Set(spec.release ?? []),
    callback: new Set(spec.callback ?? []),
    wait: new Set(spec.wait ?? []),
    waitFor: new Set(spec.waitFor ?? []),
    notify: new Set(spec.notify ?? []),
  };
}

// interlock: `acquireAsync` is the threads flavour's async acquire (its `acquire` blocks).
type MethodLists = Omit<KindSpec, 'typeName' | 'category'>;

const interlockMethods = (): MethodLists => ({
  acquireResult: 'guard',
  acquire: ['acquire', 'acquireAsync'],
  tryAcquire: ['tryAcquire'],
  release: ['release'],
  callback: ['withLock'],
});

const mutexMethods = (): MethodLists => ({
  acquireResult: 'releaser',
  acquire: ['acquire'],
  release: ['release'],
  callback: ['runExclusive'],
});

const semaphoreMethods = (): MethodLists => ({
  ...mutexMethods(),
  acquireResult: 'value-and-releaser',
});

function kinds(specs: KindSpec[]): ReadonlyMap<string, LockKind> {
  return new Map(specs.map((spec) => [spec.typeName, makeKind(spec)]));
}

/** Lock types recognised out of the box, by package name then exported type name. */
export const knownLockTypes: ReadonlyMap<string, ReadonlyMap<string, LockKind>> = new Map([
  [
    '@interlock/primitives',
    kinds([
      { typeName: 'Lock', category: 'lock', ...interlockMethods() },
      { typeName: 'RLock', category: 'rlock', reentrant: true, ...interlockMethods() },
      { typeName: 'Semaphore', category: 'semaphore', ...interlockMethods() },
      { typeName: 'BoundedSemaphore', category: 'semaphore', ...interlockMethods() },
      {
        typeName: 'Condition',
        category: 'condition',
        // The default lock of a Condition is an RLock; a known underlying Lock overrides this.
        reentrant: true,
        ...interlockMethods(),
        wait: ['wait'],
        waitFor: ['waitFor'],
        notify: ['notify', 'notifyAll'],
      },
    ]),
  ],
  [
    'async-mutex',
    kinds([
      { typeName: 'Mutex', category: 'lock', ...mutexMethods() },
      { typeName: 'MutexInterface', category: 'lock', ...mutexMethods() },
      { typeName: 'Semaphore', category: 'semaphore', ...semaphoreMethods() },
      { typeName: 'SemaphoreInterface', category: 'semaphore', ...semaphoreMethods() },
    ]),
  ],
  [
    'await-lock',
    kinds([
      {
        typeName: 'AwaitLock',
        category: 'lock',
        acquireResult: 'nothing',
        acquire: ['acquireAsync'],
        tryAcquire: ['tryAcquire'],
        release: ['release'],
      },
    ]),
  ],
]);

/** Web Locks' `LockManager` (lib.dom or @types/node): `request(name, [options], callback)`. */
export const webLockKind: LockKind = makeKind({
  typeName: 'LockManager',
  category: 'weblock',
  acquireResult: 'nothing',
  callback: ['request'],
});

/** async-mutex's free-function wrappers that return a MutexInterface for the same lock. */
export const asyncMutexWrappers: ReadonlySet<string> = new Set(['withTimeout', 'tryAcquire']);

/** Every method name a built-in lock kind reacts to: a cheap filter before asking for types. */
export function methodNamesOf(kind: LockKind): string[] {
  return [
    ...kind.acquire,
    ...kind.tryAcquire,
    ...kind.release,
    ...kind.callback,
    ...kind.wait,
    ...kind.waitFor,
    ...kind.notify,
  ];
}

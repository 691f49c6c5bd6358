import { makeKind } from './known-locks.ts';
import type { LockCategory, LockKind } from './types.ts';

/**
 * Names a type the way typescript-eslint's `TypeOrValueSpecifier` does: a bare name, or where it
 * is declared: in a package, in a file of this program, or in TypeScript's lib.
 */
export type TypeSpecifier =
  | string
  | { from: 'package'; package: string; name: string | string[] }
  | { from: 'file'; name: string | string[]; path?: string }
  | { from: 'lib'; name: string | string[] };

/** One entry of `settings.interlock.locks`. */
export interface CustomLockSetting {
  type: TypeSpecifier;
  /** @default 'lock' */
  kind?: LockCategory;
  /** @default false */
  reentrant?: boolean;
  /** Blocking acquire methods. @default ['acquire'] */
  acquire?: string[];
  /** Non-blocking acquire methods. @default ['tryAcquire'] */
  tryAcquire?: string[];
  /** @default ['release'] */
  release?: string[];
  /** Methods that run a callback with the lock held. @default ['withLock', 'runExclusive'] */
  callback?: string[];
  /** What acquire resolves to. @default 'nothing' */
  acquireResult?: 'guard' | 'releaser' | 'nothing';
}

export interface CustomLock {
  readonly specifier: TypeSpecifier;
  readonly kind: LockKind;
}

export interface InterlockSettings {
  readonly locks: readonly CustomLock[];
}

const parsed = new WeakMap<object, InterlockSettings>();
const empty: InterlockSettings = { locks: [] };

/** Reads `settings.interlock`, ignoring malformed entries rather than crashing the lint run. */
export function readSettings(settings: Readonly<Record<string, unknown>>): InterlockSettings {
  const raw = settings['interlock'];
  if (typeof raw !== 'object' || raw === null) return empty;
  const cached = parsed.get(raw);
  if (cached) return cached;
  const entries = (raw as { locks?: unknown }).locks;
  const locks: CustomLock[] = [];
  if (Array.isArray(entries)) {
    for (const entry of entries as unknown[]) {
      const lock = toCustomLock(entry);
      if (lock) locks.push(lock);
    }
  }
  const result = { locks };
  parsed.set(raw, result);
  return result;
}

function toCustomLock(entry: unknown): CustomLock | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const setting = entry as Partial<CustomLockSetting>;
  const specifier = setting.type;
  if (!isSpecifier(specifier)) return undefined;
  const category = setting.kind ?? 'lock';
  const names = specifierNames(specifier);
  return {
    specifier,
    kind: makeKind({
      typeName: names[0] ?? 'lock',
      category,
      reentrant: setting.reentrant ?? category === 'rlock',
      acquireResult: setting.acquireResult ?? 'nothing',
      acquire: strings(setting.acquire) ?? ['acquire'],
      tryAcquire: strings(setting.tryAcquire) ?? ['tryAcquire'],
      release: strings(setting.release) ?? ['release'],
      callback: strings(setting.callback) ?? ['withLock', 'runExclusive'],
      ...(category === 'condition'
        ? { wait: ['wait'], waitFor: ['waitFor'], notify: ['notify', 'notifyAll'] }
        : {}),
    }),
  };
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? value
    : undefined;
}

function isSpecifier(value: unknown): value is TypeSpecifier {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  const from = (value as { from?: unknown }).from;
  const name = (value as { name?: unknown }).name;
  const nameOk = typeof name === 'string' || strings(name) !== undefined;
  if (from === 'package')
    return nameOk && typeof (value as { package?: unknown }).package === 'string';
  return (from === 'file' || from === 'lib') && nameOk;
}

/** The type names a specifier accepts. */
export function specifierNames(specifier: TypeSpecifier): string[] {
  if (typeof specifier === 'string') return [specifier];
  return typeof specifier.name === 'string' ? [specifier.name] : specifier.name;
}

/**
 * Facts about the `bank` fixture read from its sources, so assertions name exact positions
 * without hard-coding them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cycle, LockGraphReport } from '@interlock/core';
import { fixturesDirectory } from './run-fixture.ts';

export const bankDirectory = join(fixturesDirectory, 'bank');

/** `file:line:column` (1-based) of the `occurrence`-th `needle` in a fixture file. */
export function positionOf(
  relativeFile: string,
  needle: string,
  occurrence = 1,
): { file: string; line: number; column: number } {
  const file = join(bankDirectory, relativeFile);
  const lines = readFileSync(file, 'utf8').split('\n');
  let seen = 0;
  for (const [index, text] of lines.entries()) {
    let from = 0;
    for (
      let column = text.indexOf(needle, from);
      column !== -1;
      column = text.indexOf(needle, from)
    ) {
      seen += 1;
      if (seen === occurrence) return { file, line: index + 1, column: column + 1 };
      from = column + 1;
    }
  }
  throw new Error(`${needle} not found in ${relativeFile}`);
}

/** The exported name in src/bank.ts declared on each line (`export const plainA = …`). */
function bankVariables(): Map<number, string> {
  const lines = readFileSync(join(bankDirectory, 'src/bank.ts'), 'utf8').split('\n');
  const names = new Map<number, string>();
  for (const [index, text] of lines.entries()) {
    const match = /^export const (\w+) =/.exec(text);
    if (match !== null) names.set(index + 1, match[1]!);
  }
  return names;
}

/**
 * Each cycle of a report as the sorted bank.ts variable names of its locks, found by where each
 * lock was created (independent of the names the report gives them).
 */
export function cycleVariables(report: LockGraphReport | undefined): string[][] {
  if (report === undefined) return [];
  const variables = bankVariables();
  const locks = new Map(report.locks.map((lock) => [lock.id, lock]));
  const variable = (id: string): string => {
    const line = locks.get(id)?.site?.line;
    return (line === undefined ? undefined : variables.get(line)) ?? id;
  };
  return report.cycles.map((cycle: Cycle) => cycle.locks.map((lock) => variable(lock.id)).sort());
}

/** The sorted names the report gives the locks of each cycle made only of locks of `kinds`. */
export function cycleLockNames(
  report: LockGraphReport | undefined,
  kinds: readonly string[],
): string[][] {
  if (report === undefined) return [];
  const locks = new Map(report.locks.map((lock) => [lock.id, lock]));
  return report.cycles
    .map((cycle) => cycle.locks.map((lock) => locks.get(lock.id)!))
    .filter((cycleLocks) => cycleLocks.every((lock) => kinds.includes(lock.kind)))
    .map((cycleLocks) => cycleLocks.map((lock) => lock.name).sort())
    .sort();
}

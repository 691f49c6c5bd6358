import type ts from 'typescript';
import { ProgramModel } from './program-model.ts';
import type { InterlockSettings } from './settings.ts';
import { AcquisitionSummaries } from './summaries.ts';

/** The program-wide half of the lock model: built once per program and settings. */
export interface ProgramEntry {
  readonly settings: InterlockSettings;
  readonly model: ProgramModel;
  readonly summaries: AcquisitionSummaries;
}

// One model per program (and settings): lock types, identities and call summaries are shared by
// every file and rule of a lint run.
const programEntries = new WeakMap<ts.Program, ProgramEntry>();

/** The program-wide model of `program` under `settings`, made on first use. */
export function programEntry(program: ts.Program, settings: InterlockSettings): ProgramEntry {
  const existing = programEntries.get(program);
  if (existing && existing.settings === settings) return existing;
  const model = new ProgramModel(program, settings);
  const entry = { settings, model, summaries: new AcquisitionSummaries(model) };
  programEntries.set(program, entry);
  return entry;
}

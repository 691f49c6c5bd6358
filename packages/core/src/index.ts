/**
 * `@interlock/core`: a generic lockdep-style detector. Lock-order graph, wait-for graph, held-lock
 * bookkeeping, the `LockGraphReport` format and its text formatter. No I/O, no dependencies,
 * never prints.
 */
export { Detector, type HeldEntry, type HoldAccess } from './detector.ts';
export type { WaitTicket } from './blocked-waits.ts';
export { LockNode, type LockInfo } from './lock-node.ts';
export { LockOrderGraph, type CyclePath } from './graph.ts';
export { WaitForGraph, type DeadlockStep, type Waiter } from './wait-for.ts';
export { resolveOptions, type DetectorOptions, type DetectorWarning, type OnCycle, type ResolvedOptions } from './options.ts';
export {
  DeadlockError,
  InterlockError,
  LockOrderError,
  LongHoldWarning,
  LongWaitWarning,
  ReportFormatError,
} from './errors.ts';
export {
  REPORT_VERSION,
  cycleKey,
  formatSite,
  type Cycle,
  type CycleEdge,
  type CycleLock,
  type LockGraphReport,
  type LongHold,
  type ReportEdge,
  type ReportLock,
  type Site,
} from './report.ts';
export {
  SiteCapture,
  defaultFrameFilters,
  isFiltered,
  parseFrame,
  parseStack,
  sourceDirectory,
  userSite,
  type FrameFilter,
  type StackFrame,
} from './sites.ts';
export { formatReport, type FormatOptions, type ReportFormat } from './format-text.ts';
export { parseReport, validateReport } from './validate-report.ts';
export { mergeReports } from './merge.ts';

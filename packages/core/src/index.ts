/**
 * `@interlock/core`: a generic lockdep-style detector. Lock-order graph, wait-for graph, held-lock
 * bookkeeping, the `LockGraphReport` format and its text formatter. No I/O, no dependencies,
 * never prints. Exports only what lock implementations, the CLI and the test integration use.
 */
// The seam: a lock's identity, the hold shape, and the probe every lock calls (Detector is one).
export { LockNode, type Hold, type LockInfo } from './lock-node.ts';
export type { AcquireSite, LockProbe } from './probe.ts';
export {
  argumentError,
  argumentErrorCodes,
  describeValue,
  invalidArgument,
  validateOptionsBag,
} from './arguments.ts';
export type { WaitTicket } from './blocked-waits.ts';
export { Detector } from './detector.ts';
export {
  DEFAULT_DEADLOCK_GRACE,
  resolveOptions,
  type DetectorOptions,
  type DetectorWarning,
  type OnCycle,
  type ResolvedOptions,
} from './options.ts';
export {
  captureSite,
  defaultFrameFilters,
  sourceDirectory,
  userSite,
  type FrameFilter,
} from './sites.ts';
export {
  DeadlockError,
  InterlockError,
  type DeadlockErrorOptions,
  LockOrderError,
  LongHoldWarning,
  LongWaitWarning,
  ReportFormatError,
} from './errors.ts';
// Reports: the one format, read, rendered and merged.
export {
  REPORT_VERSION,
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
export { formatReport, type FormatOptions, type ReportFormat } from './format-text.ts';
export { parseReport, parseReportForMerge, validateReport } from './validate-report.ts';
export { encodeReport } from './report-encode.ts';
export {
  FILE_VERSION,
  type CycleEdgeTuple,
  type CycleEntry,
  type EdgeTuple,
  type LockTuple,
  type LongHoldTuple,
  type PackedReport,
  type ReportFileV2,
  type SiteTuple,
} from './report-v2.ts';
export { reportJsonChunks, type ReportJsonOptions } from './report-json.ts';
export { mergeReports, ReportUnion } from './merge.ts';

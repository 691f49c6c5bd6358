/** The payload the detector keeps per lock-order edge, and its report form. */
import type { LockNode } from './lock-node.ts';
import type { ReportEdge } from './report.ts';
import type { SiteCapture } from './sites.ts';

/** The payload of a lock-order edge. */
export interface EdgeRecord {
  /** Where the held lock was taken, when known. */
  readonly holder: SiteCapture | undefined;
  /** Where the next lock was requested. */
  readonly acquirer: SiteCapture | undefined;
  /** Acquisitions that followed this edge. */
  count: number;
  /**
   * No acquisition that followed this edge was seen to act for the holder of the held lock: it
   * may have been recorded only by work that inherited the hold and is not awaited by its holder
   * (see `actsForHolder`). A cycle through a doubtful edge is reported, never thrown. Cleared by
   * the first acquisition that does act for the holder.
   */
  doubtful: boolean;
}

/** The report entry of an edge (sites resolved now). */
export function reportEdge(from: LockNode, to: LockNode, record: EdgeRecord): ReportEdge {
  const holder = record.holder?.site;
  const acquirer = record.acquirer?.site;
  return {
    from: from.id,
    to: to.id,
    ...(holder === undefined ? {} : { holder }),
    ...(acquirer === undefined ? {} : { acquirer }),
    count: record.count,
    ...(record.doubtful ? { doubtful: true as const } : {}),
  };
}

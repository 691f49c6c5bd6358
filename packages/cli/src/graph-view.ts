/**
 * The report as the graph renderers draw it: every lock, every edge (the report's edges plus the
 * edges of findings that the graph lacks — with `onCycle: 'throw'` the closing edge was refused and
 * is only in `cycles`), and for each edge the findings it belongs to.
 */
import type { Cycle, LockGraphReport, ReportLock, Site } from '@interlock/core';

/** A cycle (potential deadlock) or a deadlock (tasks really blocked), numbered for display. */
export interface Finding {
  readonly kind: 'cycle' | 'deadlock';
  /** Position within `report.cycles` or `report.deadlocks`. */
  readonly index: number;
  readonly cycle: Cycle;
}

/** One drawn edge. */
export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  readonly holder?: Site;
  readonly acquirer?: Site;
  /** Acquisitions that followed it; undefined for an edge known only from a finding. */
  readonly count?: number;
  /** Indexes into {@link GraphView.findings} of the findings this edge is part of. */
  readonly findings: number[];
}

export interface GraphView {
  readonly locks: readonly ReportLock[];
  readonly edges: readonly ViewEdge[];
  readonly findings: readonly Finding[];
  /** Lock id → indexes of the findings it is part of. */
  readonly lockFindings: ReadonlyMap<string, readonly number[]>;
}

/** Every finding of a report: cycles first, then deadlocks, in report order. */
export function findingsOf(report: LockGraphReport): Finding[] {
  return [
    ...report.cycles.map((cycle, index) => ({ kind: 'cycle' as const, index, cycle })),
    ...report.deadlocks.map((cycle, index) => ({ kind: 'deadlock' as const, index, cycle })),
  ];
}

/** A finding's title: "cycle 1", "deadlock 2". */
export function findingTitle(finding: Finding): string {
  return `${finding.kind} ${finding.index + 1}`;
}

/** Builds the view. Cost: O(locks + edges + total finding length). */
export function graphView(report: LockGraphReport): GraphView {
  const edges: ViewEdge[] = [];
  const byKey = new Map<string, ViewEdge>();
  const key = (from: string, to: string): string => `${from}\u0000${to}`;
  for (const edge of report.edges) {
    const view: ViewEdge = { ...edge, findings: [] };
    if (byKey.has(key(edge.from, edge.to))) continue;
    byKey.set(key(edge.from, edge.to), view);
    edges.push(view);
  }
  const findings = findingsOf(report);
  const lockFindings = new Map<string, number[]>();
  findings.forEach((finding, position) => {
    for (const lock of finding.cycle.locks) {
      const list = lockFindings.get(lock.id) ?? [];
      if (list.at(-1) !== position) list.push(position);
      lockFindings.set(lock.id, list);
    }
    for (const edge of finding.cycle.edges) {
      let view = byKey.get(key(edge.from, edge.to));
      if (view === undefined) {
        view = {
          from: edge.from,
          to: edge.to,
          holder: edge.holder,
          acquirer: edge.acquirer,
          findings: [],
        };
        byKey.set(key(edge.from, edge.to), view);
        edges.push(view);
      }
      if (view.findings.at(-1) !== position) view.findings.push(position);
    }
  });
  return { locks: report.locks, edges, findings, lockFindings };
}

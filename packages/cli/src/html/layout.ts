/**
 * Lays out the lock graph for the HTML page with dagre (a layered, Sugiyama-style layout: lock
 * orders read left to right). Runs in Node at render time, so the page carries finished SVG
 * coordinates and no layout code.
 */
import dagreModule from '@dagrejs/dagre';
import type { GraphView, ViewEdge } from '../graph-view.ts';
import type { ReportLock } from '@interlock/core';

/** The part of dagre's API used here. */
interface DagreGraph {
  setGraph(label: Record<string, number | string>): void;
  setDefaultEdgeLabel(label: () => object): void;
  setNode(id: string, label: { width: number; height: number }): void;
  setEdge(from: string, to: string, label?: object): void;
  node(id: string): { x: number; y: number; width: number; height: number };
  edge(from: string, to: string): { points?: { x: number; y: number }[] } | undefined;
  graph(): { width?: number; height?: number };
}

// dagre 3's declaration files import their siblings without extensions, which `moduleResolution:
// nodenext` cannot resolve, so its types arrive unresolved: this names what we use.
const dagre = dagreModule as unknown as {
  graphlib: { Graph: new (options: { multigraph: boolean }) => DagreGraph };
  layout(graph: DagreGraph): void;
};

/**
 * Largest graph drawn whole. dagre's crossing minimisation grows much faster than linearly
 * (measured: ~0.3 s for 50 locks and 100 edges, ~5 s for 200 and 500), and a bigger drawing
 * is unreadable anyway; larger reports draw only the locks of their findings.
 */
export const MAX_DRAWN_LOCKS = 60;
export const MAX_DRAWN_EDGES = 150;

const NODE_HEIGHT = 44;
const CHAR_WIDTH = 7.2;
const MAX_LABEL_CHARS = 32;

export interface PlacedLock {
  readonly lock: ReportLock;
  /** Label lines as drawn (the name shortened to {@link MAX_LABEL_CHARS}). */
  readonly label: string;
  readonly detail: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  /** Index into the view's edges. */
  readonly index: number;
  readonly edge: ViewEdge;
  /** SVG path data: dagre's route, or a loop on the node's right for a self-deadlock. */
  readonly path: string;
}

export interface Layout {
  readonly locks: readonly PlacedLock[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
  /** Whether every lock of the report is drawn (false: only the locks of findings). */
  readonly complete: boolean;
}

/** Shortens a label for drawing; the full text stays in the node's tooltip and in the tables. */
export function shorten(text: string, max = MAX_LABEL_CHARS): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Which locks and edges are drawn: all of them, or for a large report the locks of findings. */
function selection(view: GraphView): { locks: ReportLock[]; complete: boolean } {
  if (view.locks.length <= MAX_DRAWN_LOCKS && view.edges.length <= MAX_DRAWN_EDGES) {
    return { locks: [...view.locks], complete: true };
  }
  const byId = new Map(view.locks.map((lock) => [lock.id, lock]));
  const chosen = new Map<string, ReportLock>();
  for (const finding of view.findings) {
    const ids = finding.cycle.locks.map((lock) => lock.id).filter((id) => !chosen.has(id));
    if (chosen.size + ids.length > MAX_DRAWN_LOCKS) break;
    for (const id of ids) chosen.set(id, byId.get(id)!);
  }
  return { locks: [...chosen.values()], complete: false };
}

/**
 * Positions the drawn locks and edges. Cost: dagre's, on at most {@link MAX_DRAWN_LOCKS} locks
 * and {@link MAX_DRAWN_EDGES} edges plus the edges among the locks of findings.
 */
export function layoutGraph(view: GraphView): Layout {
  const { locks, complete } = selection(view);
  const drawn = new Set(locks.map((lock) => lock.id));
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: 'LR',
    nodesep: 28,
    ranksep: 70,
    edgesep: 14,
    marginx: 16,
    marginy: 16,
  });
  graph.setDefaultEdgeLabel(() => ({}));
  const labels = new Map<string, { label: string; detail: string }>();
  for (const lock of locks) {
    const label = shorten(lock.name);
    const detail = `${lock.kind} ${shorten(lock.id, 16)}`;
    labels.set(lock.id, { label, detail });
    const width = Math.max(
      80,
      Math.ceil(Math.max([...label].length, detail.length) * CHAR_WIDTH) + 24,
    );
    graph.setNode(lock.id, { width, height: NODE_HEIGHT });
  }
  const edges: { index: number; edge: ViewEdge }[] = [];
  view.edges.forEach((edge, index) => {
    if (!drawn.has(edge.from) || !drawn.has(edge.to)) return;
    edges.push({ index, edge });
    // dagre routes self-edges poorly; they are drawn as a loop below instead.
    if (edge.from !== edge.to) graph.setEdge(edge.from, edge.to, {});
  });
  dagre.layout(graph);
  const placed = locks.map((lock): PlacedLock => {
    const node = graph.node(lock.id);
    return {
      lock,
      ...labels.get(lock.id)!,
      x: node.x,
      y: node.y,
      width: node.width,
      height: node.height,
    };
  });
  const byId = new Map(placed.map((lock) => [lock.lock.id, lock]));
  const placedEdges = edges.map(({ index, edge }): PlacedEdge => {
    if (edge.from === edge.to) return { index, edge, path: selfLoop(byId.get(edge.from)!) };
    const points = graph.edge(edge.from, edge.to)?.points ?? [];
    const coordinates = points.map((point) => `${point.x.toFixed(1)},${point.y.toFixed(1)}`);
    return {
      index,
      edge,
      path:
        coordinates.length === 0 ? '' : `M${coordinates[0]} L${coordinates.slice(1).join(' L')}`,
    };
  });
  const size = graph.graph();
  const loops = edges.some(({ edge }) => edge.from === edge.to) ? SELF_LOOP_REACH : 0;
  return {
    locks: placed,
    edges: placedEdges,
    width: Math.ceil((size.width ?? 0) + loops),
    height: Math.ceil(size.height ?? 0),
    complete,
  };
}

/** How far a self-loop reaches right of its node. */
const SELF_LOOP_REACH = 48;

/** A loop leaving the node's top-right and coming back into its bottom-right. */
function selfLoop(node: PlacedLock): string {
  const right = node.x + node.width / 2;
  const top = node.y - node.height / 2;
  const bottom = node.y + node.height / 2;
  const start = `${(right - 14).toFixed(1)},${top.toFixed(1)}`;
  const end = `${(right - 14).toFixed(1)},${bottom.toFixed(1)}`;
  const reach = (right + SELF_LOOP_REACH - 6).toFixed(1);
  return `M${start} C${reach},${(top - 30).toFixed(1)} ${reach},${(bottom + 30).toFixed(1)} ${end}`;
}

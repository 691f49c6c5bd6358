/**
 * The `html` format: one self-contained page — no network, no external file. The lock graph is
 * laid out here, in Node (dagre), and written as SVG; a small inline script shows an edge's sites
 * when it is clicked and highlights a cycle picked in the table. Every string from the report is
 * HTML-escaped, and a Content-Security-Policy admits only the page's own style and script, by hash.
 */
import { createHash } from 'node:crypto';
import { formatReport, formatSite, type LockGraphReport, type Site } from '@interlock/core';
import {
  findingTitle,
  graphView,
  type Finding,
  type GraphView,
  type ViewEdge,
} from '../graph-view.ts';
import { SCRIPT, STYLE } from '../html/client.ts';
import { layoutGraph, type Layout, type PlacedEdge, type PlacedLock } from '../html/layout.ts';
import { relativeToRoot } from '../repository-root.ts';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Repository root: sites are shown relative to it. */
  readonly root: string;
  /** Directory relative site paths in the report are resolved against. @default root */
  readonly cwd?: string;
  /** The report's name, shown in the title. @default 'report' */
  readonly source?: string;
}

/** One colour per finding (cycles and deadlocks), in order; reused when there are more. */
export const FINDING_COLORS = [
  '#d62728',
  '#9467bd',
  '#ff7f0e',
  '#e377c2',
  '#8c564b',
  '#17becf',
  '#bcbd22',
  '#1f77b4',
];

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON that is safe inside a `<script>` data block: no `<` can end it or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** The page's Content-Security-Policy: nothing may load; only our inline style and script run. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(SCRIPT)}`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

interface PageContext {
  readonly view: GraphView;
  readonly names: ReadonlyMap<string, string>;
  readonly site: (site: Site | undefined) => string | undefined;
  /** View edge index → index in the page's data (edges drawn or in a finding). */
  readonly dataIndex: ReadonlyMap<number, number>;
}

function colorOf(findings: readonly number[]): string | undefined {
  return findings.length === 0 ? undefined : FINDING_COLORS[findings[0]! % FINDING_COLORS.length];
}

/**
 * Renders a report as a self-contained HTML page.
 * @example
 * ```ts
 * writeFileSync('interlock.html', renderHtml(report, { root: process.cwd() }));
 * ```
 */
export function renderHtml(report: LockGraphReport, options: HtmlOptions): string {
  const cwd = options.cwd ?? options.root;
  const view = graphView(report);
  const layout = layoutGraph(view);
  const site = (where: Site | undefined): string | undefined => {
    if (where === undefined) return undefined;
    const file = relativeToRoot(where.file, options.root, cwd) ?? where.file;
    const position = formatSite({ ...where, file });
    return where.function === undefined ? position : `${position} (${where.function})`;
  };
  const shown = new Set<number>(layout.edges.map((edge) => edge.index));
  view.edges.forEach((edge, index) => {
    if (edge.findings.length > 0) shown.add(index);
  });
  const dataIndex = new Map(
    [...shown].sort((a, b) => a - b).map((index, position) => [index, position]),
  );
  const context: PageContext = {
    view,
    names: new Map(view.locks.map((lock) => [lock.id, lock.name])),
    site,
    dataIndex,
  };
  const text = formatReport(report, 'text', { cwd: options.root });
  const summary = text.trimEnd().split('\n').at(-1) ?? '';
  const clean = view.findings.length === 0;
  const source = options.source ?? 'report';
  const data = pageData(context);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>interlock: ${escapeHtml(source)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>interlock report</h1>
<p class="source">${escapeHtml(source)}${report.generatedAt === undefined ? '' : ` · generated ${escapeHtml(report.generatedAt)}`}</p>
<p class="summary ${clean ? 'clean' : 'found'}">${escapeHtml(summary)}</p>
</header>
<main>
<section id="graph">
<h2>Lock graph</h2>
${graphNote(layout, view)}
<div class="graph-row">
<div class="graph-wrap">${svg(layout, context)}</div>
<aside id="details" aria-live="polite"><p class="note">Click an edge to see where its locks were taken and requested, or pick a cycle below.</p></aside>
</div>
</section>
${findingsTable(context)}
<section id="text-report">
<h2>Text report</h2>
<pre>${escapeHtml(text)}</pre>
</section>
</main>
<script type="application/json" id="interlock-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function graphNote(layout: Layout, view: GraphView): string {
  const plural = (count: number, word: string): string =>
    `${count} ${word}${count === 1 ? '' : 's'}`;
  if (layout.complete) {
    return `<p class="note">${plural(view.locks.length, 'lock')}, ${plural(view.edges.length, 'edge')}. An edge a → b: some task requested b while holding a. Coloured: cycles and deadlocks.</p>`;
  }
  return `<p class="note">The report has ${plural(view.locks.length, 'lock')} and ${plural(view.edges.length, 'edge')}, too many to draw: shown are the ${plural(layout.locks.length, 'lock')} of its cycles and deadlocks and the edges among them. <code>interlock report --format dot</code> writes the whole graph.</p>`;
}

function svg(layout: Layout, context: PageContext): string {
  if (layout.locks.length === 0) return '<p class="note">Nothing to draw.</p>';
  const markers = FINDING_COLORS.map((color, index) => marker(`arrow-${index}`, color)).join('');
  const locks = layout.locks.map((lock) => lockSvg(lock, context)).join('\n');
  const edges = layout.edges.map((edge) => edgeSvg(edge, context)).join('\n');
  return `<svg class="lock-graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lock-order graph" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">
<defs>${marker('arrow', '#8c959f')}${markers}</defs>
<g class="edges">
${edges}
</g>
<g class="locks">
${locks}
</g>
</svg>`;
}

function marker(id: string, color: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

function lockSvg(placed: PlacedLock, context: PageContext): string {
  const findings = context.view.lockFindings.get(placed.lock.id) ?? [];
  const color = colorOf(findings);
  const classes = findings.length > 0 ? 'lock in-finding' : 'lock';
  const x = placed.x - placed.width / 2;
  const y = placed.y - placed.height / 2;
  const created = context.site(placed.lock.site);
  const title = `${placed.lock.name} (${placed.lock.kind} ${placed.lock.id})${created === undefined ? '' : `, created at ${created}`}`;
  return `<g class="${classes}" data-lock="${escapeHtml(placed.lock.id)}" data-findings="${findings.join(' ')}"><title>${escapeHtml(title)}</title><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${placed.width}" height="${placed.height}" rx="6"${color === undefined ? '' : ` stroke="${color}"`}/><text x="${placed.x.toFixed(1)}" y="${(placed.y - 3).toFixed(1)}" text-anchor="middle">${escapeHtml(placed.label)}</text><text class="detail" x="${placed.x.toFixed(1)}" y="${(placed.y + 13).toFixed(1)}" text-anchor="middle">${escapeHtml(placed.detail)}</text></g>`;
}

function edgeSvg(placed: PlacedEdge, context: PageContext): string {
  const { edge } = placed;
  const color = colorOf(edge.findings);
  const d = placed.path;
  const from = context.names.get(edge.from) ?? edge.from;
  const to = context.names.get(edge.to) ?? edge.to;
  const classes = edge.findings.length > 0 ? 'edge in-finding' : 'edge';
  const stroke = color === undefined ? '' : ` stroke="${color}"`;
  const arrow =
    color === undefined ? 'arrow' : `arrow-${edge.findings[0]! % FINDING_COLORS.length}`;
  return `<g class="${classes}" data-edge="${context.dataIndex.get(placed.index)}" data-findings="${edge.findings.join(' ')}" tabindex="0" role="button" aria-label="${escapeHtml(`${from} → ${to}`)}"><title>${escapeHtml(`${from} → ${to}`)}</title><path class="hit" d="${d}"/><path class="line" d="${d}"${stroke} marker-end="url(#${arrow})"/></g>`;
}

function findingsTable(context: PageContext): string {
  const { view } = context;
  if (view.findings.length === 0) {
    return (
      '<section id="findings"><h2>Cycles and deadlocks</h2>' +
      '<p class="note">None: no lock-order cycle and no deadlock.</p></section>'
    );
  }
  const rows = view.findings
    .map((finding, position) => findingRow(finding, position, context))
    .join('\n');
  return `<section id="findings">
<h2>Cycles and deadlocks</h2>
<table>
<thead><tr><th>finding</th><th>locks</th><th>closing edge: requested at</th><th>held lock taken at</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function findingRow(finding: Finding, position: number, context: PageContext): string {
  const closing = finding.cycle.edges.at(-1)!;
  const color = FINDING_COLORS[position % FINDING_COLORS.length]!;
  const chain = [...finding.cycle.locks, finding.cycle.locks[0]!]
    .map((lock) => lock.name)
    .join(' → ');
  return `<tr id="finding-${position + 1}" data-finding="${position}"><td><button type="button" class="finding" data-finding="${position}"><svg class="swatch" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${color}"/></svg>${escapeHtml(findingTitle(finding))}</button></td><td>${escapeHtml(chain)}</td><td class="site">${escapeHtml(context.site(closing.acquirer) ?? 'unknown')}</td><td class="site">${escapeHtml(context.site(closing.holder) ?? 'unknown')}</td></tr>`;
}

interface EdgeData {
  readonly from: string;
  readonly to: string;
  readonly holder?: string;
  readonly acquirer?: string;
  readonly count?: number;
  readonly blocked: boolean;
  readonly findings: readonly number[];
}

/** What the script needs: the shown edges with their sites, and each finding's edges. */
function pageData(context: PageContext): {
  edges: EdgeData[];
  findings: { title: string; locks: string[]; edges: number[] }[];
} {
  const { view } = context;
  const edges: EdgeData[] = [];
  for (const [index] of [...context.dataIndex].sort((a, b) => a[1] - b[1]))
    edges.push(edgeData(view.edges[index]!, context));
  const position = new Map(
    view.edges.map((edge, index) => [`${edge.from}\u0000${edge.to}`, index]),
  );
  const findings = view.findings.map((finding) => ({
    title: findingTitle(finding),
    locks: finding.cycle.locks.map((lock) => lock.name),
    edges: finding.cycle.edges.map((edge) =>
      context.dataIndex.get(position.get(`${edge.from}\u0000${edge.to}`)!)!,
    ),
  }));
  return { edges, findings };
}

function edgeData(edge: ViewEdge, context: PageContext): EdgeData {
  const holder = context.site(edge.holder);
  const acquirer = context.site(edge.acquirer);
  return {
    from: context.names.get(edge.from) ?? edge.from,
    to: context.names.get(edge.to) ?? edge.to,
    ...(holder === undefined ? {} : { holder }),
    ...(acquirer === undefined ? {} : { acquirer }),
    ...(edge.count === undefined ? {} : { count: edge.count }),
    blocked:
      edge.findings.length > 0 &&
      edge.findings.every((finding) => context.view.findings[finding]?.kind === 'deadlock'),
    findings: edge.findings,
  };
}

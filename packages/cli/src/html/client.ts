/**
 * The page's stylesheet and script, inlined into every HTML report. The script only reads the
 * JSON data block and the SVG the server drew, and writes with `textContent` (never `innerHTML`),
 * so no report string is ever parsed as markup. The Content-Security-Policy allows exactly these
 * two blocks, by hash.
 */

export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de; --edge: #8c959f; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d; --edge: #6e7681; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, section { padding: 12px 20px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 8px 0; } h3 { font-size: 14px; margin: 0 0 6px; }
.source, .note { color: var(--muted); margin: 0; }
.summary { font-weight: 600; margin: 6px 0 0; } .summary.found { color: #d62728; } .summary.clean { color: #1a7f37; }
.graph-row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.graph-wrap { flex: 1 1 600px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; max-height: 75vh; }
#details { flex: 0 1 380px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-height: 80px; }
#details dl { margin: 0; } #details dt { color: var(--muted); font-size: 12px; margin-top: 6px; } #details dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
#details .edge-block + .edge-block { border-top: 1px solid var(--line); margin-top: 8px; padding-top: 6px; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); pointer-events: none; }
svg text.detail { fill: var(--muted); font-size: 11px; }
.lock rect { fill: var(--panel); stroke-width: 1.2; }
.lock:not(.in-finding) rect { stroke: var(--edge); }
.lock.in-finding rect { stroke-width: 2.5; }
.edge { cursor: pointer; outline: none; }
.edge .line { fill: none; stroke-width: 1.4; }
.edge:not(.in-finding) .line { stroke: var(--edge); }
.edge.in-finding .line { stroke-width: 2.6; }
.edge .hit { fill: none; stroke: transparent; stroke-width: 14; }
.edge:hover .line, .edge:focus .line { stroke-width: 3.5; }
.edge.selected .line { stroke-width: 4; stroke-dasharray: 7 3; }
svg.focusing .edge:not(.focus), svg.focusing .lock:not(.focus) { opacity: 0.18; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
td.site { font-family: ui-monospace, monospace; word-break: break-all; }
button.finding { font: inherit; cursor: pointer; border: 1px solid var(--line); background: var(--panel); color: var(--fg); border-radius: 4px; padding: 2px 8px; }
tr.active { background: var(--panel); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; font: 12px/1.4 ui-monospace, monospace; }
`;

export const SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('interlock-data').textContent);
  const svg = document.querySelector('svg.lock-graph');
  const details = document.getElementById('details');
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  };
  const edgeBlock = (index) => {
    const edge = data.edges[index];
    const block = el('div', undefined, 'edge-block');
    block.append(el('h3', edge.from + ' \\u2192 ' + edge.to));
    const list = el('dl');
    const row = (term, value) => { list.append(el('dt', term), el('dd', value)); };
    row(edge.from + ' taken at', edge.holder ?? 'unknown site');
    row(edge.to + (edge.blocked ? ' waited for at' : ' requested at'), edge.acquirer ?? 'unknown site');
    if (edge.count !== undefined) row('acquisitions along this edge', String(edge.count));
    if (edge.findings.length > 0) row('part of', edge.findings.map((f) => data.findings[f].title).join(', '));
    block.append(list);
    return block;
  };
  const clearMarks = () => {
    for (const node of document.querySelectorAll('.selected, .focus, tr.active')) node.classList.remove('selected', 'focus', 'active');
    if (svg) svg.classList.remove('focusing');
  };
  const showEdge = (index) => {
    clearMarks();
    const group = svg && svg.querySelector('g.edge[data-edge="' + index + '"]');
    if (group) group.classList.add('selected');
    details.replaceChildren(edgeBlock(index));
  };
  const showFinding = (position) => {
    clearMarks();
    const finding = data.findings[position];
    if (svg) {
      svg.classList.add('focusing');
      for (const node of svg.querySelectorAll('[data-findings]')) {
        if (node.getAttribute('data-findings').split(' ').includes(String(position))) node.classList.add('focus');
      }
    }
    const row = document.querySelector('tr[data-finding="' + position + '"]');
    if (row) row.classList.add('active');
    details.replaceChildren(el('h3', finding.title + ': ' + finding.locks.join(' \\u2192 ')), ...finding.edges.map(edgeBlock));
  };
  if (svg) {
    svg.addEventListener('click', (event) => {
      const group = event.target.closest('g.edge');
      if (group) showEdge(Number(group.getAttribute('data-edge')));
    });
    svg.addEventListener('keydown', (event) => {
      const group = event.target.closest('g.edge');
      if (group && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); showEdge(Number(group.getAttribute('data-edge'))); }
    });
  }
  for (const button of document.querySelectorAll('button.finding')) {
    button.addEventListener('click', () => {
      showFinding(Number(button.getAttribute('data-finding')));
      if (svg) svg.scrollIntoView({ block: 'nearest' });
    });
  }
  const hash = /^#finding-(\\d+)$/.exec(location.hash);
  if (hash && data.findings[Number(hash[1]) - 1]) showFinding(Number(hash[1]) - 1);
})();
`;

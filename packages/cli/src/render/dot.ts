/**
 * The `dot` format: the lock graph for Graphviz (`dot -Tsvg`). Locks of a finding and the edges
 * of cycles are red, deadlocks dark red and bold. Every string from the report is escaped for a
 * DOT quoted string and for Graphviz's own label escapes and entities.
 */
import { formatSite, type LockGraphReport } from '@interlock/core';
import { graphView, type ViewEdge } from '../graph-view.ts';

const CYCLE = '#d62728';
const NEEDS_ESCAPE = /[\\"&\r\n]/;
const DEADLOCK = '#8b0000';

/**
 * A DOT quoted string holding `text` literally. Inside quotes DOT only knows `\"` (and a
 * backslash-newline continuation), but Graphviz then reads `\n`, `\l`, `\N`, … and `&…;` entities
 * in labels, so backslashes and ampersands are escaped too, and line breaks become `\n`.
 */
export function dotString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('&', '&amp;')
    .replaceAll('\r\n', '\n')
    .replaceAll('\r', '\n')
    .replaceAll('\n', '\\n');
  return `"${escaped}"`;
}

function attributes(entries: Record<string, string | undefined>): string {
  const parts = Object.entries(entries)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

function edgeTooltip(edge: ViewEdge, names: ReadonlyMap<string, string>): string {
  const from = names.get(edge.from) ?? edge.from;
  const to = names.get(edge.to) ?? edge.to;
  const held = edge.holder === undefined ? 'at an unknown site' : `at ${formatSite(edge.holder)}`;
  const requested =
    edge.acquirer === undefined ? 'at an unknown site' : `at ${formatSite(edge.acquirer)}`;
  return `${from} taken ${held}\n${to} requested ${requested}`;
}

/**
 * Renders the report as a Graphviz digraph.
 * @example
 * ```ts
 * writeFileSync('locks.dot', renderDot(report)); // then: dot -Tsvg locks.dot > locks.svg
 * ```
 */
export function renderDot(report: LockGraphReport): string {
  const view = graphView(report);
  const names = new Map(view.locks.map((lock) => [lock.id, lock.name]));
  const lines = [
    'digraph interlock {',
    '  graph [rankdir=LR, fontname="Helvetica"];',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica"];',
  ];
  for (const lock of view.locks) {
    const findings = view.lockFindings.get(lock.id) ?? [];
    const deadlocked = findings.some((index) => view.findings[index]?.kind === 'deadlock');
    const color = findings.length === 0 ? undefined : deadlocked ? DEADLOCK : CYCLE;
    const where = lock.site === undefined ? '' : `\ncreated at ${formatSite(lock.site)}`;
    lines.push(
      `  ${dotString(lock.id)}${attributes({
        label: dotString(`${lock.name}\n${lock.kind} ${lock.id}`),
        tooltip: dotString(`${lock.name} (${lock.kind} ${lock.id})${where}`),
        color: color === undefined ? undefined : dotString(color),
        penwidth: color === undefined ? undefined : '2',
      })};`,
    );
  }
  for (const edge of view.edges) {
    const deadlocked = edge.findings.some((index) => view.findings[index]?.kind === 'deadlock');
    const color = edge.findings.length === 0 ? undefined : deadlocked ? DEADLOCK : CYCLE;
    lines.push(
      `  ${dotString(edge.from)} -> ${dotString(edge.to)}${attributes({
        tooltip: dotString(edgeTooltip(edge, names)),
        label:
          edge.count === undefined || edge.count === 1 ? undefined : dotString(`×${edge.count}`),
        color: color === undefined ? undefined : dotString(color),
        penwidth: color === undefined ? undefined : deadlocked ? '3' : '2',
        style: deadlocked ? 'bold' : undefined,
      })};`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The `mermaid` format: the lock graph as a Mermaid flowchart (GitHub renders it inside a
 * ```` ```mermaid ```` block). Node ids are generated (`n0`, `n1`, …), never taken from the report;
 * every label character that Mermaid could read as syntax or markup is written as an entity code.
 */
import type { LockGraphReport } from '@interlock/core';
import { graphView } from '../graph-view.ts';

/** Characters a label may contain as they are; everything else becomes `#<code point>;`. */
const SAFE = /^[\p{L}\p{N} .,:@/_+=~-]$/u;

/**
 * A Mermaid quoted label holding `text` literally: letters, digits and a few punctuation marks
 * are kept, every other character (quotes, brackets, `<`, `#`, `&`, backticks, line breaks…)
 * becomes Mermaid's entity code `#<decimal>;`, which Mermaid shows as that character and never
 * parses.
 */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const char of text) out += SAFE.test(char) ? char : `#${char.codePointAt(0)};`;
  return `"${out}"`;
}

/**
 * Renders the report as a Mermaid flowchart.
 * @example
 * ```ts
 * console.log('```mermaid\n' + renderMermaid(report) + '```');
 * ```
 */
export function renderMermaid(report: LockGraphReport): string {
  const view = graphView(report);
  const ids = new Map(view.locks.map((lock, index) => [lock.id, `n${index}`]));
  const lines = ['flowchart LR'];
  for (const lock of view.locks) {
    lines.push(`  ${ids.get(lock.id)}[${mermaidLabel(`${lock.name} (${lock.kind} ${lock.id})`)}]`);
  }
  const cycleLinks: number[] = [];
  const deadlockLinks: number[] = [];
  view.edges.forEach((edge, index) => {
    const count =
      edge.count === undefined || edge.count === 1 ? '' : `|${mermaidLabel(`×${edge.count}`)}|`;
    lines.push(`  ${ids.get(edge.from)} -->${count} ${ids.get(edge.to)}`);
    if (edge.findings.some((finding) => view.findings[finding]?.kind === 'deadlock'))
      deadlockLinks.push(index);
    else if (edge.findings.length > 0) cycleLinks.push(index);
  });
  const inCycle: string[] = [];
  const inDeadlock: string[] = [];
  for (const lock of view.locks) {
    const findings = view.lockFindings.get(lock.id) ?? [];
    if (findings.some((finding) => view.findings[finding]?.kind === 'deadlock'))
      inDeadlock.push(ids.get(lock.id)!);
    else if (findings.length > 0) inCycle.push(ids.get(lock.id)!);
  }
  lines.push(
    '  classDef cycle stroke:#d62728,stroke-width:2px',
    '  classDef deadlock stroke:#8b0000,stroke-width:3px',
  );
  if (inCycle.length > 0) lines.push(`  class ${inCycle.join(',')} cycle`);
  if (inDeadlock.length > 0) lines.push(`  class ${inDeadlock.join(',')} deadlock`);
  if (cycleLinks.length > 0)
    lines.push(`  linkStyle ${cycleLinks.join(',')} stroke:#d62728,stroke-width:2px`);
  if (deadlockLinks.length > 0)
    lines.push(`  linkStyle ${deadlockLinks.join(',')} stroke:#8b0000,stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

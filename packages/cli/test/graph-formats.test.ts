import { instance } from '@viz-js/viz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDot } from '../src/render/dot.ts';
import { mermaidLabel, renderMermaid } from '../src/render/mermaid.ts';
import { HOSTILE_NAMES, bankReport, deadlockReport, ring } from './reports.ts';

const viz = await instance();

/** Text of an SVG text node as a viewer shows it. */
function decodeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&')
    .replaceAll('\u00a0', ' ');
}

/** Graphviz's own reading of our DOT: nodes, edges and the first text line of each node. */
function graphviz(dot: string): { nodes: number; edges: number; labels: string[] } {
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success')
    throw new Error(
      `Graphviz refused the DOT: ${result.errors.map((error) => error.message).join('; ')}`,
    );
  const svg = result.output;
  const nodeGroups = svg.split('<g id="node').slice(1);
  const labels = nodeGroups.map((group) =>
    decodeXml(/<text[^>]*>([^<]*)<\/text>/.exec(group)?.[1] ?? ''),
  );
  return { nodes: nodeGroups.length, edges: svg.split('<g id="edge').length - 1, labels };
}

describe('dot', () => {
  it('draws every lock and edge, cycle edges in colour', () => {
    const dot = renderDot(bankReport());
    expect(dot).toContain(
      '"L1" -> "L2" [tooltip="accounts taken at /repo/src/bank.ts:12:20' +
        '\\naudit requested at /repo/src/bank.ts:14:22", label="×3", ' +
        'color="#d62728", penwidth=2];',
    );
    expect(graphviz(dot)).toEqual({ nodes: 2, edges: 2, labels: ['accounts', 'audit'] });
  });

  it('draws a self-deadlock as a bold dark-red loop', () => {
    const dot = renderDot(deadlockReport());
    expect(dot).toMatch(/"L1" -> "L1" \[.*color="#8b0000", penwidth=3, style=bold\];/);
    expect(graphviz(dot)).toMatchObject({ nodes: 1, edges: 1 });
  });

  it('hostile lock names stay inside their labels (Graphviz reads back exactly the names)', () => {
    const { nodes, edges, labels } = graphviz(
      renderDot(ring(HOSTILE_NAMES.filter((name) => !name.includes('\n')))),
    );
    expect({ nodes, edges }).toEqual({ nodes: 5, edges: 5 });
    expect(labels).toEqual(HOSTILE_NAMES.filter((name) => !name.includes('\n')));
  });

  it('a name with a line break becomes two label lines, never a new statement', () => {
    expect(graphviz(renderDot(ring([HOSTILE_NAMES[1]!, 'b'])))).toMatchObject({
      nodes: 2,
      edges: 2,
      labels: ['"];', 'b'],
    });
  });

  it('any name round-trips through Graphviz (property)', () => {
    const char = fc.constantFrom(...'aZ0"\\<>&;[]{}#|%=\'/:.-_`!*'.split(''), ' ');
    const name = fc
      .string({ unit: char, minLength: 1, maxLength: 12 })
      .filter((text) => text.trim() === text && !text.includes('  '));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 4 }), (names) => {
        expect(graphviz(renderDot(ring(names)))).toEqual({
          nodes: names.length,
          edges: names.length,
          labels: names,
        });
      }),
      { numRuns: 60 },
    );
  }, 30_000);
});

describe('mermaid', () => {
  const decode = (label: string): string =>
    label.slice(1, -1).replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

  it('writes a flowchart with generated ids and the cycle styled', () => {
    expect(renderMermaid(bankReport())).toBe(
      [
        'flowchart LR',
        '  n0["accounts #40;Lock L1#41;"]',
        '  n1["audit #40;Lock L2#41;"]',
        '  n0 -->|"#215;3"| n1',
        '  n1 --> n0',
        '  classDef cycle stroke:#d62728,stroke-width:2px',
        '  classDef deadlock stroke:#8b0000,stroke-width:3px',
        '  class n0,n1 cycle',
        '  linkStyle 0,1 stroke:#d62728,stroke-width:2px',
        '',
      ].join('\n'),
    );
  });

  it('hostile names: every line keeps its shape and each label decodes to the name', () => {
    const text = renderMermaid(ring(HOSTILE_NAMES));
    const lines = text.trimEnd().split('\n');
    const nodeLines = lines.filter((line) => /^ {2}n\d+\[/.test(line));
    expect(nodeLines).toHaveLength(HOSTILE_NAMES.length);
    nodeLines.forEach((line, index) => {
      expect(line).toMatch(/^ {2}n\d+\["[\p{L}\p{N} .,:@/_+=~#;-]*"\]$/u);
      expect(decode(/\[(".*")\]$/.exec(line)![1]!)).toBe(
        `${HOSTILE_NAMES[index]} (Lock L${index + 1})`,
      );
    });
    expect(lines.filter((line) => line.includes('-->'))).toHaveLength(HOSTILE_NAMES.length);
  });

  it('any text makes a label with no quote, bracket, pipe, angle bracket or line break, and decodes back (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const label = mermaidLabel(text);
        expect(label.slice(1, -1)).toMatch(/^[\p{L}\p{N} .,:@/_+=~#;-]*$/u);
        expect(decode(label)).toBe(text);
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LockGraphReport } from '@interlock/core';
import { MAX_DRAWN_LOCKS } from '../src/html/layout.ts';
import { escapeHtml, renderHtml } from '../src/render/html.ts';
import { HOSTILE_NAMES, bankReport, cleanReport, deadlockReport, lock } from './reports.ts';

const hash = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (match) => match[1]!,
  );
}

describe('html', () => {
  it('is one self-contained file: no external reference of any kind', () => {
    const html = renderHtml(bankReport(), { root: '/repo', source: 'report.json' });
    expect(html).not.toMatch(/\b(src|href|action|data|poster|srcset)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\((?!#)/);
    expect(html).not.toMatch(/<link\b|<iframe\b|<img\b|<object\b|<embed\b/i);
  });

  it('has a CSP meta that forbids loads and admits exactly its own style and script by hash', () => {
    const html = renderHtml(bankReport(), { root: '/repo' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)?.[1]
      ?.replaceAll('&#39;', "'");
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    const [style] = inlineBlocks(html, 'style');
    const [script] = inlineBlocks(html, 'script');
    expect(csp).toContain(`style-src ${hash(style!)}`);
    expect(csp).toContain(`script-src ${hash(script!)}`);
    // The CSP comes before anything that could load.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('escapes every report string: hostile lock names, files and functions never become markup', () => {
    const report = bankReport('/repo/<script>alert(1)</script>', [
      HOSTILE_NAMES[0]!,
      HOSTILE_NAMES[2]!,
    ]);
    const html = renderHtml(report, { root: '/repo', source: '<b>x</b>.json' });
    expect(html).not.toContain('<img');
    expect(html.match(/<script\b/g)).toHaveLength(2); // the JSON data block and our script
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain(escapeHtml(HOSTILE_NAMES[0]!));
    // Inside the JSON data block `<` is escaped, so `</script>` in a name cannot close it.
    const data = /<script type="application\/json" id="interlock-data">([\s\S]*?)<\/script>/.exec(
      html,
    )![1]!;
    expect(data).not.toContain('<');
    expect(JSON.stringify(JSON.parse(data))).toContain(HOSTILE_NAMES[2]);
  });

  it('draws every lock and edge and colours each cycle', () => {
    const html = renderHtml(bankReport(), { root: '/repo' });
    expect(html.match(/<g class="lock in-finding"/g)).toHaveLength(2);
    expect(html.match(/<g class="edge in-finding"/g)).toHaveLength(2);
    expect(html).toMatch(
      /<path class="line" d="M[^"]+" stroke="#d62728" marker-end="url\(#arrow-0\)"\/>/,
    );
    expect(html).toContain('<tr id="finding-1" data-finding="0">');
  });

  it('shows paths relative to the repository root, and the text report', () => {
    const html = renderHtml(bankReport('/repo'), { root: '/repo' });
    expect(html).toContain('<td class="site">src/bank.ts:27:24 (audit)</td>');
    expect(html).not.toContain('/repo/src/bank.ts');
    expect(html).toContain(' *** DEADLOCK ***');
  });

  it('a clean report says so; a deadlock is listed', () => {
    expect(renderHtml(cleanReport(), { root: '/repo' })).toContain(
      'None: no lock-order cycle and no deadlock.',
    );
    expect(renderHtml(deadlockReport(), { root: '/repo' })).toContain('deadlock 1</button>');
  });

  it('a report too large to draw shows the locks of its findings and says so', () => {
    const many = Array.from({ length: MAX_DRAWN_LOCKS * 3 }, (_, index) =>
      lock(`L${index + 1}`, `lock-${index + 1}`, '/repo/src/big.ts', index + 1),
    );
    const chain = many
      .slice(1)
      .map((to, index) => ({ from: many[index]!.id, to: to.id, count: 1 }));
    const report: LockGraphReport = {
      version: 1,
      locks: many,
      edges: [...chain, { from: 'L3', to: 'L1', count: 1 }],
      cycles: [
        {
          locks: [
            { id: 'L1', name: 'lock-1' },
            { id: 'L2', name: 'lock-2' },
            { id: 'L3', name: 'lock-3' },
          ],
          edges: [
            { from: 'L1', to: 'L2' },
            { from: 'L2', to: 'L3' },
            { from: 'L3', to: 'L1' },
          ],
        },
      ],
      deadlocks: [],
    };
    const html = renderHtml(report, { root: '/repo' });
    expect(html.match(/<g class="lock( in-finding)?"/g)).toHaveLength(3);
    expect(html.match(/<g class="edge( in-finding)?"/g)).toHaveLength(3);
    expect(html).toContain(
      `The report has ${MAX_DRAWN_LOCKS * 3} locks and ${MAX_DRAWN_LOCKS * 3} edges, too many to draw`,
    );
  });
});

/// <reference lib="dom" />
/**
 * The Mermaid output read by Mermaid itself (the library GitHub uses), in a real Chromium: hostile
 * lock names come back as exactly their labels, with no extra node, edge or element.
 */
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMermaid } from '../src/render/mermaid.ts';
import { executablePath, requireBrowser } from './browser.ts';
import { HOSTILE_NAMES, bankReport, ring } from './reports.ts';

requireBrowser('the Mermaid output');

const MERMAID = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

interface Drawn {
  readonly labels: string[];
  readonly edges: number;
  readonly injected: number;
}

describe.runIf(executablePath !== undefined)('mermaid in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: MERMAID });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function draw(text: string): Promise<Drawn> {
    return page.evaluate(async (source) => {
      const mermaid = (
        globalThis as unknown as {
          mermaid: {
            initialize(o: object): void;
            render(id: string, text: string): Promise<{ svg: string }>;
          };
        }
      ).mermaid;
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        flowchart: { htmlLabels: false },
      });
      const { svg } = await mermaid.render(`graph${Math.random().toString(36).slice(2)}`, source);
      const out = document.getElementById('out')!;
      out.innerHTML = svg;
      const nodes = [...out.querySelectorAll('g.node')];
      return {
        labels: nodes.map((node) =>
          (node.querySelector('.nodeLabel, text')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
        edges: out.querySelectorAll('g.edgePaths path, path.flowchart-link').length,
        injected: out.querySelectorAll('img, script, iframe, object, embed, a, evil').length,
      };
    }, text);
  }

  it('draws the bank report: two locks, two edges', async () => {
    const drawn = await draw(renderMermaid(bankReport()));
    expect(drawn).toEqual({
      labels: ['accounts (Lock L1)', 'audit (Lock L2)'],
      edges: 2,
      injected: 0,
    });
  });

  it('hostile names come back as their labels, and nothing else is drawn or run', async () => {
    const drawn = await draw(renderMermaid(ring(HOSTILE_NAMES)));
    expect(drawn.labels).toEqual(
      HOSTILE_NAMES.map(
        (name, index) => `${name.replace(/\s+/g, ' ').trim()} (Lock L${index + 1})`,
      ),
    );
    expect(drawn.edges).toBe(HOSTILE_NAMES.length);
    expect(drawn.injected).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

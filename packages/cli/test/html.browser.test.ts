// / <reference lib="dom" />
/**
 * The HTML report in a real Chromium (Debian's `chromium`, driven by playwright-core): every lock
 * and cycle is drawn, clicking an edge shows its sites, hostile names stay text, and the page makes
 * no request. A screenshot is saved under .interlock/ for a person to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockGraphReport } from '@interlock/core';
import { renderHtml } from '../src/render/html.ts';
import { executablePath, requireBrowser } from './browser.ts';
import { HOSTILE_NAMES, bankReport, lock, site } from './reports.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const OUT = path.join(REPO, '.interlock');
requireBrowser('the HTML report');

/** Two cycles sharing a lock, a self-deadlock, a clean edge, and hostile names everywhere. */
function showcase(): LockGraphReport {
  const bank = bankReport(REPO, [HOSTILE_NAMES[0]!, 'audit']);
  const file = `${REPO}/src/ledger.ts`;
  const ledger = lock('L3', HOSTILE_NAMES[2]!, file, 3);
  const clean = lock('L4', 'metrics', file, 4);
  const queue = lock('L5', HOSTILE_NAMES[1]!, file, 5);
  const toLedger = {
    from: 'L2',
    to: 'L3',
    holder: site(file, 40, 5, 'post'),
    acquirer: site(file, 41, 5, 'post'),
  };
  const back = {
    from: 'L3',
    to: 'L2',
    holder: site(file, 50, 5, 'close'),
    acquirer: site(file, 52, 7, 'close'),
  };
  return {
    ...bank,
    locks: [...bank.locks, ledger, clean, queue],
    edges: [
      ...bank.edges,
      { ...toLedger, count: 2 },
      { ...back, count: 1 },
      { from: 'L4', to: 'L1', count: 5, holder: site(file, 60, 1), acquirer: site(file, 61, 1) },
    ],
    cycles: [
      ...bank.cycles,
      {
        locks: [
          { id: 'L2', name: 'audit' },
          { id: 'L3', name: ledger.name },
        ],
        edges: [toLedger, back],
      },
    ],
    deadlocks: [
      {
        locks: [{ id: 'L5', name: queue.name }],
        edges: [{ from: 'L5', to: 'L5', holder: site(file, 70, 3), acquirer: site(file, 71, 3) }],
      },
    ],
  };
}

describe.runIf(executablePath !== undefined)('html in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];
  const report = showcase();
  const file = path.join(OUT, 'cli-browser-test.html');

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file, renderHtml(report, { root: REPO, source: 'showcase.json' }));
    browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console: ${message.text()}`);
    });
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('runs its script with no error, no CSP violation and no dialog', async () => {
    await page.locator('button.finding').first().click();
    expect(problems).toEqual([]);
  });

  it('draws every lock, with its full name as text', async () => {
    const drawn = await page.locator('svg.lock-graph g.lock').evaluateAll((groups) =>
      groups.map((group) => ({
        id: group.getAttribute('data-lock'),
        title: group.querySelector('title')?.textContent,
      })),
    );
    expect(drawn.map((entry) => entry.id)).toEqual(report.locks.map((entry) => entry.id));
    report.locks.forEach((entry, index) => expect(drawn[index]!.title).toContain(entry.name));
  });

  it('draws every edge of every cycle and deadlock, coloured', async () => {
    const findings = [...report.cycles, ...report.deadlocks];
    for (const [position, finding] of findings.entries()) {
      const edges = await page
        .locator('svg.lock-graph g.edge.in-finding')
        .evaluateAll(
          (groups, wanted) =>
            groups.filter((group) =>
              group.getAttribute('data-findings')!.split(' ').includes(String(wanted)),
            ).length,
          position,
        );
      expect(edges).toBe(finding.edges.length);
    }
    const strokes = await page
      .locator('svg.lock-graph g.edge.in-finding path.line')
      .evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
    expect(new Set(strokes).size).toBeGreaterThan(1);
    expect(strokes).not.toContain('rgb(140, 149, 159)');
  });

  it('clicking an edge shows where its locks were taken and requested', async () => {
    const index = 0; // L1 → L2 of the first cycle
    const point = await page
      .locator(`svg.lock-graph g.edge[data-edge="${index}"] path.line`)
      .evaluate((line) => {
        const pathElement = line as SVGPathElement;
        const middle = pathElement.getPointAtLength(pathElement.getTotalLength() / 2);
        const matrix = pathElement.getScreenCTM()!;
        return {
          x: middle.x * matrix.a + middle.y * matrix.c + matrix.e,
          y: middle.x * matrix.b + middle.y * matrix.d + matrix.f,
        };
      });
    await page.mouse.click(point.x, point.y);
    const details = await page.locator('#details').innerText();
    expect(details).toContain(`${HOSTILE_NAMES[0]} → audit`);
    expect(details).toContain('src/bank.ts:12:20 (transfer)');
    expect(details).toContain('src/bank.ts:14:22 (transfer)');
    expect(details).toContain('acquisitions along this edge\n3');
    expect(await page.locator('g.edge.selected').count()).toBe(1);
  });

  it('picking a cycle in the table highlights its locks and edges and lists their sites', async () => {
    await page.locator('button.finding[data-finding="1"]').click();
    expect(await page.locator('svg.lock-graph.focusing').count()).toBe(1);
    expect(await page.locator('svg.lock-graph g.edge.focus').count()).toBe(2);
    expect(
      await page
        .locator('svg.lock-graph g.lock.focus')
        .evaluateAll((groups) => groups.map((g) => g.getAttribute('data-lock'))),
    ).toEqual(['L2', 'L3']);
    const details = await page.locator('#details').innerText();
    expect(details).toContain('src/ledger.ts:41:5 (post)');
    expect(details).toContain('src/ledger.ts:52:7 (close)');
  });

  it('hostile names stay text: no injected element, and the text report shows them literally', async () => {
    expect(await page.locator('img, iframe, object, embed, evil').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const text = await page.locator('#text-report pre').innerText();
    expect(text).toContain(HOSTILE_NAMES[0]);
    expect(text).toContain('interlock: 2 lock-order cycles, 1 deadlock (5 locks, 5 edges)');
  });

  it('made no request beyond loading the page itself, and saves a screenshot', async () => {
    await page.locator('button.finding[data-finding="0"]').click();
    await page.screenshot({ path: path.join(OUT, 'cli-html-report.png'), fullPage: true });
    expect(requests).toEqual([pathToFileURL(file).href]);
  });
});

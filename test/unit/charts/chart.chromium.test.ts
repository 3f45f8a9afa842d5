/**
 * The real charts bundle in headless Chromium, behind the real webview CSP (renderWebviewHtml) served from a
 * loopback HTTP server: every chart kind renders, hostile category names stay text, nothing breaks the CSP,
 * exports are posted to the host, and the colours follow the VS Code theme variables.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { renderWebviewHtml } from '../../../src/webviews/html';
import { buildWebviewBundle, launchChromium } from '../../helpers/webviewPage';
import type { ChartsInitialState, ChartSpec, ExportChartMessage } from '../../../src/shared/protocol';

const ROOT = resolve(__dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'test-results', 'screenshots');

// What VS Code puts on <html style> and <body class> for Dark Modern.
const DARK_VARS: Record<string, string> = {
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-widget-border': '#313131',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-checkbox-background': '#313131',
  '--vscode-checkbox-border': '#3c3c3c',
  '--vscode-checkbox-foreground': '#cccccc',
  '--vscode-focusBorder': '#0078d4',
};
const LIGHT_VARS: Record<string, string> = {
  ...DARK_VARS,
  '--vscode-editor-background': '#ffffff',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-charts-foreground': '#3b3b3b',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-charts-lines': 'rgba(59, 59, 59, 0.3)',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-checkbox-background': '#f8f8f8',
  '--vscode-checkbox-border': '#cecece',
  '--vscode-checkbox-foreground': '#3b3b3b',
};

const XSS = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>', '"><svg onload="window.__pwned=3">', '{a|b} & <b>bold</b>'];

interface Fixture {
  name: string;
  state: ChartsInitialState;
}

const FIXTURES: Fixture[] = [
  {
    name: 'bar',
    state: {
      title: 'Orders by country',
      columns: [
        { name: 'country', type: 'VARCHAR' },
        { name: 'orders', type: 'BIGINT' },
      ],
      rows: [[XSS[0], 120], [XSS[1], 80], [XSS[2], 45], [XSS[3], 30], ['France', 64]],
    },
  },
  {
    name: 'line',
    state: {
      title: 'Revenue per day',
      columns: [
        { name: 'day', type: 'DATE' },
        { name: 'region', type: 'VARCHAR' },
        { name: 'revenue', type: 'DECIMAL(18,2)' },
      ],
      rows: Array.from({ length: 14 }, (_, i) => [
        [`2024-03-${String(i + 1).padStart(2, '0')}`, 'EU', String(100 + i * 7 + (i % 3) * 11)],
        [`2024-03-${String(i + 1).padStart(2, '0')}`, XSS[0], String(80 + i * 4 - (i % 4) * 6)],
      ]).flat(),
    },
  },
  {
    name: 'pie',
    state: {
      title: 'Channel share',
      columns: [
        { name: 'channel', type: 'text' },
        { name: 'share_pct', type: 'double precision' },
      ],
      rows: [['web', 52], ['store', 28], [XSS[1], 12], ['partner', 8]],
    },
  },
  {
    name: 'scatter',
    state: {
      title: 'Height vs weight',
      columns: [
        { name: 'height_cm', type: 'DOUBLE' },
        { name: 'weight_kg', type: 'DOUBLE' },
      ],
      rows: Array.from({ length: 40 }, (_, i) => [150 + i, 45 + i * 0.9 + ((i * 7) % 10)]),
    },
  },
  {
    name: 'kpi',
    state: {
      title: 'Totals',
      columns: [
        { name: 'orders', type: 'BIGINT' },
        { name: XSS[0], type: 'DOUBLE' },
      ],
      rows: [[1234567, 98765.4321]],
    },
  },
  {
    name: 'histogram',
    state: {
      title: 'Order amounts',
      columns: [{ name: 'amount', type: 'DOUBLE' }],
      // 5·(a+b)+2 for digits a, b: a triangle from 2 to 92, i.e. 10 bins of width 10 holding 3, 7, 11, 15, 19, 17, 13, 9, 5, 1.
      rows: Array.from({ length: 100 }, (_, i) => [((i % 10) + Math.floor(i / 10)) * 5 + 2]),
    },
  },
];

describe('charts webview in Chromium (real CSP)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: Server;
  let base = '';
  const pages = new Map<string, { state: ChartsInitialState; theme: 'dark' | 'light' }>();

  before(async () => {
    const bundleDir = await buildWebviewBundle('charts');
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/charts.js' || url.pathname === '/charts.css') {
        res.writeHead(200, { 'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' });
        res.end(readFileSync(join(bundleDir, url.pathname.slice(1))));
        return;
      }
      const p = pages.get(url.pathname.slice(1));
      if (!p) {
        res.writeHead(404).end();
        return;
      }
      const vars = p.theme === 'dark' ? DARK_VARS : LIGHT_VARS;
      const html = renderWebviewHtml({ cspSource: base, scriptUri: `${base}/charts.js`, styleUri: `${base}/charts.css`, title: 'Chart', initialState: p.state })
        // VS Code's own page puts the theme on these two elements; the CSP meta tag is untouched.
        .replace('<html lang="en">', `<html lang="en" style="${Object.entries(vars).map(([k, v]) => `${k}: ${v.replace(/"/g, '&quot;')}`).join('; ')}">`)
        .replace('<body>', `<body class="vscode-${p.theme}" style="margin:0;background:var(--vscode-editor-background)">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  /** Opens a chart page; collects console output, page errors and CSP violations. */
  async function open(name: string, state: ChartsInitialState, theme: 'dark' | 'light' = 'dark') {
    pages.set(name, { state, theme });
    const context = await browser.newContext({ viewport: { width: 900, height: 560 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The browser's own favicon probe is not the page's doing.
      if (m.type() === 'error' && /Failed to load resource/.test(m.text()) && m.location().url.endsWith('/favicon.ico')) return;
      if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) problems.push(`request to ${r.url()}`);
    });
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${base}/${name}`);
    await page.waitForSelector('.chart-view', { timeout: 15_000 });
    return { page, problems, close: () => context.close() };
  }

  async function assertClean(page: Page, problems: string[]) {
    const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    assert.deepEqual(csp, [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors');
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
    assert.equal(pwned, undefined, 'a payload ran');
    // No element a payload could have created: only ECharts' own SVG and our React/toolkit markup.
    assert.equal(await page.locator('img, script:not([type="application/json"]):not([src]), b, svg svg').count(), 0, 'injected elements');
  }

  /** Paths drawn in a given fill colour inside the chart SVG (bars, points, slices). */
  const marks = (page: Page, fill: string) =>
    page.evaluate((f) => [...document.querySelectorAll('.chart-canvas svg path')].filter((p) => (p.getAttribute('fill') ?? '').toLowerCase() === f).length, fill);

  const svgTexts = (page: Page) => page.evaluate(() => [...document.querySelectorAll('.chart-canvas svg text')].map((t) => t.textContent ?? ''));

  it('bar: one bar per category, hostile names drawn as text, tooltip as text', async () => {
    const f = FIXTURES.find((x) => x.name === 'bar')!;
    const { page, problems, close } = await open('bar', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.screenshot({ path: join(SHOTS, 'charts-bar.png') });
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'bar');
      assert.equal(await marks(page, '#3794ff'), 5);
      const texts = await svgTexts(page);
      // Long labels are truncated by the axis, so look for the start of each payload.
      for (const x of XSS) assert.ok(texts.some((t) => t.startsWith(x.slice(0, 10))), `label ${x} missing in ${JSON.stringify(texts)}`);
      // Hover the first bar: the tooltip shows the hostile name as text.
      const box = (await page.locator('.chart-canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.18, box.y + box.height * 0.6);
      await page.waitForSelector('.chart-tip-title', { timeout: 5000 });
      assert.equal(await page.textContent('.chart-tip-title'), XSS[0]);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('line: one line per region over sorted days', async () => {
    const f = FIXTURES.find((x) => x.name === 'line')!;
    const { page, problems, close } = await open('line', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.screenshot({ path: join(SHOTS, 'charts-line.png') });
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'line');
      const lines = await page.evaluate(() => [...document.querySelectorAll('.chart-canvas svg path')].filter((p) => p.getAttribute('fill') === 'none' && p.getAttribute('stroke-width') === '2').map((p) => p.getAttribute('stroke')));
      assert.deepEqual(lines.sort(), ['#3794ff', '#d18616']);
      const texts = await svgTexts(page);
      assert.ok(texts.includes('EU') && texts.some((t) => t.startsWith('<img')), `legend: ${JSON.stringify(texts)}`);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('pie: one slice per channel', async () => {
    const f = FIXTURES.find((x) => x.name === 'pie')!;
    const { page, problems, close } = await open('pie', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.screenshot({ path: join(SHOTS, 'charts-pie.png') });
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'pie');
      const slices = await page.evaluate(() => new Set([...document.querySelectorAll('.chart-canvas svg path')].map((p) => p.getAttribute('fill')).filter((c) => c && /^#(3794ff|d18616|89d185|b180d7)$/.test(c))).size);
      assert.equal(slices, 4);
      const texts = await svgTexts(page);
      assert.ok(texts.includes('web: 52%'), JSON.stringify(texts));
      assert.ok(texts.includes('<script>window.__pwned=2</script>'), JSON.stringify(texts)); // legend
      assert.ok(texts.some((t) => t.startsWith('<script>window.__pwned=2</script>:')), JSON.stringify(texts)); // slice label
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('scatter: one point per row', async () => {
    const f = FIXTURES.find((x) => x.name === 'scatter')!;
    const { page, problems, close } = await open('scatter', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.screenshot({ path: join(SHOTS, 'charts-scatter.png') });
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'scatter');
      assert.equal(await marks(page, '#3794ff'), 40);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('KPI: figures as plain text, no chart library', async () => {
    const f = FIXTURES.find((x) => x.name === 'kpi')!;
    const { page, problems, close } = await open('kpi', f.state);
    try {
      await page.waitForSelector('.chart-kpi');
      assert.deepEqual(await page.locator('.chart-kpi-value').allTextContents(), ['1,234,567', '98,765.4321']);
      assert.deepEqual(await page.locator('.chart-kpi-label').allTextContents(), ['orders', XSS[0]]);
      assert.equal(await page.locator('.chart-canvas').count(), 0);
      await page.screenshot({ path: join(SHOTS, 'charts-kpi.png') });
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('histogram: 10 equal bins, editable bin count', async () => {
    const f = FIXTURES.find((x) => x.name === 'histogram')!;
    const spec: ChartSpec = { kind: 'histogram', y: ['amount'], aggregation: 'count', bins: 10 };
    const { page, problems, close } = await open('histogram', { ...f.state, spec });
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.screenshot({ path: join(SHOTS, 'charts-histogram.png') });
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'histogram');
      assert.equal(await marks(page, '#3794ff'), 10);
      // Bar heights are proportional to the counts (left to right).
      const heights = await page.evaluate(() =>
        [...document.querySelectorAll('.chart-canvas svg path')]
          .filter((p) => p.getAttribute('fill') === '#3794ff')
          .map((p) => (p as SVGGraphicsElement).getBBox())
          .sort((a, b) => a.x - b.x)
          .map((b) => b.height),
      );
      const counts = [3, 7, 11, 15, 19, 17, 13, 9, 5, 1];
      heights.forEach((h, i) => assert.ok(Math.abs(h / heights[4] - counts[i] / 19) < 0.01, `bin ${i}: height ${h} vs count ${counts[i]}`));
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('the editor changes the chart and tells the host; loading alone does not', async () => {
    const f = FIXTURES.find((x) => x.name === 'bar')!;
    const { page, problems, close } = await open('bar-edit', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      const sentTypes = () => page.evaluate(() => (window as unknown as { __iopsdataSent: { type: string }[] }).__iopsdataSent.map((m) => m.type));
      assert.deepEqual(await sentTypes(), ['ready']);
      await page.click('#chart-kind');
      await page.click('#chart-kind vscode-option:has-text("Pie")');
      await page.waitForFunction(() => document.querySelector('.chart-view')?.getAttribute('data-chart-kind') === 'pie');
      const sent = await page.evaluate(() => (window as unknown as { __iopsdataSent: { type: string; spec?: ChartSpec }[] }).__iopsdataSent.filter((m) => m.type === 'chartSpecChanged'));
      assert.deepEqual(sent.map((m) => [m.spec?.kind, m.spec?.x, m.spec?.y, m.spec?.aggregation]), [['pie', 'country', ['orders'], 'sum']]);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('draws a 300,000-row result (line by day per region) in a few seconds', async () => {
    const { page, problems, close } = await open('big', { title: 'Empty', columns: [], rows: [] });
    try {
      const ms = await page.evaluate(async () => {
        const regions = ['EU', 'US', 'APAC'];
        const rows: unknown[][] = [];
        for (let i = 0; i < 300_000; i++) rows.push([`2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`, regions[i % 3], i % 100]);
        const t0 = performance.now();
        window.postMessage(
          {
            type: 'showChart',
            title: 'Big',
            columns: [
              { name: 'day', type: 'DATE' },
              { name: 'region', type: 'VARCHAR' },
              { name: 'v', type: 'INTEGER' },
            ],
            rows,
          },
          '*',
        );
        // (No named inner functions: tsx would wrap them in a helper that does not exist in the page.)
        while ([...document.querySelectorAll('.chart-canvas svg path')].filter((p) => p.getAttribute('fill') === 'none' && p.getAttribute('stroke-width') === '2').length !== 3) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        return performance.now() - t0;
      });
      // 12 months × 28 days = 336 distinct days; three regions → three lines.
      assert.equal(await page.getAttribute('.chart-view', 'data-chart-kind'), 'line');
      assert.ok(ms < 8000, `took ${Math.round(ms)} ms`);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('exports PNG and SVG as messages to the host', async () => {
    const f = FIXTURES.find((x) => x.name === 'bar')!;
    const { page, problems, close } = await open('bar-export', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      await page.click('#chart-export-svg');
      await page.click('#chart-export-png');
      const sent = await page.evaluate(() => (window as unknown as { __iopsdataSent: { type: string }[] }).__iopsdataSent.filter((m) => m.type === 'exportChart'));
      assert.equal(sent.length, 2);
      const [svg, png] = sent as ExportChartMessage[];
      assert.equal(svg.format, 'svg');
      assert.equal(svg.suggestedName, 'Orders by country.svg');
      assert.match(svg.svgText!, /^<svg[\s\S]*<\/svg>$/);
      // The file is self-contained and readable outside the editor: theme background, escaped labels.
      assert.match(svg.svgText!, /#1f1f1f/);
      assert.ok(svg.svgText!.includes('&lt;img src=x on'), 'labels escaped in the SVG file');
      assert.ok(!svg.svgText!.includes('<img'), 'no raw markup in the SVG file');
      assert.equal(png.format, 'png');
      const bytes = Buffer.from(png.dataBase64!, 'base64');
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      // Width/height from the IHDR chunk: the chart size times pixelRatio 2.
      const width = bytes.readUInt32BE(16);
      const chartWidth = Math.round((await page.locator('.chart-canvas').boundingBox())!.width);
      assert.equal(width, chartWidth * 2);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });

  it('redraws in the new colours when the theme changes, and from a showChart host message', async () => {
    const f = FIXTURES.find((x) => x.name === 'bar')!;
    const { page, problems, close } = await open('bar-theme', f.state);
    try {
      await page.waitForSelector('.chart-canvas svg');
      assert.equal(await marks(page, '#3794ff'), 5);
      await page.evaluate((vars) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.className = 'vscode-light';
      }, LIGHT_VARS);
      await page.waitForFunction(() => [...document.querySelectorAll('.chart-canvas svg path')].some((p) => p.getAttribute('fill') === '#1a85ff'));
      assert.equal(await marks(page, '#1a85ff'), 5);
      assert.equal(await marks(page, '#3794ff'), 0);
      await page.screenshot({ path: join(SHOTS, 'charts-bar-light.png') });
      // The host sends a new result: the chart follows (3 categories now).
      await page.evaluate(() =>
        window.postMessage(
          {
            type: 'showChart',
            title: 'New',
            columns: [
              { name: 'k', type: 'VARCHAR' },
              { name: 'v', type: 'INTEGER' },
            ],
            rows: [['a', 1], ['b', 2], ['c', 3]],
          },
          '*',
        ),
      );
      await page.waitForFunction(() => document.querySelector('.chart-title')?.textContent === 'New');
      await page.waitForFunction(() => [...document.querySelectorAll('.chart-canvas svg path')].filter((p) => p.getAttribute('fill') === '#1a85ff').length === 3);
      await assertClean(page, problems);
    } finally {
      await close();
    }
  });
});

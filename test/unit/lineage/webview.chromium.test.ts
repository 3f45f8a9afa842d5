/**
 * The real lineage webview bundle in headless Chromium behind the real webview CSP, fed graphs the real engine
 * builds from SQL (and, for hostile names and size, hand-made graphs): nodes and column rows render, search finds
 * and jumps, depth hides far nodes, a column click highlights its whole path, clicks post openNode, SVG/PNG export
 * produce valid files, names are text, pan/zoom move the view, and a 1,000-node graph keeps most nodes out of the
 * DOM when zoomed in.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/resultsGridPage';
import { openWebview, serveWebview, type WebviewPage, type WebviewServer } from '../../helpers/webviewPage';
import { syntheticLineageGraph } from '../../helpers/lineageGraphs';
import { analyzeScript } from '../../../src/core/lineage';
import { scriptView, type ViewGraph } from '../../../src/core/lineage/view';
import type { LineageInitialState, LineageToHost, LineageToWebview } from '../../../src/shared/protocol/lineage';

const SHOTS = join(resolve(__dirname, '..', '..', '..'), 'test-results', 'screenshots');

type Rendered = Extract<LineageToHost, { type: 'rendered' }>;
type ExportImage = Extract<LineageToHost, { type: 'exportImage' }>;

const ETL = `CREATE TABLE stage AS SELECT id, amount FROM raw.orders;
INSERT INTO mart.totals (id, total) SELECT id, sum(amount) FROM stage GROUP BY id;`;

const CHAIN = `CREATE TABLE b AS SELECT x FROM a;
CREATE TABLE c AS SELECT x FROM b;
CREATE TABLE d AS SELECT x FROM c;
CREATE TABLE e AS SELECT x FROM d;`;

const HOSTILE_TABLE = '<img src=x onerror="window.__xss=\'table\'">';
const HOSTILE_COLUMN = '<script>window.__xss="column"</script>';
const AMP_COLUMN = 'a&b "quoted" \'single\'';

describe('lineage webview in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: WebviewServer;

  before(async () => {
    server = await serveWebview('lineage', { title: 'Lineage', mode: 'file' } satisfies LineageInitialState, 'Lineage');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the panel, sends `graph` and waits until the app reports it painted. */
  async function show(graph: ViewGraph, title: string, viewport?: { width: number; height: number }): Promise<WebviewPage & { rendered: Rendered }> {
    const w = await openWebview(browser, server, viewport);
    const before = (await w.sent()).length;
    await w.post({ type: 'lineageGraph', title, graph } satisfies LineageToWebview);
    const rendered = await w.waitForSent<Rendered>((m) => m.type === 'rendered', before);
    return { ...w, rendered };
  }

  const view = (sql: string) => scriptView(analyzeScript(sql, { dialect: 'postgres' }));

  async function columnsOf(w: WebviewPage, id: string): Promise<string[]> {
    return w.page.locator(`.lineage-node[data-id="${id}"] .lineage-column text`).allTextContents();
  }

  async function transform(w: WebviewPage): Promise<{ x: number; y: number; k: number }> {
    const t = (await w.page.locator('.lineage-viewport').getAttribute('transform'))!;
    const m = /translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(t)!;
    return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
  }

  it('draws tables as nodes with their column rows, and edges for table and column flows', async () => {
    const graph = view(ETL);
    const w = await show(graph, 'Lineage: etl.sql');
    assert.equal(w.rendered.nodes, 3);
    assert.equal(w.rendered.engine, 'dagre');
    const ids = await w.page.locator('.lineage-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(ids, ['t:mart.totals', 't:raw.orders', 't:stage']);
    assert.deepEqual((await columnsOf(w, 't:raw.orders')).sort(), ['amount', 'id']);
    assert.deepEqual((await columnsOf(w, 't:mart.totals')).sort(), ['id', 'total']);
    assert.equal(await w.page.locator('.lineage-node[data-id="t:stage"] .lineage-node-kind').textContent(), 'intermediate');
    // Table flows: raw.orders → stage → mart.totals (two chevron-ended curves in one path); column flows in another.
    const tableD = (await w.page.locator('.lineage-edges.table').getAttribute('d'))!;
    assert.equal(tableD.match(/C/g)?.length, 2);
    const columnD = (await w.page.locator('.lineage-edges.column').getAttribute('d'))!;
    assert.equal(columnD.match(/C/g)?.length, graph.edges.filter((e) => e.fromColumn).length);
    assert.match(await w.page.locator('.lineage-summary').innerText(), /CREATE TABLE into stage from raw\.orders/i);
    // Colours come from the VS Code theme (the helper loads Dark+ variables): source blue, target green, editor background.
    const colours = await w.page.evaluate(() => ({
      source: getComputedStyle(document.querySelector('.lineage-node.kind-source > rect')!).stroke,
      target: getComputedStyle(document.querySelector('.lineage-node.kind-target > rect')!).stroke,
      background: getComputedStyle(document.querySelector('.lineage-stage')!).backgroundColor,
    }));
    assert.deepEqual(colours, { source: 'rgb(55, 148, 255)', target: 'rgb(137, 209, 133)', background: 'rgb(30, 30, 30)' });
    assert.deepEqual(await w.cspViolations(), []);
    assert.deepEqual(w.errors, []);
    mkdirSync(SHOTS, { recursive: true });
    await w.page.screenshot({ path: join(SHOTS, 'lineage-chromium-etl.png') });
    await w.page.close();
  });

  it('search counts matches and Enter centres the view on the next one', async () => {
    const w = await show(view(ETL), 'Lineage: etl.sql');
    await w.page.locator('vscode-text-field input').fill('total');
    await w.page.waitForSelector('.lineage-node.match');
    assert.deepEqual(await w.page.locator('.lineage-node.match').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['t:mart.totals']);
    assert.equal(await w.page.locator('.lineage-search-count').innerText(), '1 match');
    assert.deepEqual(await w.page.locator('.lineage-column.match').evaluateAll((els) => els.map((e) => e.getAttribute('data-column'))), ['total']);
    const before = await transform(w);
    await w.page.locator('vscode-text-field input').press('Enter');
    await w.page.waitForSelector('.lineage-node.current[data-id="t:mart.totals"]');
    assert.equal(await w.page.locator('.lineage-search-count').innerText(), '1 of 1 match');
    // The node's centre is now at the centre of the canvas.
    const box = (await w.page.locator('.lineage-node[data-id="t:mart.totals"] > rect').boundingBox())!;
    const canvas = (await w.page.locator('.lineage-stage').boundingBox())!;
    assert.ok(Math.abs(box.x + box.width / 2 - (canvas.x + canvas.width / 2)) < 2, 'centred horizontally');
    assert.ok(Math.abs(box.y + box.height / 2 - (canvas.y + canvas.height / 2)) < 2, 'centred vertically');
    assert.notDeepEqual(await transform(w), before);
    await w.page.locator('vscode-text-field input').fill('no_such_thing');
    await w.page.waitForFunction(() => document.querySelector('.lineage-search-count')?.textContent === 'no match');
    assert.equal(await w.page.locator('.lineage-node.match').count(), 0);
    await w.page.close();
  });

  it('depth controls around a double-clicked centre hide nodes further away', async () => {
    const w = await show(view(CHAIN), 'Lineage: chain.sql');
    assert.equal(w.rendered.nodes, 5);
    await w.page.locator('.lineage-node[data-id="t:c"] .lineage-node-title').dblclick();
    await w.page.waitForFunction(() => document.querySelector('.lineage-centre-name')?.textContent === 'c');
    const setDepth = async (id: string, value: string) => {
      const n = (await w.sent()).length;
      await w.page.evaluate(([sel, v]) => {
        const el = document.getElementById(sel) as HTMLElement & { value: string };
        el.value = v;
        el.dispatchEvent(new Event('change'));
      }, [id, value] as const);
      return w.waitForSent<Rendered>((m) => m.type === 'rendered', n);
    };
    let r = await setDepth('lineage-up', '1');
    assert.equal(r.nodes, 4);
    r = await setDepth('lineage-down', '1');
    assert.equal(r.nodes, 3);
    const ids = await w.page.locator('.lineage-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(ids, ['t:b', 't:c', 't:d']);
    assert.match(await w.page.locator('.lineage-status').innerText(), /3 of 5 nodes shown/);
    r = await setDepth('lineage-up', 'all');
    assert.equal(r.nodes, 4);
    await w.page.close();
  });

  it('clicking a column highlights its full path upstream and downstream, and only that path', async () => {
    const w = await show(view(`${CHAIN}\nCREATE TABLE f AS SELECT y FROM a;`), 'Lineage: chain.sql');
    await w.page.locator('.lineage-node[data-id="t:c"] .lineage-column[data-column="x"]').click();
    await w.page.waitForSelector('.lineage-column.hot');
    const hot = await w.page.locator('.lineage-column.hot').evaluateAll((els) => els.map((e) => `${e.closest('.lineage-node')!.getAttribute('data-id')}.${e.getAttribute('data-column')}`).sort());
    assert.deepEqual(hot, ['t:a.x', 't:b.x', 't:c.x', 't:d.x', 't:e.x']);
    assert.equal(await w.page.locator('.lineage-edge.hot').count(), 4);
    assert.match(await w.page.locator('.lineage-impact').innerText(), /c\.x: 2 upstream columns, 2 downstream/);
    // a.y → f.y is not on the path.
    assert.equal(await w.page.locator('.lineage-node[data-id="t:a"] .lineage-column[data-column="y"].hot').count(), 0);
    // Clicking it again (or Clear highlight) clears it.
    await w.page.locator('.lineage-node[data-id="t:c"] .lineage-column[data-column="x"]').click();
    await w.page.waitForFunction(() => !document.querySelector('.lineage-column.hot'));
    assert.equal(await w.page.locator('.lineage-edge.hot').count(), 0);
    await w.page.close();
  });

  it('highlights an aggregate column back through an intermediate table', async () => {
    const w = await show(view(ETL), 'Lineage: etl.sql');
    await w.page.locator('.lineage-node[data-id="t:mart.totals"] .lineage-column[data-column="total"]').click();
    await w.page.waitForSelector('.lineage-column.hot');
    const hot = await w.page.locator('.lineage-column.hot').evaluateAll((els) => els.map((e) => `${e.closest('.lineage-node')!.getAttribute('data-id')}.${e.getAttribute('data-column')}`).sort());
    assert.deepEqual(hot, ['t:mart.totals.total', 't:raw.orders.amount', 't:stage.amount']);
    await w.page.close();
  });

  it('a click on a node title asks the host to open it; a drag does not', async () => {
    const w = await show(view(ETL), 'Lineage: etl.sql');
    let n = (await w.sent()).length;
    await w.page.locator('.lineage-node[data-id="t:stage"] .lineage-node-title').click();
    const open = await w.waitForSent<Extract<LineageToHost, { type: 'openNode' }>>((m) => m.type === 'openNode', n);
    assert.equal(open.id, 't:stage');
    // From the keyboard: Enter on a focused title opens it too.
    n = (await w.sent()).length;
    await w.page.locator('.lineage-node[data-id="t:mart.totals"] .lineage-node-title').focus();
    await w.page.keyboard.press('Enter');
    assert.equal((await w.waitForSent<Extract<LineageToHost, { type: 'openNode' }>>((m) => m.type === 'openNode', n)).id, 't:mart.totals');
    // Drag starting on a title: the view pans and nothing opens.
    n = (await w.sent()).length;
    const before = await transform(w);
    const box = (await w.page.locator('.lineage-node[data-id="t:raw.orders"] .lineage-node-title').boundingBox())!;
    await w.page.mouse.move(box.x + 5, box.y + 5);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + 60, box.y + 45, { steps: 5 });
    await w.page.mouse.up();
    const after = await transform(w);
    assert.ok(Math.abs(after.x - before.x - 55) < 1 && Math.abs(after.y - before.y - 40) < 1, `panned by the drag: ${JSON.stringify({ before, after })}`);
    await w.page.waitForTimeout(100);
    assert.deepEqual((await w.sent()).slice(n).filter((m) => m.type === 'openNode'), []);
    // Wheel zooms around the pointer; Fit restores the whole graph.
    const canvas = (await w.page.locator('.lineage-stage').boundingBox())!;
    await w.page.mouse.move(canvas.x + 200, canvas.y + 150);
    await w.page.mouse.wheel(0, -300);
    await w.page.waitForFunction((k) => !document.querySelector('.lineage-viewport')!.getAttribute('transform')!.endsWith(`scale(${k})`), after.k);
    assert.ok((await transform(w)).k > after.k, 'wheel up zooms in');
    await w.page.getByText('Fit', { exact: true }).click();
    await w.page.waitForFunction(() => {
      const c = document.querySelector('.lineage-stage')!.getBoundingClientRect();
      return [...document.querySelectorAll('.lineage-node > rect')].every((r) => {
        const b = r.getBoundingClientRect();
        return b.left >= c.left && b.right <= c.right && b.top >= c.top && b.bottom <= c.bottom;
      });
    });
    await w.page.close();
  });

  it('exports the whole graph as valid SVG and PNG', async () => {
    const graph = view(ETL);
    const w = await show(graph, 'Lineage: etl.sql');
    await w.page.locator('.lineage-node[data-id="t:mart.totals"] .lineage-column[data-column="total"]').click();
    let n = (await w.sent()).length;
    await w.page.getByText('Export SVG').click();
    const svg = await w.waitForSent<ExportImage>((m) => m.type === 'exportImage', n);
    assert.equal(svg.format, 'svg');
    const parsed = await w.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        ns: doc.documentElement.namespaceURI,
        nodes: doc.querySelectorAll('g.node').length,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
        hotStroke: [...doc.querySelectorAll('path[stroke-width="2.5"]')].length,
        vars: text.includes('var(--'),
      };
    }, svg.data);
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
    assert.equal(parsed.nodes, 3);
    for (const t of ['raw.orders', 'stage', 'mart.totals', 'amount', 'total']) assert.ok(parsed.texts.includes(t), `SVG has ${t}`);
    assert.equal(parsed.hotStroke, 2, 'the highlighted path is in the export');
    assert.equal(parsed.vars, false, 'theme variables are resolved to colours');
    n = (await w.sent()).length;
    await w.page.getByText('Export PNG').click();
    const png = await w.waitForSent<ExportImage>((m) => m.type === 'exportImage', n);
    assert.equal(png.format, 'png');
    const bytes = Buffer.from(png.data.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR width/height: the layout at 2×.
    assert.ok(bytes.readUInt32BE(16) > 400 && bytes.readUInt32BE(20) > 100, `PNG ${bytes.readUInt32BE(16)}×${bytes.readUInt32BE(20)}`);
    assert.deepEqual(await w.cspViolations(), []);
    await w.page.close();
  });

  it('shows HTML in table and column names as text, on the canvas and in the export', async () => {
    const graph: ViewGraph = {
      nodes: [
        { id: 't:evil', kind: 'source', label: HOSTILE_TABLE, columns: [HOSTILE_COLUMN, AMP_COLUMN] },
        { id: 't:out', kind: 'target', label: 'out', columns: ['c'] },
      ],
      edges: [
        { from: 't:evil', to: 't:out' },
        { from: 't:evil', to: 't:out', fromColumn: HOSTILE_COLUMN, toColumn: 'c' },
      ],
      focus: 't:out',
      summary: [`SELECT from ${HOSTILE_TABLE}`],
      problems: [`statement 1: near <b>bold</b>`],
    };
    const w = await show(graph, `Lineage: ${HOSTILE_TABLE}`, { width: 1400, height: 700 });
    const body = await w.page.evaluate(() => document.body.innerText);
    for (const s of [HOSTILE_COLUMN, AMP_COLUMN, `SELECT from ${HOSTILE_TABLE}`]) assert.ok(body.includes(s), `shows ${s}`);
    const title = await w.page.locator('.lineage-node[data-id="t:evil"] .lineage-node-title').evaluate((t) => t.querySelector('title')!.textContent);
    assert.ok(title!.startsWith(HOSTILE_TABLE));
    await w.page.locator('.lineage-problems summary').click();
    assert.ok((await w.page.locator('.lineage-problems').innerText()).includes('<b>bold</b>'));
    const counts = await w.page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      b: document.querySelectorAll('b').length,
      scripts: document.querySelectorAll('script').length,
      xss: (window as unknown as { __xss?: string }).__xss ?? null,
    }));
    assert.deepEqual(counts, { img: 0, b: 0, scripts: 2, xss: null });
    const n = (await w.sent()).length;
    await w.page.getByText('Export SVG').click();
    const svg = await w.waitForSent<ExportImage>((m) => m.type === 'exportImage', n);
    const parsed = await w.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent), title: doc.querySelector('title')?.textContent, elements: [...doc.querySelectorAll('*')].map((e) => e.nodeName).filter((x) => !['svg', 'title', 'rect', 'g', 'path', 'text'].includes(x)) };
    }, svg.data);
    assert.equal(parsed.error, null);
    assert.deepEqual(parsed.elements, []);
    assert.ok(parsed.texts.includes(HOSTILE_COLUMN) && parsed.texts.includes(AMP_COLUMN));
    assert.equal(parsed.title, `Lineage: ${HOSTILE_TABLE}`);
    assert.deepEqual(await w.cspViolations(), []);
    assert.deepEqual(w.errors, []);
    await w.page.close();
  });

  it('lays out 1,000 nodes without blocking for long and keeps only what is near the viewport in the DOM', async () => {
    const graph = syntheticLineageGraph(1000);
    graph.focus = undefined;
    const w = await show(graph, 'Lineage: big');
    assert.equal(w.rendered.nodes, 1000);
    assert.equal(w.rendered.engine, 'layered');
    assert.ok(w.rendered.layoutMs < 2000, `layout took ${w.rendered.layoutMs} ms`);
    // Fitted, the whole graph is tiny: boxes without column rows.
    assert.equal(await w.page.locator('.lineage-column').count(), 0);
    await w.page.locator('vscode-text-field input').fill('m999');
    await w.page.locator('vscode-text-field input').press('Enter');
    await w.page.waitForSelector('.lineage-node.current[data-id="model.m999"] .lineage-column');
    const inDom = await w.page.locator('.lineage-node').count();
    assert.ok(inDom > 0 && inDom < 200, `${inDom} of 1000 nodes in the DOM`);
    assert.deepEqual(w.errors, []);
    await w.page.close();
  });
});

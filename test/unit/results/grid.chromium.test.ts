/**
 * The real results bundle in headless Chromium with a fake host: values containing HTML stay text, NULL differs
 * from an empty string, numbers align right, and the grid asks for pages instead of whole results.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { launchChromium, openResultsPage } from '../../helpers/resultsGridPage';
import type { ResultSetSummary } from '../../../src/shared/protocol/results';

describe('results grid in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('renders HTML-looking values as text, NULL distinctly from empty strings, numbers right-aligned', async () => {
    const set: ResultSetSummary = {
      id: 's1', title: '1: SELECT', sql: 'select …', connectionName: 'Test', status: 'ok', rowCount: 3, elapsedMs: 12,
      columns: [
        { name: 'id', type: 'INTEGER', kind: 'number' },
        { name: 'label', type: 'VARCHAR', kind: 'string' },
      ],
    };
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const { page, cleanup } = await openResultsPage(browser, { set, rows: [[1, evil], [2, null], [3, '']] });
    try {
      const cells = await page.$$eval('.grow', (rows) =>
        rows.map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => ({ text: c.textContent, cls: c.className, html: c.innerHTML }))),
      );
      const byId = new Map(cells.map((r) => [r[0].text, r]));
      assert.equal(byId.get('1')![1].text, evil, 'value shown verbatim');
      assert.ok(!byId.get('1')![1].html.includes('<img'), 'no element created from the value');
      assert.equal(await page.$$eval('.grid-scroll img, .grid-scroll b', (els) => els.length), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(byId.get('2')![1].text, 'NULL');
      assert.match(byId.get('2')![1].cls, /\bnull\b/);
      assert.equal(byId.get('3')![1].text, '');
      assert.doesNotMatch(byId.get('3')![1].cls, /\bnull\b/);
      const align = await page.$eval('.grow [role=gridcell].num', (c) => getComputedStyle(c).textAlign);
      assert.equal(align, 'right');
      assert.match(await page.$eval('.rfooter', (f) => f.textContent ?? ''), /3 rows/);
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('pages a 1,000,000-row result: only a few blocks requested, far rows load on scroll', async () => {
    const set: ResultSetSummary = {
      id: 'big', title: 'big', sql: 'select …', connectionName: 'Test', status: 'ok', rowCount: 1_000_000, elapsedMs: 5,
      columns: Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, type: i % 2 ? 'VARCHAR' : 'BIGINT', kind: i % 2 ? ('string' as const) : ('number' as const) })),
    };
    const { page, cleanup } = await openResultsPage(browser, { set, generate: true, pageSize: 200 });
    try {
      const domRows = await page.$$eval('.grow', (r) => r.length);
      assert.ok(domRows > 10 && domRows < 100, `virtualized: ${domRows} rows in the DOM`);
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = 22 * 750_000));
      await page.waitForFunction(() => [...document.querySelectorAll('.grow .rownum')].some((c) => c.textContent === '750001'));
      await page.waitForFunction(() => !document.querySelector('.grow .loading'));
      const firstCells = await page.$$eval('.grow', (rows) => rows.map((r) => [r.querySelector('.rownum')!.textContent, r.querySelector('[role=gridcell]')!.textContent]));
      const row = firstCells.find(([n]) => n === '750001')!;
      assert.equal(row[1], String(750_000 * 31)); // generated value for row 750000, column 0
      const requests = await page.evaluate(() => (window as unknown as { __requests: { offset: number; limit: number }[] }).__requests);
      assert.ok(requests.length <= 6, `asked for ${requests.length} pages`);
      assert.ok(requests.every((r) => r.limit === 200));
      assert.ok(requests.some((r) => r.offset === 750_000));
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('sends the sort and filter to the host and copies a selection as TSV', async () => {
    const set: ResultSetSummary = {
      id: 's2', title: 't', sql: 'select', connectionName: 'Test', status: 'ok', rowCount: 2, elapsedMs: 1,
      columns: [
        { name: 'a', type: 'INTEGER', kind: 'number' },
        { name: 'b', type: 'VARCHAR', kind: 'string' },
      ],
    };
    const { page, cleanup } = await openResultsPage(browser, { set, rows: [[1, 'x\ty'], [2, null]] });
    try {
      await page.click('.hcell[title^="b "]');
      await page.waitForFunction(() => (window as any).__requests.some((r: any) => r.sort?.column === 1 && r.sort.direction === 'asc'));
      await page.fill('.rfilter', 'x');
      await page.waitForFunction(() => (window as any).__requests.some((r: any) => r.filter === 'x'));
      await page.waitForSelector('.grow [role=gridcell]:not(.loading)');
      await page.click('.grow .rownum');
      await page.keyboard.press('Control+c');
      const sent = await page.evaluate(() => (window as any).__sent.filter((m: any) => m.type === 'copyToClipboard'));
      assert.equal(sent.length, 1);
      assert.equal(sent[0].text, '1\t"x\ty"');
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('shows the result as a chart in the Chart tab', async () => {
    const set: ResultSetSummary = {
      id: 's3', title: 'sales', sql: 'select', connectionName: 'Test', status: 'ok', rowCount: 3, elapsedMs: 1,
      columns: [
        { name: 'region', type: 'VARCHAR', kind: 'string' },
        { name: 'total', type: 'DOUBLE', kind: 'number' },
      ],
    };
    const { page, cleanup } = await openResultsPage(browser, { set, rows: [['north', 15], ['south', 20], ['west', 3]] });
    try {
      await page.click('button.rbtn:has-text("Chart")');
      await page.waitForSelector('.chart-tab svg', { timeout: 15_000 });
      const sent = await page.evaluate(() => (window as any).__sent.filter((m: any) => m.type === 'results/requestChartRows'));
      assert.equal(sent.length, 1);
      assert.equal(sent[0].setId, 's3');
      assert.equal(await page.$$eval('.grow', (r) => r.length), 0, 'the grid is replaced by the chart');
    } finally {
      await page.close();
      cleanup();
    }
  });
});

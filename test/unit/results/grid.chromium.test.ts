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
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.gnums .rownum')].some((c) => c.textContent === '750001' && c.style.display !== 'none'));
      await page.waitForFunction(() => !document.querySelector('.grow .loading'));
      const first = await page.$eval('.grow[aria-rowindex="750002"]', (r) => r.querySelector('[role=gridcell]')!.textContent);
      assert.equal(first, String(750_000 * 31)); // generated value for row 750000, column 0
      const requests = await page.evaluate(() => (window as unknown as { __requests: { offset: number; limit: number }[] }).__requests);
      assert.ok(requests.length <= 6, `asked for ${requests.length} pages`);
      assert.ok(requests.every((r) => r.limit === 200));
      assert.ok(requests.some((r) => r.offset === 750_000));
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('reaches the last row of a 5,000,000-row result (taller than the browser allows: the scroll range is compressed)', async () => {
    const set: ResultSetSummary = {
      id: 'huge', title: 'huge', sql: 'select …', connectionName: 'Test', status: 'ok', rowCount: 5_000_000, elapsedMs: 5,
      columns: [{ name: 'n', type: 'BIGINT', kind: 'number' }],
    };
    const { page, cleanup } = await openResultsPage(browser, { set, generate: true, pageSize: 200 });
    try {
      const height = await page.$eval('.grid-scroll', (el) => el.scrollHeight);
      assert.ok(height < 33_000_000, `scroll height ${height}`);
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(() => document.querySelector('.grow[aria-rowindex="5000001"] [role=gridcell]')?.textContent === String(4_999_999 * 31));
      // The last row sits fully inside the viewport.
      const [row, view] = await page.evaluate(() => [document.querySelector('.grow[aria-rowindex="5000001"]')!.getBoundingClientRect().bottom, document.querySelector('.grid-scroll')!.getBoundingClientRect().bottom]);
      assert.ok(row <= view + 1, `last row bottom ${row}, viewport bottom ${view}`);
      // Halfway down the scroll range is halfway through the rows.
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
      await page.waitForFunction(() => !document.querySelector('.grow .loading') && [...document.querySelectorAll<HTMLElement>('.grow')].some((r) => r.style.visibility !== 'hidden' && Math.abs(Number(r.getAttribute('aria-rowindex')) - 2_500_000) < 100));
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('draws only the columns in view, follows horizontal scrolling, and resizes a column by dragging its edge', async () => {
    const set: ResultSetSummary = {
      id: 'wide', title: 'wide', sql: 'select …', connectionName: 'Test', status: 'ok', rowCount: 5000, elapsedMs: 5,
      columns: Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, type: 'BIGINT', kind: 'number' as const })),
    };
    const { page, cleanup } = await openResultsPage(browser, { set, generate: true, pageSize: 200 }, { width: 900, height: 600 });
    try {
      const colsOfRow = (aria: number) =>
        page.$$eval(`.grow[aria-rowindex="${aria}"] [role=gridcell]`, (cells) => cells.map((c) => [Number(c.getAttribute('aria-colindex')) - 2, c.textContent]));
      const first = await colsOfRow(2);
      assert.ok(first.length > 3 && first.length < 20, `${first.length} of 20 columns drawn`);
      assert.deepEqual(first[0], [0, '0']);
      await page.$eval('.grid-scroll', (el) => (el.scrollLeft = el.scrollWidth));
      await page.waitForFunction(() => !!document.querySelector('.grow[aria-rowindex="2"] [aria-colindex="21"]'));
      const right = await colsOfRow(2);
      assert.deepEqual(right[right.length - 1], [19, '19']);
      assert.ok(!right.some(([k]) => k === 0), 'the first column is no longer drawn');
      // Row numbers stay on the left while scrolled sideways.
      const num = await page.$eval('.gnums .rownum', (n) => n.getBoundingClientRect().left);
      const scroller = await page.$eval('.grid-scroll', (el) => el.getBoundingClientRect().left);
      assert.ok(Math.abs(num - scroller) < 2, `row numbers at ${num}, grid at ${scroller}`);
      // Resize the last column: drag its edge 80 px to the right.
      const handle = (await page.$$('.hcell .resizer'))[19];
      const box = (await handle.boundingBox())!;
      const before = await page.$eval('.grow[aria-rowindex="2"] [aria-colindex="21"]', (c) => c.getBoundingClientRect().width);
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 42, box.y + box.height / 2, { steps: 4 });
      await page.mouse.move(box.x + 82, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      await page.waitForFunction((w) => document.querySelector('.grow[aria-rowindex="2"] [aria-colindex="21"]')!.getBoundingClientRect().width >= w + 70, before);
      // Keyboard: a selected cell moves down with the arrow key and the grid follows it.
      await page.click('.grow[aria-rowindex="2"] [aria-colindex="21"]');
      for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => document.querySelector('.grow[aria-rowindex="42"] [aria-colindex="21"]')?.classList.contains('selected'));
      assert.match(await page.$eval('.rfooter', (f) => f.textContent ?? ''), /1 cell selected/);
    } finally {
      await page.close();
      cleanup();
    }
  });

  it('shows the first rows while the result still streams in, counts up in the footer, then the final count', async () => {
    const set: ResultSetSummary = {
      id: 'stream', title: 'stream', sql: 'select …', connectionName: 'Test', status: 'ok', rowCount: 300, elapsedMs: 40, fetching: true,
      columns: [
        { name: 'n', type: 'BIGINT', kind: 'number' },
        { name: 's', type: 'VARCHAR', kind: 'string' },
      ],
    };
    const { page, cleanup } = await openResultsPage(browser, { set, generate: true, pageSize: 200 });
    try {
      const footer = () => page.$eval('.rfooter', (f) => f.textContent ?? '');
      assert.match(await footer(), /fetching… 300 rows/);
      // Row 300 is the last one stored so far; block [200, 400) came back with 100 rows.
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForSelector('.grow[aria-rowindex="301"] [role=gridcell]:not(.loading)');
      assert.equal(await page.$('.grow[aria-rowindex="302"]'), null, 'no row beyond the rows stored');
      // More rows arrive, then the result is complete.
      await page.evaluate(`(() => {
        window.__available = 1200;
        window.postMessage({ type: 'results/set', set: ${JSON.stringify({ ...set, rowCount: 1200 })} }, '*');
      })()`);
      await page.waitForFunction(() => /fetching… 1,200 rows/.test(document.querySelector('.rfooter')!.textContent ?? ''));
      // The short block is asked for again: row 350 (index 349) now has its values.
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = 22 * 330));
      await page.waitForFunction(() => document.querySelector('.grow[aria-rowindex="351"] [role=gridcell]')?.textContent === String(349 * 31));
      await page.evaluate(`(() => {
        window.__available = 5000;
        window.postMessage({ type: 'results/set', set: ${JSON.stringify({ ...set, rowCount: 5000, fetching: false, elapsedMs: 900 })} }, '*');
      })()`);
      await page.waitForFunction(() => /5,000 rows/.test(document.querySelector('.rfooter')!.textContent ?? ''));
      assert.doesNotMatch(await footer(), /fetching/);
      await page.$eval('.grid-scroll', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(() => document.querySelector('.grow[aria-rowindex="5001"] [role=gridcell]')?.textContent === String(4999 * 31));
      // A fetch cancelled part-way keeps its rows and says so.
      await page.evaluate(`window.postMessage({ type: 'results/set', set: ${JSON.stringify({ ...set, rowCount: 5000, fetching: false, truncated: true })} }, '*')`);
      await page.waitForFunction(() => /5,000 rows \(fetch cancelled/.test(document.querySelector('.rfooter')!.textContent ?? ''));
      assert.equal(await page.$('[role=alert]'), null, 'a cancel by the user needs no banner');
      // A fetch that failed part-way (connection lost) keeps its rows too, with a banner saying why (as text).
      const why = 'Fetching stopped after 5,000 rows: The connection to <b>Test</b> was lost.';
      await page.evaluate(`window.postMessage({ type: 'results/set', set: ${JSON.stringify({ ...set, rowCount: 5000, fetching: false, truncated: true, error: why })} }, '*')`);
      await page.waitForFunction(() => /5,000 rows \(fetch stopped/.test(document.querySelector('.rfooter')!.textContent ?? ''));
      assert.equal(await page.$eval('.warning-banner[role=alert]', (b) => b.textContent), why);
      assert.equal(await page.$('.warning-banner b'), null);
      assert.equal(await page.$eval('.grow[aria-rowindex="5001"] [role=gridcell]', (c) => c.textContent), String(4999 * 31), 'the rows stay on screen');
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
      await page.click('.gnums .rownum:text-is("1")');
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

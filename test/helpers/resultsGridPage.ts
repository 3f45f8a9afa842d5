/**
 * Opens the real results webview bundle (built fresh from webview-ui/src/results) in headless Chromium with a fake host: the page's
 * acquireVsCodeApi() answers `results/requestPage` from generated or given rows, like the extension host does from
 * its DuckDB store. Used by the grid UI test and the grid scrolling benchmark.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ResultSetSummary } from '../../src/shared/protocol/results';
import { buildWebviewBundle } from './webviewPage';

export { CHROMIUM_ARGS, launchChromium } from './webviewPage';

/**
 * The results bundle built from the current sources (webviewPage's buildWebviewBundle): a stale dist/webview (or
 * another session's `npm run build` running at the same time) never decides what is tested.
 */
export async function ensureResultsBundle(): Promise<string> {
  // A prebuilt bundle (results.js + results.css), e.g. an older commit's, to compare benches before/after a change.
  return process.env.IOPSDATA_RESULTS_BUNDLE_DIR || buildWebviewBundle('results');
}

export interface FakeHostData {
  set: ResultSetSummary;
  /** Either literal rows (served as-is) … */
  rows?: (string | number | boolean | null)[][];
  /**
   * … or generated rows: cell (r, c) = `r * 31 + c` for numbers, `row r col c` for strings; as many as
   * `window.__available` (initially set.rowCount), which a test raises to play rows streaming in.
   */
  generate?: boolean;
  /** Milliseconds the fake host waits before answering, like a round trip to the extension host. */
  latencyMs?: number;
  pageSize?: number;
}

/** Opens a page running the results app against the fake host; resolves once the grid shows. */
export async function openResultsPage(browser: Browser, data: FakeHostData, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; cleanup: () => void }> {
  const bundle = await ensureResultsBundle();
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-grid-'));
  const fakeHost = `
    (function () {
      const data = ${JSON.stringify({ rows: data.rows ?? null, generate: !!data.generate, latency: data.latencyMs ?? 0, set: data.set })};
      window.__requests = [];
      // Rows the fake store holds so far (a test raises it to play a result streaming in).
      window.__available = data.set.rowCount;
      window.__sent = [];
      function cell(r, c, kind) {
        return kind === 'number' ? r * 31 + c : 'row ' + r + ' col ' + c;
      }
      window.acquireVsCodeApi = function () {
        return {
          getState: function () { return undefined; },
          setState: function () {},
          postMessage: function (m) {
            window.__sent.push(m);
            if (m.type === 'results/requestChartRows' && data.rows) {
              const chart = { type: 'results/chartRows', setId: m.setId, requestId: m.requestId, rows: data.rows.slice(0, m.limit), truncated: data.rows.length > m.limit };
              setTimeout(function () { window.postMessage(chart, '*'); }, data.latency);
              return;
            }
            if (m.type !== 'results/requestPage') return;
            window.__requests.push(m);
            let rows;
            let total;
            if (data.rows) {
              total = data.rows.length;
              rows = data.rows.slice(m.offset, m.offset + m.limit);
            } else {
              total = window.__available;
              rows = [];
              const end = Math.min(total, m.offset + m.limit);
              for (let r = m.offset; r < end; r++) {
                const row = new Array(data.set.columns.length);
                for (let c = 0; c < row.length; c++) row[c] = cell(r, c, data.set.columns[c].kind);
                rows.push(row);
              }
            }
            const answer = { type: 'results/page', setId: m.setId, requestId: m.requestId, offset: m.offset, rows: rows, totalRows: total };
            setTimeout(function () { window.postMessage(answer, '*'); }, data.latency);
          },
        };
      };
    })();`;
  const initial = JSON.stringify({ pageSize: data.pageSize ?? 200, sets: [data.set], activeId: data.set.id }).replace(/</g, '\\u003c');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(join(bundle, 'results.css'))}"></head>
<body><div id="root"></div>
<script type="application/json" id="iopsdata-initial-state">${initial}</script>
<script>${fakeHost}</script>
<script src="${pathToFileURL(join(bundle, 'results.js'))}"></script></body></html>`;
  const file = join(dir, 'results.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).toString());
  try {
    await page.waitForSelector('.grow [role=gridcell]:not(.loading)', { timeout: 15_000 });
  } catch (err) {
    throw new Error(`results grid did not render: ${errors.join("; ") || String(err)}`, { cause: err });
  }
  return { page, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

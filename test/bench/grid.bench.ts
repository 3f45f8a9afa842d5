/**
 * Results grid frame time while scrolling a 1,000,000-row × 20-column result: the real results bundle in headless
 * Chromium, with a fake host answering page requests from generated data (as the extension host does from its
 * DuckDB store). The page scrolls programmatically once per animation frame and records requestAnimationFrame
 * deltas: wheel steps (4 rows), a fling (40 rows) and jumps across the whole result.
 *
 * Baselines, in the same run and interleaved round by round with the grid (the machine is shared, so load changes
 * from minute to minute):
 * - idle: the same grid page, frames with no scrolling — how fast this machine delivers frames at all right now;
 * - static page: the grid's stylesheet and DOM shape with 400 rows × 20 cells already in the DOM, scrolled by the
 *   same wheel steps with no script — what the browser itself needs to scroll that much text.
 */
import type { Page } from 'playwright-core';
import type { BenchReport } from './report';
import { ensureResultsBundle, launchChromium, openResultsPage } from '../helpers/resultsGridPage';
import type { ResultSetSummary } from '../../src/shared/protocol/results';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROWS = 1_000_000;
const COLS = 20;
const ROUNDS = 3;
const FRAMES_PER_ROUND = 80;
const STATIC_ROWS = 400;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sortNum = (a: number[]) => [...a].sort((x, y) => x - y);

/**
 * Scrolls `.grid-scroll` by `step` px per frame for `frames` frames (wrapping to the top at the end) and returns
 * the frame deltas. Passed as source text: tsx would otherwise inject helpers (__name) that do not exist in the page.
 */
async function scrollFrames(page: Page, step: number, frames: number): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const el = document.querySelector('.grid-scroll');
    const deltas = [];
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    let last = performance.now();
    for (let i = 0; i < ${frames}; i++) {
      const max = el.scrollHeight - el.clientHeight;
      el.scrollTop = el.scrollTop + ${step} > max ? 0 : el.scrollTop + ${step};
      const t = await frame();
      deltas.push(t - last);
      last = t;
    }
    return deltas;
  })()`)) as number[];
}

async function idleFrames(page: Page, frames: number): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const deltas = [];
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    let last = performance.now();
    for (let i = 0; i < ${frames}; i++) {
      const t = await frame();
      deltas.push(t - last);
      last = t;
    }
    return deltas;
  })()`)) as number[];
}

/**
 * Main-thread cost of one wheel step, measured synchronously (no frame waits, so machine load matters less): the
 * scroll handler's DOM updates, then the style+layout they cause. A static page's cost for the same step is zero.
 */
async function stepCost(page: Page, steps: number): Promise<{ script: number[]; layout: number[] }> {
  return (await page.evaluate(`(() => {
    const el = document.querySelector('.grid-scroll');
    const probe = document.querySelector('.gbody');
    const script = [], layout = [];
    for (let i = 0; i < ${steps}; i++) {
      el.scrollTop += 88;
      const a = performance.now();
      el.dispatchEvent(new Event('scroll'));
      const b = performance.now();
      probe.getBoundingClientRect();
      void probe.lastElementChild.offsetTop;
      const c = performance.now();
      script.push(b - a);
      layout.push(c - b);
    }
    return { script, layout };
  })()`)) as { script: number[]; layout: number[] };
}

async function jumpFrames(page: Page, frames: number): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const el = document.querySelector('.grid-scroll');
    const deltas = [];
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    let last = performance.now();
    let seed = 7;
    for (let i = 0; i < ${frames}; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      el.scrollTop = (seed / 2147483648) * (el.scrollHeight - el.clientHeight);
      const t = await frame();
      deltas.push(t - last);
      last = t;
    }
    return deltas;
  })()`)) as number[];
}

/** The static baseline page: the grid's own stylesheet and DOM shape, every row present, no script. */
async function openStaticPage(browser: Awaited<ReturnType<typeof launchChromium>>, set: ResultSetSummary, viewport: { width: number; height: number }) {
  const bundle = await ensureResultsBundle();
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-grid-static-'));
  const widths = set.columns.map((c) => (c.kind === 'number' ? 100 : 160));
  const lefts = widths.map((_, k) => widths.slice(0, k).reduce((a, b) => a + b, 0));
  const total = widths.reduce((a, b) => a + b, 0);
  const rows: string[] = [];
  for (let r = 0; r < STATIC_ROWS; r++) {
    const cells = set.columns
      .map((c, k) => `<div role="gridcell" class="cell${c.kind === 'number' ? ' num' : ''}" style="left:${lefts[k]}px;width:${widths[k]}px">${c.kind === 'number' ? r * 31 + k : `row ${r} col ${k}`}</div>`)
      .join('');
    rows.push(`<div class="grow${r % 2 ? ' odd' : ''}" style="transform:translateY(${r * 22}px);width:${total}px">${cells}</div>`);
  }
  const nums = Array.from({ length: STATIC_ROWS }, (_, r) => `<div class="rownum" style="transform:translateY(${r * 22}px)">${r + 1}</div>`).join('');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(join(bundle, 'results.css'))}"></head>
<body><div class="results-app"><div class="rbody"><div class="grid-wrap"><div class="grid-scroll">
<div class="grid-inner" style="width:${64 + total}px;height:${26 + STATIC_ROWS * 22}px"><div class="ghead" style="width:${64 + total}px"></div>
<div class="gnums" style="height:${STATIC_ROWS * 22}px">${nums}</div><div class="gbody" style="width:${total}px;height:${STATIC_ROWS * 22}px">${rows.join('')}</div></div>
</div></div></div></div></body></html>`;
  const file = join(dir, 'static.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport });
  await page.goto(pathToFileURL(file).toString());
  return { page, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function run(report: BenchReport): Promise<void> {
  const set: ResultSetSummary = {
    id: 'bench', title: 'bench', sql: 'select …', connectionName: 'bench', status: 'ok', rowCount: ROWS, elapsedMs: 0,
    columns: Array.from({ length: COLS }, (_, i) => ({ name: `column_${i}`, type: i % 3 === 0 ? 'BIGINT' : i % 3 === 1 ? 'VARCHAR' : 'DOUBLE', kind: i % 3 === 1 ? ('string' as const) : ('number' as const) })),
  };
  const viewport = { width: 1600, height: 1000 };
  const browser = await launchChromium();
  try {
    const grid = await openResultsPage(browser, { set, generate: true, latencyMs: 2, pageSize: 200 }, viewport);
    const base = await openStaticPage(browser, set, viewport);
    try {
      const d = { gridWheel: [] as number[], idle: [] as number[], baseWheel: [] as number[], gridFling: [] as number[], gridJumps: [] as number[] };
      // Rounds alternate between the pages so all see the same machine load.
      for (let round = 0; round < ROUNDS; round++) {
        await grid.page.bringToFront();
        d.idle.push(...(await idleFrames(grid.page, FRAMES_PER_ROUND)));
        d.gridWheel.push(...(await scrollFrames(grid.page, 22 * 4, FRAMES_PER_ROUND)));
        d.gridFling.push(...(await scrollFrames(grid.page, 22 * 40, FRAMES_PER_ROUND / 2)));
        await base.page.bringToFront();
        await base.page.evaluate(`document.querySelector('.grid-scroll').scrollTop = 0`);
        d.baseWheel.push(...(await scrollFrames(base.page, 22 * 4, FRAMES_PER_ROUND)));
        report.log(`round ${round + 1}/${ROUNDS} done`);
      }
      await grid.page.bringToFront();
      d.gridJumps.push(...(await jumpFrames(grid.page, 60)));
      // (A bundle from before GridBody has no .gbody: no step cost then.)
      const cost = (await grid.page.$('.gbody')) ? await stepCost(grid.page, 200) : { script: [NaN], layout: [NaN] };
      const costMed = (xs: number[]) => Math.round(percentile(sortNum(xs), 50) * 100) / 100;
      const costP95 = (xs: number[]) => Math.round(percentile(sortNum(xs), 95) * 100) / 100;
      report.record('grid wheel step: scroll handler (script) median', costMed(cost.script), 'ms');
      report.record('grid wheel step: scroll handler (script) p95', costP95(cost.script), 'ms');
      report.record('grid wheel step: style+layout median', costMed(cost.layout), 'ms');
      report.record('grid wheel step: style+layout p95', costP95(cost.layout), 'ms');
      report.target('grid wheel step main-thread work (script + layout, median)', costMed(cost.script) + costMed(cost.layout), 4);
      const stats = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, { median: percentile(sortNum(v), 50), p95: percentile(sortNum(v), 95), n: v.length }]));
      const r1 = (x: number) => Math.round(x * 10) / 10;
      for (const [name, key] of [
        ['grid wheel (4 rows/frame)', 'gridWheel'],
        ['baseline idle frames (same page, no scrolling)', 'idle'],
        ['baseline static page wheel (4 rows/frame)', 'baseWheel'],
        ['grid fling (40 rows/frame)', 'gridFling'],
        ['grid jumps', 'gridJumps'],
      ] as const) {
        report.record(`${name} median`, r1(stats[key].median), 'ms');
        report.record(`${name} p95`, r1(stats[key].p95), 'ms');
        report.record(`${name} frames`, stats[key].n, 'frames');
      }
      const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
      report.record('wheel median: grid / idle', ratio(stats.gridWheel.median, stats.idle.median), 'x');
      report.record('wheel p95: grid / idle', ratio(stats.gridWheel.p95, stats.idle.p95), 'x');
      report.record('wheel median: grid / static page', ratio(stats.gridWheel.median, stats.baseWheel.median), 'x');
      report.record('wheel p95: grid / static page', ratio(stats.gridWheel.p95, stats.baseWheel.p95), 'x');
      const dom = (await grid.page.evaluate(`({ cells: document.querySelectorAll('.grow [role=gridcell]').length, requests: window.__requests.length })`)) as { cells: number; requests: number };
      report.record('cells in the DOM', dom.cells, 'cells');
      report.record('page requests', dom.requests, 'requests');
      // rAF deltas are whole vsync intervals (60 Hz: 16.67 ms) plus timer jitter: the budget is one interval for the
      // median and two for p95, each with 1 ms of jitter. Headless Chromium without a GPU on 2 shared cores.
      const vsync = 1000 / 60;
      report.target('grid wheel-scroll frame time median (1M × 20)', stats.gridWheel.median, Math.round((vsync + 1) * 10) / 10);
      report.target('grid wheel-scroll frame time p95 (1M × 20)', stats.gridWheel.p95, Math.round((2 * vsync + 1) * 10) / 10);
      report.target('grid wheel-scroll median / idle median (same run)', stats.gridWheel.median / stats.idle.median, 1.25, 'x');
      report.target('grid wheel-scroll median / static page median (same run)', stats.gridWheel.median / stats.baseWheel.median, 1.25, 'x');
      report.log(
        `wheel: grid median ${r1(stats.gridWheel.median)} ms p95 ${r1(stats.gridWheel.p95)} ms; idle ${r1(stats.idle.median)} / ${r1(stats.idle.p95)} ms; ` +
          `static page ${r1(stats.baseWheel.median)} / ${r1(stats.baseWheel.p95)} ms; fling ${r1(stats.gridFling.median)} / ${r1(stats.gridFling.p95)}; ${dom.cells} cells in the DOM`,
      );
    } finally {
      await grid.page.close();
      await base.page.close();
      grid.cleanup();
      base.cleanup();
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'grid', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}

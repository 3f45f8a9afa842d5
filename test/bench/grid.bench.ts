/**
 * Results grid frame time while scrolling a 1,000,000-row × 20-column result: the real dist/webview/results.js in
 * headless Chromium, with a fake host answering page requests from generated data (as the extension host does from
 * its DuckDB store). The page scrolls programmatically every animation frame (steady scrolling, then long jumps) and
 * records requestAnimationFrame deltas; median and p95 are reported.
 */
import type { BenchReport } from './report';
import { launchChromium, openResultsPage } from '../helpers/resultsGridPage';
import type { ResultSetSummary } from '../../src/shared/protocol/results';

const ROWS = 1_000_000;
const COLS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function run(report: BenchReport): Promise<void> {
  const set: ResultSetSummary = {
    id: 'bench', title: 'bench', sql: 'select …', connectionName: 'bench', status: 'ok', rowCount: ROWS, elapsedMs: 0,
    columns: Array.from({ length: COLS }, (_, i) => ({ name: `column_${i}`, type: i % 3 === 0 ? 'BIGINT' : i % 3 === 1 ? 'VARCHAR' : 'DOUBLE', kind: i % 3 === 1 ? ('string' as const) : ('number' as const) })),
  };
  const browser = await launchChromium();
  try {
    const { page, cleanup } = await openResultsPage(browser, { set, generate: true, latencyMs: 2, pageSize: 200 }, { width: 1600, height: 1000 });
    try {
      // Passed as source text: tsx would otherwise inject helpers (__name) that do not exist in the page.
      const frames = (await page.evaluate(`(async () => {
        const el = document.querySelector('.grid-scroll');
        const deltas = [];
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        await frame();
        let last = performance.now();
        // 1) Wheel scrolling: 300 frames of 4 rows each (rows that stay on screen are not re-rendered).
        for (let i = 0; i < 300; i++) {
          el.scrollTop += 22 * 4;
          const t = await frame();
          deltas.push(t - last);
          last = t;
        }
        const wheelEnd = deltas.length;
        // 2) A fast fling: 300 frames of 40 rows each (every row on screen changes every frame).
        for (let i = 0; i < 300; i++) {
          el.scrollTop += 22 * 40;
          const t = await frame();
          deltas.push(t - last);
          last = t;
        }
        const flingEnd = deltas.length;
        // 3) Jumps across the whole result (scrollbar drags): 120 frames, each to a pseudo-random row.
        let seed = 7;
        for (let i = 0; i < 120; i++) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          el.scrollTop = (seed / 2147483648) * (el.scrollHeight - el.clientHeight);
          const t = await frame();
          deltas.push(t - last);
          last = t;
        }
        return { deltas, wheelEnd, flingEnd, cellsInDom: document.querySelectorAll('.grow [role=gridcell]').length, requests: window.__requests.length };
      })()`)) as { deltas: number[]; wheelEnd: number; flingEnd: number; cellsInDom: number; requests: number };
      const sorted = [...frames.deltas].sort((a, b) => a - b);
      const median = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const phase = (from: number, to: number) => [...frames.deltas.slice(from, to)].sort((a, b) => a - b);
      const wheel = phase(0, frames.wheelEnd);
      const fling = phase(frames.wheelEnd, frames.flingEnd);
      const jumps = phase(frames.flingEnd, frames.deltas.length);
      for (const [name, d] of [['wheel (4 rows/frame)', wheel], ['fling (40 rows/frame)', fling], ['jumps', jumps]] as const) {
        report.record(`${name} median`, Math.round(percentile(d, 50) * 10) / 10, 'ms');
        report.record(`${name} p95`, Math.round(percentile(d, 95) * 10) / 10, 'ms');
      }
      report.record('frames measured', frames.deltas.length, 'frames');
      report.record('frame time median', Math.round(median * 100) / 100, 'ms');
      report.record('frame time p95', Math.round(p95 * 100) / 100, 'ms');
      report.record('frame time max', Math.round(sorted[sorted.length - 1] * 100) / 100, 'ms');
      report.record('cells in the DOM', frames.cellsInDom, 'cells');
      report.record('page requests', frames.requests, 'requests');
      // 60 Hz = 16.7 ms; headless Chromium without a GPU on 2 cores is the reference machine.
      report.target('grid wheel-scroll frame time median (1M × 20)', percentile(wheel, 50), 20);
      report.target('grid wheel-scroll frame time p95 (1M × 20)', percentile(wheel, 95), 50);
      report.log(`median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${frames.deltas.length} frames; ${frames.cellsInDom} cells in the DOM`);
    } finally {
      await page.close();
      cleanup();
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

/**
 * Lineage webview at 1,000 nodes: the real lineage bundle in headless Chromium (behind the real CSP), fed a
 * synthetic dbt-shaped graph (test/helpers/lineageGraphs.ts).
 *  - time to first render: from the host message to the app's `rendered` report (layout + React + paint), 1,000
 *    nodes (layered layout) and DAGRE_MAX_NODES (the largest graph dagre lays out), against 3 nodes in the same run;
 *  - frame times (requestAnimationFrame deltas) while dragging across the fitted whole graph, dragging zoomed in
 *    (culled, columns shown), and zooming with the wheel — against an empty page's frame time measured in the same run.
 * Run: npm run bench -- lineageView   or   npx tsx test/bench/lineageView.bench.ts
 */
import type { Browser, Page } from 'playwright-core';
import { percentile, type BenchReport } from './report';
import { launchChromium } from '../helpers/resultsGridPage';
import { openWebview, serveWebview } from '../helpers/webviewPage';
import { syntheticLineageGraph } from '../helpers/lineageGraphs';
import type { LineageInitialState } from '../../src/shared/protocol/lineage';
import { DAGRE_MAX_NODES } from '../../webview-ui/src/lineage/layout';

const VIEWPORT = { width: 1600, height: 1000 };
const FRAMES = 240;

interface FrameStats {
  median: number;
  p95: number;
}

const stats = (deltas: number[]): FrameStats => {
  const s = [...deltas].sort((a, b) => a - b);
  return { median: Math.round(percentile(s, 50) * 100) / 100, p95: Math.round(percentile(s, 95) * 100) / 100 };
};

// Page-side code is passed as source text: tsx would otherwise inject helpers (__name) that do not exist there.
const FRAME_LOOP = `
  window.__frames = async (n, step) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    let last = performance.now();
    const deltas = [];
    for (let i = 0; i < n; i++) {
      step(i);
      const t = await frame();
      deltas.push(t - last);
      last = t;
    }
    return deltas;
  };`;

async function emptyPageFrames(browser: Browser): Promise<number[]> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.evaluate(FRAME_LOOP);
    return (await page.evaluate(`window.__frames(${FRAMES}, () => {})`)) as number[];
  } finally {
    await page.close();
  }
}

/** ms from posting the graph to the app's `rendered` message (polled every frame in the page). */
async function timeToRender(page: Page, graph: unknown, title: string): Promise<{ ms: number; layoutMs: number; nodes: number }> {
  return (await page.evaluate(`(async () => {
    const sent = window.__iopsdataSent;
    const before = sent.length;
    const t0 = performance.now();
    window.postMessage({ type: 'lineageGraph', title: ${JSON.stringify(title)}, graph: ${JSON.stringify(graph)} }, '*');
    for (;;) {
      await new Promise((r) => setTimeout(r, 1));
      const m = sent.slice(before).find((x) => x.type === 'rendered');
      if (m) return { ms: performance.now() - t0, layoutMs: m.layoutMs, nodes: m.nodes };
    }
  })()`)) as { ms: number; layoutMs: number; nodes: number };
}

export async function run(report: BenchReport): Promise<void> {
  const server = await serveWebview('lineage', { title: 'Lineage', mode: 'dbt' } satisfies LineageInitialState);
  const browser = await launchChromium();
  try {
    const base = stats(await emptyPageFrames(browser));
    report.record('baseline: empty page frame median', base.median, 'ms');
    report.record('baseline: empty page frame p95', base.p95, 'ms');

    const w = await openWebview(browser, server, VIEWPORT);
    const page = w.page;
    await page.evaluate(FRAME_LOOP);

    const small = syntheticLineageGraph(3);
    const medium = syntheticLineageGraph(DAGRE_MAX_NODES);
    const big = syntheticLineageGraph(1000);
    big.focus = undefined; // the whole graph, not the depth-limited neighbourhood a big graph opens with
    const renders: Record<string, number[]> = { small: [], medium: [], big: [] };
    const layouts: Record<string, number[]> = { small: [], medium: [], big: [] };
    for (let i = 0; i < 5; i++) {
      for (const [name, g] of [['small', small], ['medium', medium], ['big', big]] as const) {
        const r = await timeToRender(page, g, `${name} ${i}`);
        renders[name].push(r.ms);
        layouts[name].push(r.layoutMs);
      }
    }
    const med = (xs: number[]) => Math.round(percentile([...xs].sort((a, b) => a - b), 50));
    report.record('baseline: first render, 3 nodes (median of 5)', med(renders.small), 'ms');
    report.record(`first render, ${DAGRE_MAX_NODES} nodes, dagre (median of 5)`, med(renders.medium), 'ms');
    report.record(`layout, ${DAGRE_MAX_NODES} nodes, dagre (median of 5)`, med(layouts.medium), 'ms');
    report.record('first render, 1,000 nodes (median of 5)', med(renders.big), 'ms');
    report.record('layout, 1,000 nodes, layered (median of 5)', med(layouts.big), 'ms');
    report.log(`first render: 3 nodes ${med(renders.small)} ms, ${DAGRE_MAX_NODES} nodes ${med(renders.medium)} ms (layout ${med(layouts.medium)}), 1,000 nodes ${med(renders.big)} ms (layout ${med(layouts.big)})`);
    report.target('lineage first render at 1,000 nodes (median)', med(renders.big), 1000);

    // The last message left the 1,000-node graph on screen, fitted.
    const nodesFitted = await page.locator('.lineage-viewport *').count();
    // Pan: pointer events on the canvas, one move per frame, as a mouse drag delivers them.
    const pan = async (dx: number): Promise<number[]> =>
      (await page.evaluate(`(async () => {
        const svg = document.querySelector('.lineage-stage');
        const r = svg.getBoundingClientRect();
        const x0 = r.left + r.width / 2, y0 = r.top + r.height / 2;
        const ev = (type, x, y) => svg.dispatchEvent(new PointerEvent(type, { bubbles: true, clientX: x, clientY: y, pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1, isPrimary: true }));
        ev('pointerdown', x0, y0);
        const deltas = await window.__frames(${FRAMES}, (i) => ev('pointermove', x0 - (i + 1) * ${dx}, y0 - (i + 1) * ${dx / 3}));
        ev('pointerup', x0 - ${FRAMES} * ${dx}, y0);
        return deltas;
      })()`)) as number[];
    const panFitted = stats(await pan(4));

    // Zoomed in on one model: columns shown, most of the graph culled; the pan crosses the drawn window repeatedly.
    await page.locator('vscode-text-field input').fill('m500');
    await page.locator('vscode-text-field input').press('Enter');
    await page.waitForSelector('.lineage-node.current .lineage-column');
    const nodesZoomed = await page.locator('.lineage-viewport *').count();
    const panZoomed = stats(await pan(12));

    // Wheel zoom around the centre: out for half the frames, then back in (crossing every level of detail).
    const zoom = stats(
      (await page.evaluate(`(async () => {
        const svg = document.querySelector('.lineage-stage');
        const r = svg.getBoundingClientRect();
        return window.__frames(${FRAMES}, (i) => svg.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: i < ${FRAMES / 2} ? 40 : -40 })));
      })()`)) as number[],
    );

    for (const [name, s] of [['pan, fitted 1,000 nodes', panFitted], ['pan, zoomed in (culled)', panZoomed], ['wheel zoom out and in', zoom]] as const) {
      report.record(`${name}: frame median`, s.median, 'ms');
      report.record(`${name}: frame p95`, s.p95, 'ms');
      report.record(`${name}: median / empty page median`, Math.round((s.median / base.median) * 100) / 100, '×');
    }
    report.record('SVG elements drawn, fitted 1,000 nodes', nodesFitted, 'elements');
    report.record('SVG elements drawn, zoomed in', nodesZoomed, 'elements');
    report.log(
      `frames (median/p95 ms): empty page ${base.median}/${base.p95}; pan fitted ${panFitted.median}/${panFitted.p95}; pan zoomed ${panZoomed.median}/${panZoomed.p95}; zoom ${zoom.median}/${zoom.p95}; SVG elements fitted ${nodesFitted}, zoomed ${nodesZoomed}`,
    );
    report.target('lineage pan frame median at 1,000 nodes (zoomed in)', panZoomed.median, 20);
    report.target('lineage wheel-zoom frame median at 1,000 nodes', zoom.median, 34);
    if (w.errors.length) throw new Error(`page errors: ${w.errors.join('; ')}`);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'lineageView', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}

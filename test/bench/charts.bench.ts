/**
 * Chart data for big results: suggesting, aggregating (line by day × series, bar with top-N + Other), binning and
 * sampling a scatter over 1,000,000 in-memory rows, as the webview does when the grid hands it a large result.
 */
import { aggregateForChart, suggestChart, type ChartColumn } from '../../src/core/charts';
import type { BenchReport } from './report';

const N = 1_000_000;

function makeRows(): { columns: ChartColumn[]; rows: unknown[][] } {
  const regions = ['EU', 'US', 'APAC', 'LATAM', 'MEA'];
  const rows: unknown[][] = new Array(N);
  for (let i = 0; i < N; i++) {
    const day = `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    rows[i] = [day, regions[i % 5], `customer ${i % 5000}`, (i * 7919) % 1000, ((i * 104729) % 10_000) / 100];
  }
  return {
    columns: [
      { name: 'day', type: 'DATE' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'customer', type: 'VARCHAR' },
      { name: 'units', type: 'INTEGER' },
      { name: 'price', type: 'DOUBLE' },
    ],
    rows,
  };
}

export async function run(report: BenchReport): Promise<void> {
  const { columns, rows } = makeRows();
  report.log(`${N.toLocaleString('en-US')} rows generated`);
  const s = await report.measure('suggest (2,000-row sample)', () => suggestChart(columns, rows.slice(0, 2000)), { iterations: 5 });
  report.target('suggest median', s.medianMs, 50);
  const line = await report.measure('line: sum(units) by day per region, 1M rows', () => aggregateForChart({ kind: 'line', x: 'day', y: ['units'], series: 'region', aggregation: 'sum' }, columns, rows), { iterations: 5 });
  report.target('line 1M median', line.medianMs, 1500);
  const bar = await report.measure('bar: avg(price) by 5,000 customers → top 20 + Other, 1M rows', () => aggregateForChart({ kind: 'bar', x: 'customer', y: ['price'], aggregation: 'avg' }, columns, rows), { iterations: 5 });
  report.target('bar top-N 1M median', bar.medianMs, 1500);
  const hist = await report.measure('histogram of price, 1M rows', () => aggregateForChart({ kind: 'histogram', y: ['price'], aggregation: 'count' }, columns, rows), { iterations: 5 });
  report.target('histogram 1M median', hist.medianMs, 1000);
  const sc = await report.measure('scatter units × price sampled to 5,000 points, 1M rows', () => aggregateForChart({ kind: 'scatter', x: 'units', y: ['price'], aggregation: 'none' }, columns, rows), { iterations: 3 });
  report.target('scatter 1M median', sc.medianMs, 2000);
  report.record('line rows per second', N / (line.medianMs / 1000), 'rows/s');
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'charts', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}

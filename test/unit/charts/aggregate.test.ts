import { strict as assert } from 'node:assert';
import { aggregateForChart, niceStep, toTime, type ChartData, type ChartSpec } from '../../../src/core/charts';

const utc = (s: string) => Date.parse(s);
/** The member of ChartData whose kind includes K (CartesianData is 'line' | 'bar'). */
type Of<K, D = ChartData> = D extends { kind: infer DK } ? (K extends DK ? D : never) : never;
function as<K extends ChartData['kind']>(d: ChartData, kind: K): Of<K> {
  assert.equal(d.kind, kind, `expected ${kind}, got ${d.kind}: ${d.notes.join(' ')}`);
  return d as Of<K>;
}

describe('charts: values', () => {
  it('reads timestamps in each database spelling as UTC instants', () => {
    assert.equal(toTime('2024-03-01'), utc('2024-03-01T00:00:00Z'));
    assert.equal(toTime('2024-03-01 10:20:30'), utc('2024-03-01T10:20:30Z'));
    assert.equal(toTime('2024-03-01 10:20:30.123456+00'), utc('2024-03-01T10:20:30.123Z'));
    assert.equal(toTime('2024-03-01T12:00:00+02:00'), utc('2024-03-01T10:00:00Z'));
    assert.equal(toTime('2024-03-01 05:30:00-0530'), utc('2024-03-01T11:00:00Z'));
    assert.equal(toTime('2024-13-01'), null);
    assert.equal(toTime('yesterday'), null);
    assert.equal(toTime(20240301), null);
  });
});

describe('charts: aggregateForChart line/bar', () => {
  const cols = [
    { name: 'day', type: 'DATE' },
    { name: 'region', type: 'VARCHAR' },
    { name: 'sales', type: 'DOUBLE' },
    { name: 'units', type: 'BIGINT' },
  ];
  const rows = [
    ['2024-01-03', 'EU', 5, '2'],
    ['2024-01-01', 'EU', 1, '1'],
    ['2024-01-01', 'US', 2, '1'],
    ['2024-01-02', 'US', 4, '3'],
    ['2024-01-01', 'EU', 3, '5'],
  ];

  it('sorts a time axis ascending and sums repeated days', () => {
    const spec: ChartSpec = { kind: 'line', x: 'day', y: ['sales'], aggregation: 'sum' };
    const d = as(aggregateForChart(spec, cols, rows), 'line');
    assert.equal(d.xAxis, 'time');
    assert.deepEqual(d.x, [utc('2024-01-01'), utc('2024-01-02'), utc('2024-01-03')]);
    assert.deepEqual(d.series, [{ name: 'sales', values: [6, 4, 5] }]);
    assert.deepEqual(d.notes, []);
  });

  it('splits by series with gaps as null, and names series by value', () => {
    const spec: ChartSpec = { kind: 'line', x: 'day', y: ['sales'], series: 'region', aggregation: 'sum' };
    const d = as(aggregateForChart(spec, cols, rows), 'line');
    assert.deepEqual(d.series, [
      { name: 'EU', values: [4, null, 5] },
      { name: 'US', values: [2, 4, null] },
    ]);
  });

  it('avg, min, max and count over several measures (numbers given as strings too)', () => {
    const base: ChartSpec = { kind: 'bar', x: 'region', y: ['sales', 'units'], aggregation: 'avg' };
    const avg = as(aggregateForChart(base, cols, rows), 'bar');
    assert.equal(avg.xAxis, 'category');
    assert.deepEqual(avg.x, ['EU', 'US']);
    assert.deepEqual(avg.series, [
      { name: 'sales', values: [3, 3] },
      { name: 'units', values: [8 / 3, 2] },
    ]);
    assert.deepEqual(as(aggregateForChart({ ...base, aggregation: 'min' }, cols, rows), 'bar').series[0].values, [1, 2]);
    assert.deepEqual(as(aggregateForChart({ ...base, aggregation: 'max' }, cols, rows), 'bar').series[1].values, [5, 3]);
    assert.deepEqual(as(aggregateForChart({ ...base, aggregation: 'count' }, cols, rows), 'bar').series[0].values, [3, 2]);
  });

  it('count with no measure counts rows per category', () => {
    const d = as(aggregateForChart({ kind: 'bar', x: 'region', y: [], aggregation: 'count' }, cols, rows), 'bar');
    assert.deepEqual(d.series, [{ name: 'count', values: [3, 2] }]);
  });

  it("'none' keeps the first value of repeated x and says so", () => {
    const d = as(aggregateForChart({ kind: 'bar', x: 'region', y: ['sales'], aggregation: 'none' }, cols, rows), 'bar');
    assert.deepEqual(d.series[0].values, [5, 2]);
    assert.match(d.notes.join(' '), /first is shown/);
  });

  it('caps categories to the top N by value plus "Other" combining the rest', () => {
    const r = [
      ['a', 1],
      ['b', 50],
      ['c', 3],
      ['d', 40],
      ['e', 2],
      ['a', 1],
    ];
    const c = [
      { name: 'k', type: 'VARCHAR' },
      { name: 'v', type: 'INTEGER' },
    ];
    const sum = as(aggregateForChart({ kind: 'bar', x: 'k', y: ['v'], aggregation: 'sum' }, c, r, { maxCategories: 3 }), 'bar');
    assert.deepEqual(sum.x, ['b', 'd', 'Other']);
    assert.deepEqual(sum.series[0].values, [50, 40, 7]); // a(2) + c(3) + e(2)
    assert.match(sum.notes[0], /top 2 of 5 k values; the other 3 are grouped as "Other"/);
    const avg = as(aggregateForChart({ kind: 'bar', x: 'k', y: ['v'], aggregation: 'avg' }, c, r, { maxCategories: 3 }), 'bar');
    assert.deepEqual(avg.series[0].values, [50, 40, 7 / 4]); // avg over the 4 folded rows, not of averages
  });

  it('a category literally called "Other" is not merged with the grouped rest', () => {
    const c = [
      { name: 'k', type: 'VARCHAR' },
      { name: 'v', type: 'INTEGER' },
    ];
    const d = as(aggregateForChart({ kind: 'bar', x: 'k', y: ['v'], aggregation: 'sum' }, c, [['Other', 9], ['x', 1], ['y', 1]], { maxCategories: 2 }), 'bar');
    assert.deepEqual(d.x, ['Other', 'Other (grouped)']);
    assert.deepEqual(d.series[0].values, [9, 2]);
  });

  it('caps series to the largest plus "Other"', () => {
    const c = [
      { name: 'x', type: 'VARCHAR' },
      { name: 's', type: 'VARCHAR' },
      { name: 'v', type: 'INTEGER' },
    ];
    const r = [
      ['p', 's1', 10],
      ['p', 's2', 1],
      ['p', 's3', 2],
      ['q', 's1', 5],
      ['q', 's4', 20],
    ];
    const d = as(aggregateForChart({ kind: 'bar', x: 'x', y: ['v'], series: 's', aggregation: 'sum' }, c, r, { maxSeries: 3 }), 'bar');
    assert.deepEqual(d.series, [
      { name: 's1', values: [10, 5] },
      { name: 's4', values: [null, 20] },
      { name: 'Other', values: [3, null] },
    ]);
  });

  it('a numeric x is a sorted value axis; null x rows and non-numeric measures are left out with notes', () => {
    const c = [
      { name: 'bucket', type: 'INTEGER' },
      { name: 'v', type: '' },
    ];
    const d = as(aggregateForChart({ kind: 'line', x: 'bucket', y: ['v'], aggregation: 'sum' }, c, [[3, 1], [1, 'n/a'], [null, 5], [2, '2.5'], [1, 4]]), 'line');
    assert.equal(d.xAxis, 'value');
    assert.deepEqual(d.x, [1, 2, 3]);
    assert.deepEqual(d.series[0].values, [4, 2.5, 1]);
    assert.deepEqual(d.notes, ['1 rows with an empty or unreadable bucket were left out.', '1 non-numeric values were skipped.']);
  });

  it('an all-null measure gives gaps, not zeros', () => {
    const d = as(aggregateForChart({ kind: 'bar', x: 'k', y: ['v'], aggregation: 'sum' }, [{ name: 'k', type: 'VARCHAR' }, { name: 'v', type: 'DOUBLE' }], [['a', null], ['b', null]]), 'bar');
    assert.deepEqual(d.series[0].values, [null, null]);
  });

  it('an empty result gives an empty chart; a missing column gives a table with a one-line note', () => {
    const d = as(aggregateForChart({ kind: 'line', x: 'day', y: ['sales'], aggregation: 'sum' }, cols, []), 'line');
    assert.deepEqual([d.x, d.series], [[], [{ name: 'sales', values: [] }]]);
    const m = aggregateForChart({ kind: 'bar', x: 'gone', y: ['sales'], aggregation: 'sum' }, cols, rows);
    assert.equal(m.kind, 'table');
    assert.deepEqual(m.notes, ['Column "gone" is not in this result; pick another in the chart editor.']);
  });
});

describe('charts: aggregateForChart pie, scatter, KPI', () => {
  const c = [
    { name: 'k', type: 'VARCHAR' },
    { name: 'v', type: 'DOUBLE' },
  ];
  it('pie slices are sorted, summed, negatives left out, the tail grouped as Other', () => {
    const r = [['a', 10], ['b', 40], ['a', 5], ['c', -3], ['d', 1], ['e', 2], ['f', 30]];
    const d = as(aggregateForChart({ kind: 'pie', x: 'k', y: ['v'], aggregation: 'sum' }, c, r, { maxSlices: 4 }), 'pie');
    assert.deepEqual(d.slices, [
      { name: 'b', value: 40 },
      { name: 'f', value: 30 },
      { name: 'a', value: 15 },
      { name: 'Other', value: 3 },
    ]);
    assert.match(d.notes.join(' '), /1 negative values/);
    assert.match(d.notes.join(' '), /2 smallest of 5 slices/);
  });

  it('scatter keeps rows as points, splits series and samples evenly past the cap', () => {
    const sc = [
      { name: 'a', type: 'DOUBLE' },
      { name: 'b', type: 'DOUBLE' },
      { name: 'g', type: 'VARCHAR' },
    ];
    const d = as(aggregateForChart({ kind: 'scatter', x: 'a', y: ['b'], series: 'g', aggregation: 'none' }, sc, [[1, 2, 'x'], [3, 4, 'y'], [5, null, 'x'], [6, 7, 'x']]), 'scatter');
    assert.deepEqual(d.series, [
      { name: 'x', points: [[1, 2], [6, 7]] },
      { name: 'y', points: [[3, 4]] },
    ]);
    assert.deepEqual(d.notes, ['1 rows without two numbers were left out.']);
    const many = Array.from({ length: 1000 }, (_, i) => [i, i * 2, 'g']);
    const s = as(aggregateForChart({ kind: 'scatter', x: 'a', y: ['b'], aggregation: 'none' }, sc, many, { maxPoints: 100 }), 'scatter');
    assert.equal(s.series[0].points.length, 100);
    assert.deepEqual(s.series[0].points.slice(0, 3), [[0, 0], [10, 20], [20, 40]]);
    assert.deepEqual(s.notes, ['Showing 100 of 1,000 points, sampled evenly.']);
  });

  it('KPI: the first row as is, or aggregated over all rows', () => {
    const kc = [{ name: 'n', type: 'BIGINT' }];
    assert.deepEqual(as(aggregateForChart({ kind: 'kpi', y: ['n'], aggregation: 'none' }, kc, [['9007199254740993']]), 'kpi').values, [{ name: 'n', value: 9007199254740992 }]);
    const d = as(aggregateForChart({ kind: 'kpi', y: ['n'], aggregation: 'sum' }, kc, [[1], [2], [null]]), 'kpi');
    assert.deepEqual(d.values, [{ name: 'sum(n)', value: 3 }]);
    assert.deepEqual(as(aggregateForChart({ kind: 'kpi', y: ['n'], aggregation: 'none' }, kc, []), 'kpi').values, [{ name: 'n', value: null }]);
  });
});

describe('charts: histogram', () => {
  const c = [{ name: 'x', type: 'DOUBLE' }];
  it('uses 1-2-5 bin widths starting on a multiple of the width; the max lands in the last bin', () => {
    assert.equal(niceStep(7), 10);
    assert.equal(niceStep(0.13), 0.2);
    assert.equal(niceStep(3), 5);
    assert.equal(niceStep(20), 20);
    const rows = [[0], [9.9], [10], [25], [100]];
    const d = as(aggregateForChart({ kind: 'histogram', y: ['x'], aggregation: 'count', bins: 10 }, c, rows), 'histogram');
    assert.equal(d.bins.length, 10);
    assert.deepEqual(d.bins[0], { from: 0, to: 10, count: 2 });
    assert.deepEqual(d.bins[1], { from: 10, to: 20, count: 1 });
    assert.deepEqual(d.bins[2], { from: 20, to: 30, count: 1 });
    assert.deepEqual(d.bins[9], { from: 90, to: 100, count: 1 });
    assert.equal(d.bins.reduce((t, b) => t + b.count, 0), 5);
  });

  it('decimal edges stay clean (no 0.30000000000000004)', () => {
    const d = as(aggregateForChart({ kind: 'histogram', y: ['x'], aggregation: 'count', bins: 5 }, c, [[0.05], [0.31], [0.42], [0.97]]), 'histogram');
    assert.deepEqual(
      d.bins.map((b) => [b.from, b.to, b.count]),
      [
        [0, 0.2, 1],
        [0.2, 0.4, 1],
        [0.4, 0.6, 1],
        [0.6, 0.8, 0],
        [0.8, 1, 1],
      ],
    );
  });

  it('one distinct value is one bin; no numbers is no bins with a note; nulls and text are counted out', () => {
    const one = as(aggregateForChart({ kind: 'histogram', y: ['x'], aggregation: 'count' }, c, [[4], [4], [null]]), 'histogram');
    assert.deepEqual(one.bins, [{ from: 4, to: 4, count: 2 }]);
    assert.deepEqual(one.notes, ['1 empty values are not counted.']);
    const none = as(aggregateForChart({ kind: 'histogram', y: ['x'], aggregation: 'count' }, [{ name: 'x', type: 'VARCHAR' }], [['a'], [null]]), 'histogram');
    assert.deepEqual(none.bins, []);
    assert.deepEqual(none.notes, ['1 empty values are not counted.', '1 non-numeric values are not counted.', 'x has no numeric values.']);
  });

  it('negative ranges start below the minimum', () => {
    const d = as(aggregateForChart({ kind: 'histogram', y: ['x'], aggregation: 'count', bins: 4 }, c, [[-15], [-1], [3], [24]]), 'histogram');
    // range 39 / 4 = 9.75 → width 10, first edge floor(-15/10)*10 = -20
    assert.deepEqual(d.bins.map((b) => [b.from, b.count]), [[-20, 1], [-10, 1], [0, 1], [10, 0], [20, 1]]);
  });
});

describe('charts: a million rows', () => {
  it('aggregates, bins and suggests 1M rows quickly', function () {
    this.timeout(20_000);
    const n = 1_000_000;
    const regions = ['EU', 'US', 'APAC', 'LATAM'];
    const rows: unknown[][] = new Array(n);
    for (let i = 0; i < n; i++) rows[i] = [`2024-01-${String((i % 28) + 1).padStart(2, '0')}`, regions[i % 4], i % 100];
    const cols = [
      { name: 'day', type: 'DATE' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'v', type: 'INTEGER' },
    ];
    const t0 = performance.now();
    const d = as(aggregateForChart({ kind: 'line', x: 'day', y: ['v'], series: 'region', aggregation: 'count' }, cols, rows), 'line');
    const t1 = performance.now();
    const h = as(aggregateForChart({ kind: 'histogram', y: ['v'], aggregation: 'count', bins: 10 }, cols, rows), 'histogram');
    const t2 = performance.now();
    assert.equal(d.x.length, 28);
    assert.equal(d.series.length, 4);
    assert.equal(d.series.reduce((t, s) => t + s.values.reduce<number>((a, v) => a + (v ?? 0), 0), 0), n);
    assert.deepEqual(h.bins.map((b) => b.count), new Array(10).fill(100_000));
    // Generous bounds for a slow CI machine; typically ~0.5 s and ~0.1 s.
    assert.ok(t1 - t0 < 5000, `line aggregation took ${Math.round(t1 - t0)} ms`);
    assert.ok(t2 - t1 < 3000, `histogram took ${Math.round(t2 - t1)} ms`);
  });

  it('stops when aborted', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [i, i]);
    const ac = new AbortController();
    ac.abort();
    assert.throws(
      () => aggregateForChart({ kind: 'scatter', x: 'a', y: ['b'], aggregation: 'none' }, [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'INTEGER' }], rows, { signal: ac.signal }),
      /Cancelled/,
    );
  });
});

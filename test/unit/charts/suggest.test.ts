import { strict as assert } from 'node:assert';
import { suggestChart, profileColumns } from '../../../src/core/charts';

describe('charts: column roles', () => {
  it('reads DuckDB, PostgreSQL and Snowflake type names', () => {
    const cols = [
      { name: 'a', type: 'DECIMAL(18,3)' },
      { name: 'b', type: 'NUMBER(38,0)' },
      { name: 'c', type: 'double precision' },
      { name: 'd', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'e', type: 'TIMESTAMP_NTZ' },
      { name: 'f', type: 'date' },
      { name: 'g', type: 'character varying' },
      { name: 'h', type: 'BOOLEAN' },
      { name: 'i', type: 'HUGEINT' },
      { name: 'j', type: 'time' },
    ];
    const row = ['1.5', 7, 2.25, '2024-01-01 10:00:00+00', '2024-01-01T10:00:00', '2024-01-01', 'x', true, '170141183460469231731687303715884105727', '10:00:00'];
    const roles = profileColumns(cols, [row]).map((p) => p.role);
    assert.deepEqual(roles, ['numeric', 'numeric', 'numeric', 'temporal', 'temporal', 'temporal', 'categorical', 'categorical', 'numeric', 'categorical']);
  });

  it('infers from values when the type is text or unknown, and treats integer keys as categories', () => {
    const cols = [
      { name: 'day', type: 'VARCHAR' },
      { name: 'zip', type: 'VARCHAR' },
      { name: 'n', type: '' },
      { name: 'customer_id', type: 'INTEGER' },
      { name: 'CUSTOMER_ID', type: 'NUMBER(38,0)' },
      { name: 'paid', type: 'INTEGER' },
      { name: 'nothing', type: 'INTEGER' },
    ];
    const rows = [
      ['2024-01-01', '02134', 3, 10, 10, 1, null],
      ['2024-01-02', '10001', '4.5', 11, 11, 0, null],
    ];
    const p = profileColumns(cols, rows);
    assert.deepEqual(
      p.map((c) => c.role),
      ['temporal', 'categorical', 'numeric', 'categorical', 'categorical', 'numeric', 'empty'],
    );
    assert.equal(p[3].identifier, true);
    assert.equal(p[5].identifier, false, '"paid" ends in "id" but is not a key');
  });
});

describe('charts: suggestChart', () => {
  it('empty results and no columns → table', () => {
    assert.equal(suggestChart([], []).kind, 'table');
    assert.equal(suggestChart([{ name: 'x', type: 'INTEGER' }], []).kind, 'table');
  });

  it('one row with one number → KPI card', () => {
    const s = suggestChart([{ name: 'total', type: 'BIGINT' }], [[42]]);
    assert.deepEqual({ kind: s.kind, y: s.y, aggregation: s.aggregation }, { kind: 'kpi', y: ['total'], aggregation: 'none' });
  });

  it('one row with several numbers → one KPI per number', () => {
    const s = suggestChart(
      [
        { name: 'orders', type: 'BIGINT' },
        { name: 'revenue', type: 'DECIMAL(18,2)' },
      ],
      [[12, '3400.50']],
    );
    assert.equal(s.kind, 'kpi');
    assert.deepEqual(s.y, ['orders', 'revenue']);
  });

  it('a date and a measure → line over time; repeated dates → sum', () => {
    const cols = [
      { name: 'day', type: 'DATE' },
      { name: 'revenue', type: 'DOUBLE' },
    ];
    const unique = suggestChart(cols, [
      ['2024-01-01', 1],
      ['2024-01-02', 2],
      ['2024-01-03', 3],
    ]);
    assert.deepEqual({ kind: unique.kind, x: unique.x, y: unique.y, aggregation: unique.aggregation, series: unique.series }, { kind: 'line', x: 'day', y: ['revenue'], aggregation: 'none', series: undefined });
    const repeated = suggestChart(cols, [
      ['2024-01-01', 1],
      ['2024-01-01', 2],
      ['2024-01-02', 3],
    ]);
    assert.equal(repeated.aggregation, 'sum');
  });

  it('a time series with a small category → one line per category', () => {
    const s = suggestChart(
      [
        { name: 'month', type: 'timestamp without time zone' },
        { name: 'region', type: 'text' },
        { name: 'sales', type: 'numeric' },
      ],
      [
        ['2024-01-01 00:00:00', 'EU', 1],
        ['2024-01-01 00:00:00', 'US', 2],
        ['2024-02-01 00:00:00', 'EU', 3],
        ['2024-02-01 00:00:00', 'US', 4],
      ],
    );
    assert.deepEqual({ kind: s.kind, x: s.x, y: s.y, series: s.series, aggregation: s.aggregation }, { kind: 'line', x: 'month', y: ['sales'], series: 'region', aggregation: 'none' });
  });

  it('category × measure → bar', () => {
    const s = suggestChart(
      [
        { name: 'country', type: 'VARCHAR' },
        { name: 'orders', type: 'BIGINT' },
      ],
      [
        ['FR', 10],
        ['DE', 20],
        ['IT', 5],
      ],
    );
    assert.deepEqual({ kind: s.kind, x: s.x, y: s.y, aggregation: s.aggregation }, { kind: 'bar', x: 'country', y: ['orders'], aggregation: 'none' });
  });

  it('a few categories whose values add up to 100 → pie; the same with raw counts → bar', () => {
    const cols = [
      { name: 'channel', type: 'VARCHAR' },
      { name: 'v', type: 'DOUBLE' },
    ];
    assert.equal(
      suggestChart(cols, [
        ['web', 55],
        ['store', 30],
        ['phone', 15],
      ]).kind,
      'pie',
    );
    assert.equal(
      suggestChart(cols, [
        ['web', 0.5],
        ['store', 0.3],
        ['phone', 0.2],
      ]).kind,
      'pie',
    );
    assert.equal(
      suggestChart(cols, [
        ['web', 120],
        ['store', 30],
        ['phone', 15],
      ]).kind,
      'bar',
    );
  });

  it('a share-named measure is a pie even when it does not add up; never with more than 8 categories or negatives', () => {
    const cols = [
      { name: 'segment', type: 'VARCHAR' },
      { name: 'share_of_revenue', type: 'DOUBLE' },
    ];
    assert.equal(suggestChart(cols, [['a', 3], ['b', 4]]).kind, 'pie');
    const nine = Array.from({ length: 9 }, (_, i) => [`s${i}`, 100 / 9]);
    assert.equal(suggestChart(cols, nine).kind, 'bar');
    assert.equal(suggestChart(cols, [['a', 120], ['b', -20]]).kind, 'bar');
  });

  it('two measures → scatter (with a small category as series)', () => {
    const s = suggestChart(
      [
        { name: 'height', type: 'DOUBLE' },
        { name: 'weight', type: 'DOUBLE' },
      ],
      [
        [1.7, 70],
        [1.8, 80],
      ],
    );
    assert.deepEqual({ kind: s.kind, x: s.x, y: s.y }, { kind: 'scatter', x: 'height', y: ['weight'] });
  });

  it('many unique labels with two measures → scatter; with one measure → histogram', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`user${i}`, i, i * 2]);
    const cols = [
      { name: 'user', type: 'VARCHAR' },
      { name: 'a', type: 'DOUBLE' },
      { name: 'b', type: 'DOUBLE' },
    ];
    assert.equal(suggestChart(cols, rows).kind, 'scatter');
    assert.equal(suggestChart(cols.slice(0, 2), rows.map((r) => r.slice(0, 2))).kind, 'histogram');
  });

  it('a single numeric column → histogram counted per bin', () => {
    const s = suggestChart([{ name: 'amount', type: 'DOUBLE' }], [[1], [2], [3], [10]]);
    assert.deepEqual({ kind: s.kind, y: s.y, aggregation: s.aggregation }, { kind: 'histogram', y: ['amount'], aggregation: 'count' });
  });

  it('only a repeated category → bar of row counts; only unique text or all-null → table', () => {
    const s = suggestChart([{ name: 'status', type: 'VARCHAR' }], [['ok'], ['ok'], ['failed']]);
    assert.deepEqual({ kind: s.kind, x: s.x, y: s.y, aggregation: s.aggregation }, { kind: 'bar', x: 'status', y: [], aggregation: 'count' });
    assert.equal(suggestChart([{ name: 'name', type: 'VARCHAR' }], [['a'], ['b']]).kind, 'table');
    assert.equal(suggestChart([{ name: 'n', type: 'INTEGER' }], [[null], [null]]).kind, 'table');
  });

  it('a type-less column mixing numbers and words is a category, not a measure', () => {
    const cols = [
      { name: 'code', type: '' },
      { name: 'qty', type: '' },
    ];
    const rows = [
      [1, 10],
      ['A7', 20],
      [3, 30],
      [1, 5],
    ];
    const [code, qty] = profileColumns(cols, rows);
    assert.deepEqual([code.role, qty.role], ['categorical', 'numeric']);
    const s = suggestChart(cols, rows);
    assert.deepEqual({ kind: s.kind, x: s.x, y: s.y, aggregation: s.aggregation }, { kind: 'bar', x: 'code', y: ['qty'], aggregation: 'sum' });
  });

  it('an all-null measure next to real ones is ignored', () => {
    const s = suggestChart(
      [
        { name: 'k', type: 'VARCHAR' },
        { name: 'empty', type: 'DOUBLE' },
        { name: 'v', type: 'DOUBLE' },
      ],
      [
        ['a', null, 1],
        ['b', null, 5],
        ['c', null, 9],
      ],
    );
    assert.deepEqual({ kind: s.kind, y: s.y }, { kind: 'bar', y: ['v'] });
  });
});

/**
 * Charts from real query results: the type names and JSON-safe values produced by the real DuckDB and PostgreSQL
 * adapters (DECIMAL as text or number, BIGINT, DATE, TIMESTAMPTZ in each engine's spelling) go through
 * suggestChart and aggregateForChart.
 */
import { strict as assert } from 'node:assert';
import { aggregateForChart, suggestChart, type ChartData } from '../../../src/core/charts';
import type { PostgresConfig } from '../../../src/core/connections/config';
import { DuckDbConnection } from '../../../src/core/connections/duckdb';
import { PostgresConnection } from '../../../src/core/connections/postgres';
import { parseConnectionUrl } from '../../../src/core/connections/url';
import type { QueryResult } from '../../../src/core/connections/types';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

const utc = (s: string) => Date.parse(s);
const chart = (r: QueryResult) => {
  const spec = suggestChart(r.columns, r.rows);
  return { spec, data: aggregateForChart(spec, r.columns, r.rows) as ChartData & Record<string, any> };
};

describe('charts from real DuckDB results', function () {
  this.timeout(30_000);
  const db = new DuckDbConnection({ kind: 'duckdb', name: 'mem', path: ':memory:' });
  after(() => db.close());

  it('monthly revenue per region → line over months, one series per region', async () => {
    const r = await db.query(`
      select date_trunc('month', d)::date as month, region, sum(v)::decimal(12,2) as revenue
      from (values (date '2024-02-10', 'EU', 1.25), (date '2024-01-05', 'EU', 2.50), (date '2024-01-20', 'US', 4.00),
                   (date '2024-02-01', 'US', 1.00), (date '2024-01-31', 'EU', 0.25)) t(d, region, v)
      group by all order by region, month desc`);
    const { spec, data } = chart(r);
    assert.deepEqual([spec.kind, spec.x, spec.y, spec.series, spec.aggregation], ['line', 'month', ['revenue'], 'region', 'none']);
    assert.equal(data.kind, 'line');
    assert.deepEqual(data.x, [utc('2024-01-01'), utc('2024-02-01')]);
    assert.deepEqual(data.series, [
      { name: 'EU', values: [2.75, 1.25] },
      { name: 'US', values: [4, 1] },
    ]);
  });

  it('timestamps with time zone land on the right instant', async () => {
    const r = await db.query(`select t, v from (values (timestamptz '2024-03-01 12:00:00+02', 1), (timestamptz '2024-03-01 09:00:00Z', 2)) x(t, v)`);
    const { spec, data } = chart(r);
    assert.equal(spec.kind, 'line');
    assert.deepEqual(data.x, [utc('2024-03-01T09:00:00Z'), utc('2024-03-01T10:00:00Z')]);
    assert.deepEqual(data.series[0].values, [2, 1]);
  });

  it('count(*) → KPI; shares → pie; a numeric column → histogram', async () => {
    const kpi = chart(await db.query(`select count(*) as orders, 9007199254740993::bigint as big from range(42)`));
    assert.equal(kpi.spec.kind, 'kpi');
    assert.deepEqual(kpi.data.values, [
      { name: 'orders', value: 42 },
      { name: 'big', value: 9007199254740992 },
    ]);
    const pie = chart(await db.query(`select * from (values ('web', 0.55::decimal(4,2)), ('store', 0.30), ('phone', 0.15)) t(channel, share)`));
    assert.equal(pie.spec.kind, 'pie');
    assert.deepEqual(pie.data.slices, [
      { name: 'web', value: 0.55 },
      { name: 'store', value: 0.3 },
      { name: 'phone', value: 0.15 },
    ]);
    const hist = chart(await db.query(`select (range % 50)::integer as amount from range(1000)`));
    assert.equal(hist.spec.kind, 'histogram');
    // 0..49, Sturges → 11 bins wanted → width 5: ten bins of 5 values × 20 repeats.
    assert.deepEqual(hist.data.bins.map((b: { count: number }) => b.count), new Array(10).fill(100));
  });
});

describe('charts from real PostgreSQL results', function () {
  this.timeout(90_000);
  let pg: PostgresServer;
  let conn: PostgresConnection;
  before(async () => {
    pg = await startPostgres();
    const { config, secrets } = parseConnectionUrl(pg.url, {});
    conn = new PostgresConnection({ ...(config as PostgresConfig), name: 'charts' }, secrets);
  });
  after(async () => {
    await conn?.close();
    await pg?.stop();
  });

  it('numeric amounts per day (timestamptz, numeric, bigint) → line with the exact sums', async () => {
    const r = await conn.query(`
      select date_trunc('day', g) as day, count(*) as n, sum(extract(hour from g)::numeric(10,2) / 4) as amount
      from generate_series(timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-02 23:00:00+00', interval '6 hours') g
      group by 1 order by 1 desc`);
    assert.deepEqual(r.columns.map((c) => c.type), ['timestamp with time zone', 'bigint', 'numeric']);
    const { spec, data } = chart(r);
    assert.deepEqual([spec.kind, spec.x, spec.y, spec.aggregation], ['line', 'day', ['n', 'amount'], 'none']);
    // Hours 0, 6, 12, 18 per day: 4 rows, amount (0 + 6 + 12 + 18) / 4 = 9.
    assert.deepEqual(data.x, [utc('2024-01-01T00:00:00Z'), utc('2024-01-02T00:00:00Z')]);
    assert.deepEqual(data.series, [
      { name: 'n', values: [4, 4] },
      { name: 'amount', values: [9, 9] },
    ]);
  });

  it('text categories × a numeric measure → bar, largest first once capped', async () => {
    const r = await conn.query(`select 'city ' || (g % 30) as city, sum(g)::numeric as total from generate_series(1, 300) g group by 1 order by 1`);
    const { spec } = chart(r);
    assert.deepEqual([spec.kind, spec.x, spec.y], ['bar', 'city', ['total']]);
    const data = aggregateForChart({ ...spec, aggregation: 'sum' }, r.columns, r.rows, { maxCategories: 4 }) as ChartData & Record<string, any>;
    // city k sums k, k+30, …, k+270 = 10k + 1350, except city 0 which sums 30..300 = 1650: top three 0, 29, 28.
    assert.deepEqual(data.x, ['city 0', 'city 29', 'city 28', 'Other']);
    assert.deepEqual(data.series[0].values, [1650, 1640, 1630, 45150 - 1650 - 1640 - 1630]);
  });
});

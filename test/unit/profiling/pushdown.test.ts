/**
 * The profile plan pushed down to a real PostgreSQL through the project's PostgresConnection (read-only session):
 * only aggregates come back, and the numbers match what the rows say by hand.
 */
import { strict as assert } from 'node:assert';
import type { PostgresConfig } from '../../../src/core/connections/config';
import { PostgresConnection } from '../../../src/core/connections/postgres';
import { parseConnectionUrl } from '../../../src/core/connections/url';
import { profileTable } from '../../../src/core/profiling';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

describe('profileTable pushed down to PostgreSQL', function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let conn: PostgresConnection;

  before(async () => {
    pg = await startPostgres();
    pg.psql(`CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer PRIMARY KEY, city text, amount numeric(10,2), placed date, paid boolean);
      INSERT INTO shop.orders VALUES
        (1, 'Paris', 10, '2024-01-01', true), (2, 'paris', 20, '2024-01-02', true), (3, 'Rome ', 30, '2024-01-03', false),
        (4, 'Paris', NULL, '2024-01-04', true), (5, 'Oslo', 1000, '2024-01-05', NULL);`);
    const { config, secrets } = parseConnectionUrl(pg.url, {});
    conn = new PostgresConnection({ ...(config as PostgresConfig), name: 'pgtest' }, secrets);
  });

  after(async () => {
    await conn?.close();
    await pg?.stop();
  });

  it('profiles a table with the same plan', async () => {
    const phases: string[] = [];
    const p = await profileTable(conn, { schema: 'shop', table: 'orders' }, {}, { onProgress: (ph) => phases.push(ph) });
    assert.deepEqual(phases, ['detect', 'stats', 'values', 'histograms', 'done']);
    assert.equal(p.format, 'table');
    assert.equal(p.rowCount, 5);
    const col = Object.fromEntries(p.columns.map((c) => [c.name, c]));
    assert.equal(col.id.distinctCount, 5);
    assert.equal(col.id.min, 1);
    assert.equal(col.id.max, 5);
    assert.equal(col.amount.nullCount, 1);
    assert.equal(col.amount.mean, 265);
    assert.equal(col.amount.quantiles?.p50, 25);
    assert.equal(col.amount.quantileMethod, 'exact');
    assert.equal(col.amount.histogram!.reduce((s, b) => s + b.count, 0), 4);
    assert.deepEqual(col.city.topValues[0], { value: 'Paris', count: 2 });
    assert.equal(col.city.whitespaceCount, 1);
    assert.equal(col.placed.histogramUnit, 'epoch-seconds');
    assert.equal(col.placed.histogram!.reduce((s, b) => s + b.count, 0), 5);
    assert.equal(col.paid.nullCount, 1);
    assert.equal(col.paid.distinctCount, 2);
    assert.equal(p.duplicateRowCount, 0);
    const kinds = p.findings.map((f) => `${f.kind}:${f.column ?? ''}`);
    assert.ok(kinds.includes('candidate-key:id'), kinds.join());
    assert.ok(kinds.includes('mixed-case:city'), kinds.join());
    assert.ok(kinds.includes('whitespace:city'), kinds.join());
    // 10, 20, 30, 1000: p25 17.5, p75 272.5, upper fence 272.5 + 1.5 × 255 = 655 → 1000 is the one outlier.
    assert.equal(col.amount.quantiles?.p25, 17.5);
    assert.equal(col.amount.outlierCount, 1);
    assert.ok(kinds.includes('outliers:amount'), kinds.join());
  });
});

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../../src/core/demo/generateDemo';
import { UserError } from '../../../src/core/errors';

async function query(db: string, sql: string): Promise<unknown[][]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRows() as unknown[][];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('demo workspace generator', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'iopsdata-demo-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('builds related tables whose keys and amounts agree', async () => {
    const dir = fresh();
    const res = await generateDemo(dir, { customers: 200 });
    assert.equal(res.tables.customers, 200);
    assert.equal(res.tables.products, 60);
    assert.ok(res.tables.orders > 200 * 4 && res.tables.orders <= 200 * 6, `orders ${res.tables.orders}`);
    const db = res.warehouse;
    // Every order belongs to an existing customer, and no order precedes its customer's signup.
    assert.deepEqual(await query(db, `SELECT count(*)::INT FROM shop.orders o LEFT JOIN shop.customers c USING (customer_id) WHERE c.customer_id IS NULL OR o.ordered_at::DATE < c.signup_date`), [[0]]);
    // A payment equals the sum of its order's lines; cancelled and placed orders are unpaid.
    assert.deepEqual(
      await query(db, `SELECT count(*)::INT FROM shop.payments p JOIN (SELECT order_id, sum(quantity * unit_price) s FROM shop.order_items GROUP BY 1) i USING (order_id) WHERE abs(p.amount - i.s) > 0.01`),
      [[0]],
    );
    assert.deepEqual(await query(db, `SELECT count(*)::INT FROM shop.payments JOIN shop.orders USING (order_id) WHERE status IN ('cancelled', 'placed')`), [[0]]);
    // A few years of data.
    const [[minYear, maxYear]] = await query(db, `SELECT min(year(ordered_at))::INT, max(year(ordered_at))::INT FROM shop.orders`);
    assert.equal(minYear, 2022);
    assert.ok((maxYear as number) >= 2024);
    // The files hold the same rows as the tables.
    const [[csvRows]] = await query(db, `SELECT count(*)::INT FROM read_csv('${join(dir, 'data/orders.csv')}')`);
    assert.equal(csvRows, res.tables.orders);
    const [[pqRows]] = await query(db, `SELECT count(*)::INT FROM '${join(dir, 'data/payments.parquet')}'`);
    assert.equal(pqRows, res.tables.payments);
    for (const f of ['dbt_project.yml', 'models/marts/customer_orders.sql', 'models/staging/sources.yml', 'seeds/country_codes.csv', 'queries/examples.sql']) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    assert.match(readFileSync(join(dir, 'models/marts/customer_orders.sql'), 'utf8'), /\{\{ ref\('stg_customers'\) \}\}/);
  });

  it('is deterministic', async () => {
    const a = await generateDemo(fresh(), { customers: 100 });
    const b = await generateDemo(fresh(), { customers: 100 });
    const sum = `SELECT sum(hash(o.order_id, o.customer_id, o.ordered_at, o.status, o.channel) % 1000000)::VARCHAR FROM shop.orders o`;
    assert.deepEqual(a.tables, b.tables);
    assert.deepEqual(await query(a.warehouse, sum), await query(b.warehouse, sum));
    assert.equal(readFileSync(join(a.dir, 'data/orders.csv'), 'utf8'), readFileSync(join(b.dir, 'data/orders.csv'), 'utf8'));
  });

  it('refuses to overwrite an existing demo unless forced, and rejects silly sizes', async () => {
    const dir = fresh();
    await generateDemo(dir, { customers: 20 });
    await assert.rejects(generateDemo(dir, { customers: 20 }), (e: unknown) => e instanceof UserError && /--force/.test((e as Error).message));
    const again = await generateDemo(dir, { customers: 30, force: true });
    assert.equal(again.tables.customers, 30);
    await assert.rejects(generateDemo(fresh(), { customers: 1.5 }), UserError);
  });
});

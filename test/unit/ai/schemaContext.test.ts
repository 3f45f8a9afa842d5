import { strict as assert } from 'node:assert';
import { buildSchemaContext, rankTables, stems, SchemaCache, type CatalogSnapshot, type SnapshotTable } from '../../../src/core/ai/schemaContext';

const col = (name: string, type = 'VARCHAR', primaryKey = false) => ({ name, type, nullable: !primaryKey, primaryKey });

function shop(): SnapshotTable[] {
  return [
    { schema: 'shop', name: 'customers', kind: 'table', comment: 'One row per customer', columns: [col('customer_id', 'BIGINT', true), col('first_name'), col('country')] },
    { schema: 'shop', name: 'orders', kind: 'table', columns: [col('order_id', 'BIGINT', true), col('customer_id', 'BIGINT'), col('ordered_at', 'TIMESTAMP'), col('status')] },
    { schema: 'shop', name: 'products', kind: 'table', columns: [col('product_id', 'BIGINT', true), col('name'), col('category'), col('unit_price', 'DECIMAL(10,2)')] },
    { schema: 'shop', name: 'payments', kind: 'table', columns: [col('payment_id', 'BIGINT', true), col('order_id', 'BIGINT'), col('amount', 'DECIMAL(12,2)')] },
  ];
}

/** A warehouse of 1,000 tables: the four shop tables hidden among 996 unrelated ones. */
function bigWarehouse(): CatalogSnapshot {
  const noise: SnapshotTable[] = [];
  const words = ['sensor', 'reading', 'ledger', 'audit', 'ticket', 'shipment', 'vendor', 'campaign', 'session', 'inventory'];
  for (let i = 0; i < 996; i++) {
    const w = words[i % words.length];
    noise.push({ schema: `s${i % 7}`, name: `${w}_${i}`, kind: 'table', columns: Array.from({ length: 12 }, (_, j) => col(`${w}_attr_${j}`)) });
  }
  return { dialect: 'duckdb', tables: [...noise.slice(0, 500), ...shop(), ...noise.slice(500)], loadedAt: Date.now() };
}

describe('ai: schema context (ranking and token budget)', () => {
  it('folds plurals and drops stop words', () => {
    assert.deepEqual(stems('How many Customers placed orders by category?'), ['customer', 'placed', 'order', 'category']);
  });

  it('ranks the tables a question names first, then their join partners', () => {
    const ranked = rankTables({ dialect: 'duckdb', tables: shop(), loadedAt: 0 }, 'total payment amount per customer country');
    const names = ranked.map((r) => r.table.name);
    assert.deepEqual(names.slice(0, 2).sort(), ['customers', 'payments']);
    // orders links payments (order_id) to customers (customer_id): it must outrank products.
    assert.ok(names.indexOf('orders') < names.indexOf('products'), names.join(','));
  });

  it('fits a 1,000-table catalog into the budget, keeping the relevant tables', () => {
    const ctx = buildSchemaContext(bigWarehouse(), 'Which customers placed the most orders?', { budgetTokens: 800 });
    assert.ok(ctx.tokens <= 800, `used ${ctx.tokens} tokens`);
    assert.ok(ctx.text.length <= 800 * 4 + 100);
    const names = ctx.tables.map((t) => t.name);
    assert.ok(names.includes('customers') && names.includes('orders'), names.join(','));
    assert.equal(names[0] === 'customers' || names[0] === 'orders', true);
    assert.equal(ctx.omitted, 1000 - ctx.tables.length);
    assert.match(ctx.text, /TABLE shop\.orders\n {2}order_id BIGINT PRIMARY KEY\n {2}customer_id BIGINT/);
  });

  it('renders comments, keys and (only when allowed) sample values', () => {
    const tables = shop();
    tables[1].samples = { status: ['completed', 'returned'] };
    const snap: CatalogSnapshot = { dialect: 'duckdb', tables, loadedAt: 0 };
    assert.match(buildSchemaContext(snap, 'customers').text, /TABLE shop\.customers -- One row per customer/);
    assert.doesNotMatch(buildSchemaContext(snap, 'order status').text, /completed/);
    assert.match(buildSchemaContext(snap, 'order status', { includeSamples: true }).text, /status VARCHAR -- e\.g\. 'completed', 'returned'/);
  });

  it('caches snapshots per connection and reloads on refresh', async () => {
    const cache = new SchemaCache();
    let loads = 0;
    const load = async () => ({ dialect: 'duckdb', tables: shop(), loadedAt: Date.now() + 0 * ++loads });
    await cache.get('a', load);
    await cache.get('a', load);
    assert.equal(loads, 1);
    await cache.get('a', load, true);
    assert.equal(loads, 2);
    await cache.get('b', load);
    assert.equal(loads, 3);
  });
});

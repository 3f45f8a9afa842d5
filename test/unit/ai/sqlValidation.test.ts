import { strict as assert } from 'node:assert';
import { checkAgainstCatalog } from '../../../src/core/ai/sqlValidation';
import type { CatalogSnapshot } from '../../../src/core/ai/schemaContext';
import { autoExecuteDecision } from '../../../src/core/ai/policy';

const col = (name: string) => ({ name, type: 'VARCHAR', nullable: true, primaryKey: false });
const snap: CatalogSnapshot = {
  dialect: 'duckdb',
  loadedAt: 0,
  tables: [
    { schema: 'shop', name: 'customers', kind: 'table', columns: ['customer_id', 'first_name', 'country'].map(col) },
    { schema: 'shop', name: 'orders', kind: 'table', columns: ['order_id', 'customer_id', 'ordered_at', 'status'].map(col) },
  ],
};

describe('ai: static SQL check against the catalog', () => {
  it('accepts valid SQL with aliases, CTEs and computed column aliases', () => {
    const sql = `WITH per AS (SELECT customer_id, count(*) AS n FROM shop.orders o GROUP BY 1)
      SELECT c.first_name, per.n AS order_count FROM per JOIN shop.customers c ON c.customer_id = per.customer_id ORDER BY order_count DESC`;
    const r = checkAgainstCatalog(sql, snap);
    assert.equal(r.parsed, true);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.tables.sort(), ['shop.customers', 'shop.orders']);
  });

  it('names an unknown table and suggests a close one', () => {
    const r = checkAgainstCatalog('SELECT * FROM shop.customer', snap);
    assert.deepEqual(r.problems, ['Unknown table shop.customer. Did you mean shop.customers?']);
  });

  it('names an unknown column on an aliased table', () => {
    const r = checkAgainstCatalog('SELECT o.order_status FROM shop.orders o', snap);
    assert.deepEqual(r.problems, ['Unknown column order_status in shop.orders. Did you mean status?']);
  });

  it('names an unknown unqualified column', () => {
    const r = checkAgainstCatalog('SELECT email FROM shop.customers', snap);
    assert.deepEqual(r.problems, ['Unknown column email in shop.customers.']);
  });

  it('leaves SQL the parser cannot read to the dry run', () => {
    const r = checkAgainstCatalog('SELECT * FROM shop.orders QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) = 1 ~~~', snap);
    assert.equal(r.parsed, false);
    assert.deepEqual(r.problems, []);
  });
});

describe('ai: auto-execute policy', () => {
  const base = { autoExecute: true, dialect: 'duckdb', connectionAllowsWrites: false };
  it('runs read-only SQL on a read-only connection only when enabled', () => {
    assert.equal(autoExecuteDecision({ ...base, sql: 'SELECT 1' }).run, true);
    assert.equal(autoExecuteDecision({ ...base, autoExecute: false, sql: 'SELECT 1' }).run, false);
    assert.equal(autoExecuteDecision({ ...base, connectionAllowsWrites: true, sql: 'SELECT 1' }).run, false);
  });
  it('never runs writes, even hidden in a CTE', () => {
    assert.equal(autoExecuteDecision({ ...base, sql: 'DELETE FROM shop.orders' }).run, false);
    assert.equal(autoExecuteDecision({ ...base, sql: 'WITH d AS (DELETE FROM shop.orders RETURNING *) SELECT * FROM d' }).run, false);
    assert.equal(autoExecuteDecision({ ...base, sql: 'SELECT 1; DROP TABLE shop.orders' }).run, false);
  });
});

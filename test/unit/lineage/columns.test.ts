/**
 * Column-level lineage (target column ← source columns), expectations written from the SQL's meaning: an output
 * column depends on every physical column its expression reads (including window PARTITION BY / ORDER BY and CASE
 * conditions); CTEs and subqueries are traced through to physical tables; `*` stays `table.*` unless a schema is known.
 */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';
import type { SchemaMap } from '../../../src/core/lineage';

function edges(sql: string, dialect = 'postgres', schema?: SchemaMap): string[] {
  const st = analyzeScript(sql, { dialect, schema }).statements[0];
  assert.equal(st.error, undefined, `unexpected partial analysis: ${st.error}`);
  return st.columnLineage.map((e) => `${e.source} -> ${e.target}`).sort();
}

describe('lineage: column level', () => {
  it('plain, aliased and qualified columns', () => {
    assert.deepEqual(edges('INSERT INTO tab1 SELECT col1 FROM tab2'), ['tab2.col1 -> tab1.col1']);
    assert.deepEqual(edges('INSERT INTO tab1 SELECT col1 AS col2 FROM tab2'), ['tab2.col1 -> tab1.col2']);
    assert.deepEqual(edges('INSERT INTO tab1 SELECT t.col1 FROM tab2 AS t'), ['tab2.col1 -> tab1.col1']);
    assert.deepEqual(edges('INSERT INTO tab1 SELECT TA.col1 FROM tab2 AS ta'), ['tab2.col1 -> tab1.col1']);
  });

  it('the same column twice in different case is one edge', () => {
    assert.deepEqual(edges('INSERT INTO tab1 SELECT col1, COL1 FROM tab2'), ['tab2.col1 -> tab1.col1']);
  });

  it('unaliased expressions are named as written; literals and niladic functions have no source', () => {
    assert.deepEqual(edges('INSERT INTO tab1 SELECT max(col1), current_timestamp AS ts, 42 AS n, col2 FROM tab2'), [
      'tab2.col1 -> tab1.max(col1)',
      'tab2.col2 -> tab1.col2',
    ]);
  });

  it('expressions, CASE, CAST and window functions depend on every column they read', () => {
    const got = edges(
      'INSERT INTO t SELECT a.x + b.y AS s, CASE WHEN a.k = 1 THEN b.z ELSE 0 END AS cz, row_number() OVER (PARTITION BY a.g ORDER BY b.d) AS rn, CAST(a.p AS int) AS p FROM s1 a JOIN s2 b ON a.id = b.id',
    );
    assert.deepEqual(got, ['s1.g -> t.rn', 's1.k -> t.cz', 's1.p -> t.p', 's1.x -> t.s', 's2.d -> t.rn', 's2.y -> t.s', 's2.z -> t.cz'].sort());
  });

  it('aggregates over a GROUP BY', () => {
    assert.deepEqual(edges('INSERT INTO daily SELECT d, sum(amount) AS total, count(DISTINCT customer_id) AS buyers FROM sales GROUP BY d'), [
      'sales.amount -> daily.total',
      'sales.customer_id -> daily.buyers',
      'sales.d -> daily.d',
    ]);
  });

  it('through CTEs (WITH … INSERT in PostgreSQL is normalised for the parser)', () => {
    assert.deepEqual(edges('WITH c AS (SELECT id, amount * 2 AS dbl FROM raw.orders) INSERT INTO out.tab SELECT c.id, sum(c.dbl) AS total FROM c GROUP BY c.id'), [
      'raw.orders.amount -> out.tab.total',
      'raw.orders.id -> out.tab.id',
    ]);
    assert.deepEqual(edges('INSERT INTO t WITH a AS (SELECT x FROM s), b AS (SELECT x AS y FROM a) SELECT y FROM b'), ['s.x -> t.y']);
  });

  it('CTE column lists rename the body columns', () => {
    assert.deepEqual(edges('WITH c (renamed) AS (SELECT original FROM s) INSERT INTO t SELECT renamed FROM c'), ['s.original -> t.renamed']);
  });

  it('through subqueries and UNION branches (by position)', () => {
    assert.deepEqual(edges('INSERT INTO t SELECT sq.x FROM (SELECT col1 AS x FROM tab2) sq UNION ALL SELECT y FROM tab3'), ['tab2.col1 -> t.x', 'tab3.y -> t.x']);
  });

  it('scalar subqueries in the select list', () => {
    assert.deepEqual(edges('INSERT INTO t SELECT id, (SELECT max(v) FROM m) AS top FROM base'), ['base.id -> t.id', 'm.v -> t.top']);
  });

  it('INSERT column lists map by position', () => {
    assert.deepEqual(edges('INSERT INTO t (a, b) SELECT x, y FROM s'), ['s.x -> t.a', 's.y -> t.b']);
  });

  it('* without a schema stays table.*; with a schema it expands', () => {
    assert.deepEqual(edges('INSERT INTO tab1 SELECT * FROM tab2 a JOIN tab3 b ON a.id = b.id'), ['tab2.* -> tab1.*', 'tab3.* -> tab1.*']);
    assert.deepEqual(edges('INSERT INTO tab1 SELECT a.* FROM tab2 a JOIN tab3 b ON a.id = b.id'), ['tab2.* -> tab1.*']);
    const schema = { tab2: ['id', 'name'], tab3: ['id', 'score'] };
    assert.deepEqual(edges('INSERT INTO tab1 SELECT b.* FROM tab2 a JOIN tab3 b ON a.id = b.id', 'postgres', schema), ['tab3.id -> tab1.id', 'tab3.score -> tab1.score']);
    // With a schema, an unqualified column in a join belongs to the table that has it.
    assert.deepEqual(edges('INSERT INTO tab1 SELECT name, score FROM tab2 a JOIN tab3 b ON a.id = b.id', 'postgres', schema), ['tab2.name -> tab1.name', 'tab3.score -> tab1.score']);
  });

  it('an unqualified column in a join belongs to the only relation that can have it (dbt `select *` CTEs)', () => {
    const sql = `with orders as (select * from stg_orders),
      payments as (select order_id, sum(amount) as total_amount from stg_payments group by order_id)
      select customer_id, total_amount, status from orders join payments using (order_id)`;
    assert.deepEqual(edges(sql), ['stg_orders.customer_id -> customer_id', 'stg_orders.status -> status', 'stg_payments.amount -> total_amount']);
    // Two relations that may both have it: no guess.
    assert.deepEqual(edges('with a as (select * from s1), b as (select * from s2) select x from a join b using (id)'), []);
  });

  it('* EXCLUDE / EXCEPT / REPLACE change the expansion', () => {
    const schema = { 'ds.users': ['id', 'name', 'email', 'password_hash'] };
    assert.deepEqual(edges('CREATE VIEW ds.v AS SELECT * EXCEPT (password_hash) REPLACE (upper(name) AS name) FROM ds.users', 'bigquery', schema), [
      'ds.users.email -> ds.v.email', 'ds.users.id -> ds.v.id', 'ds.users.name -> ds.v.name',
    ]);
    assert.deepEqual(edges('SELECT * EXCLUDE (email, password_hash) FROM ds.users', 'duckdb', schema), ['ds.users.id -> id', 'ds.users.name -> name']);
    // Unknown schema: `*` stays whole and the replaced column is named.
    assert.deepEqual(edges('SELECT * REPLACE (lower(email) AS email) FROM ds.users', 'bigquery'), ['ds.users.* -> *', 'ds.users.email -> email']);
  });

  it('* through a CTE expands to the CTE columns', () => {
    assert.deepEqual(edges('WITH c AS (SELECT a, b + 1 AS bb FROM s) INSERT INTO t SELECT * FROM c'), ['s.a -> t.a', 's.b -> t.bb']);
  });

  it('CREATE TABLE AS, CREATE VIEW and SELECT INTO', () => {
    assert.deepEqual(edges('CREATE TABLE t2 AS SELECT a, b AS bb FROM t1'), ['t1.a -> t2.a', 't1.b -> t2.bb']);
    assert.deepEqual(edges('CREATE VIEW v AS SELECT x.k, y.v FROM x JOIN y ON x.k = y.k'), ['x.k -> v.k', 'y.v -> v.v']);
    assert.deepEqual(edges('SELECT id, name INTO archive FROM users'), ['users.id -> archive.id', 'users.name -> archive.name']);
  });

  it('a column list after the created name renames the query columns by position', () => {
    assert.deepEqual(edges('CREATE TABLE t (a, b) AS SELECT x, y FROM s'), ['s.x -> t.a', 's.y -> t.b']);
    assert.deepEqual(edges('CREATE OR REPLACE TABLE t (a INT, b VARCHAR(10)) AS SELECT x, y FROM s', 'snowflake'), ['s.x -> t.a', 's.y -> t.b']);
    assert.deepEqual(edges("CREATE OR REPLACE VIEW v (a COMMENT 'id', b) AS SELECT x, y FROM s", 'snowflake'), ['s.x -> v.a', 's.y -> v.b']);
  });

  it('UPDATE … SET from another table', () => {
    assert.deepEqual(edges('UPDATE t SET a = s.b, c = s.d + 1 FROM s WHERE t.id = s.id'), ['s.b -> t.a', 's.d -> t.c']);
  });

  it('a plain SELECT names output columns without a table', () => {
    assert.deepEqual(edges('SELECT o.id, o.total * 1.2 AS gross FROM orders o'), ['orders.id -> id', 'orders.total -> gross']);
  });

  it('qualified sources keep their qualification', () => {
    assert.deepEqual(edges('INSERT INTO mart.f SELECT o.id FROM raw.sales.orders o', 'snowflake'), ['raw.sales.orders.id -> mart.f.id']);
    assert.deepEqual(edges('INSERT INTO `p.d.out` SELECT x FROM `p.d.src`', 'bigquery'), ['p.d.src.x -> p.d.out.x']);
  });

  it('dialects node-sql-parser reads: MySQL, T-SQL, Hive, Snowflake, BigQuery, Redshift, Trino, SQLite', () => {
    assert.deepEqual(edges('INSERT INTO t SELECT `a` FROM `s`', 'mysql'), ['s.a -> t.a']);
    assert.deepEqual(edges('INSERT INTO dbo.t SELECT TOP 5 a FROM dbo.s', 'tsql'), ['dbo.s.a -> dbo.t.a']);
    assert.deepEqual(edges("INSERT OVERWRITE TABLE t PARTITION (ds='1') SELECT a FROM s", 'hive'), ['s.a -> t.a']);
    assert.deepEqual(edges('INSERT INTO t SELECT a FROM s', 'snowflake'), ['s.a -> t.a']);
    assert.deepEqual(edges('INSERT INTO ds.t SELECT a FROM ds.s', 'bigquery'), ['ds.s.a -> ds.t.a']);
    assert.deepEqual(edges('INSERT INTO t SELECT a FROM s', 'redshift'), ['s.a -> t.a']);
    assert.deepEqual(edges('INSERT INTO t SELECT a FROM s', 'trino'), ['s.a -> t.a']);
    assert.deepEqual(edges('INSERT INTO t SELECT a FROM s', 'sqlite'), ['s.a -> t.a']);
  });

  it('statements the parser rejects keep their tables and say they were analysed only partly', () => {
    const weird = analyzeScript('INSERT INTO t SELECT a FROM s QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1 AND a ~~~ b', { dialect: 'postgres' }).statements[0];
    assert.deepEqual([weird.sources, weird.targets], [['s'], ['t']]);
    assert.equal(weird.partial, true);
    assert.match(weird.error ?? '', /partly analysed: .*line 1, column \d+/);
  });

  it('half-typed SQL with a bare SELECT is reported at once (the grammar would backtrack for seconds)', () => {
    const t0 = performance.now();
    const st = analyzeScript('SELECT SELECT CASE SELECT CASE SELECT SELECT SELECT : OVERWRITE SELECT SELECT', { dialect: 'athena' }).statements[0];
    assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
    assert.equal(st.partial, true);
    assert.deepEqual(st.problem, { message: "unexpected 'SELECT' at line 1, column 8", line: 0, column: 7 });
  });

  it('correlated subqueries and LATERAL joins use the outer query\'s columns (used, not copied)', () => {
    const st = analyzeScript('INSERT INTO t SELECT id, (SELECT max(v) FROM m WHERE m.id = base.id) AS top FROM base WHERE EXISTS (SELECT 1 FROM u WHERE u.k = base.k)', { dialect: 'postgres' }).statements[0];
    assert.deepEqual(st.columnLineage.map((e) => `${e.source} -> ${e.target}`).sort(), ['base.id -> t.id', 'm.v -> t.top']);
    assert.deepEqual([...st.columnsUsed].sort(), ['base.id', 'base.k', 'm.id', 'm.v', 'u.k']);
    const lateral = analyzeScript('SELECT c.id, l.total FROM customers c JOIN LATERAL (SELECT sum(amount) AS total FROM orders o WHERE o.cid = c.id) l ON true', { dialect: 'postgres' }).statements[0];
    assert.deepEqual([...lateral.columnsUsed].sort(), ['customers.id', 'orders.amount', 'orders.cid']);
  });

  it('DDL and DELETE carry no column flow and no error', () => {
    for (const sql of ['CREATE TABLE t (a int)', 'DELETE FROM t WHERE a = 1', 'DROP TABLE t']) {
      const st = analyzeScript(sql).statements[0];
      assert.deepEqual(st.columnLineage, []);
      assert.equal(st.error, undefined);
    }
  });

  it('records the columns a statement uses, filters and joins included', () => {
    const st = analyzeScript('INSERT INTO t SELECT o.id FROM orders o JOIN customers c ON o.cid = c.id WHERE c.region = \'EU\'', { dialect: 'postgres' }).statements[0];
    assert.deepEqual([...st.columnsUsed].sort(), ['customers.id', 'customers.region', 'orders.cid', 'orders.id']);
  });
});

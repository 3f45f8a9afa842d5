/**
 * Column lineage of statements that move data without being a plain query: MERGE, COPY/UNLOAD/EXPORT/LOAD with
 * `path:<uri>` ends, INSERT OVERWRITE (tables and directories), multi-table INSERT, plus the FROM-clause forms that
 * reshape rows (LATERAL VIEW, UNNEST, FLATTEN, semi/anti joins). Expectations are written from what the SQL means.
 */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';
import type { SchemaMap, StatementLineage } from '../../../src/core/lineage';

function statement(sql: string, dialect: string, schema?: SchemaMap): StatementLineage {
  const r = analyzeScript(sql, { dialect, schema });
  assert.equal(r.statements.length, 1, sql);
  return r.statements[0];
}

/** Column edges of a fully analysed statement, as sorted `source -> target` lines. */
function edges(sql: string, dialect: string, schema?: SchemaMap): string[] {
  const st = statement(sql, dialect, schema);
  assert.equal(st.error, undefined, `unexpected partial analysis of [${dialect}] ${sql}: ${st.error}`);
  return st.columnLineage.map((e) => `${e.source} -> ${e.target}`).sort();
}

describe('lineage: MERGE column lineage', () => {
  it('UPDATE SET and INSERT VALUES take the target columns from the USING source (Snowflake)', () => {
    const sql = `MERGE INTO analytics.customers AS t
      USING (SELECT id, email, updated_at FROM raw.customer_updates WHERE op <> 'D') AS s
      ON t.id = s.id
      WHEN MATCHED AND s.updated_at > t.updated_at THEN UPDATE SET t.email = lower(s.email), t.updated_at = s.updated_at
      WHEN NOT MATCHED THEN INSERT (id, email, updated_at) VALUES (s.id, s.email, s.updated_at)`;
    const st = statement(sql, 'snowflake');
    assert.deepEqual([st.type, st.sources, st.targets], ['merge', ['raw.customer_updates'], ['analytics.customers']]);
    assert.deepEqual(edges(sql, 'snowflake'), [
      'raw.customer_updates.email -> analytics.customers.email',
      'raw.customer_updates.id -> analytics.customers.id',
      'raw.customer_updates.updated_at -> analytics.customers.updated_at',
    ]);
    // The join and the WHEN condition decide which rows move: their columns are used.
    for (const used of ['analytics.customers.id', 'analytics.customers.updated_at', 'raw.customer_updates.id', 'raw.customer_updates.op']) {
      assert.ok(st.columnsUsed.includes(used), `${used} in ${st.columnsUsed}`);
    }
  });

  it('an update that reads the target row keeps the source edge and drops the self edge (T-SQL)', () => {
    assert.deepEqual(edges(`MERGE dbo.balances AS b USING dbo.payments AS p ON b.account = p.account
      WHEN MATCHED THEN UPDATE SET b.amount = b.amount + p.amount, b.paid_at = GETDATE()
      WHEN NOT MATCHED BY TARGET THEN INSERT (account, amount) VALUES (p.account, p.amount)
      WHEN NOT MATCHED BY SOURCE THEN DELETE;`, 'tsql'), [
      'dbo.payments.account -> dbo.balances.account',
      'dbo.payments.amount -> dbo.balances.amount',
    ]);
  });

  it('UPDATE SET * and INSERT * copy every source column into its namesake (Databricks)', () => {
    assert.deepEqual(edges('MERGE INTO silver.users t USING bronze.users s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *', 'databricks'), [
      'bronze.users.* -> silver.users.*',
    ]);
    const schema = { 'bronze.users': ['id', 'name'] };
    assert.deepEqual(edges('MERGE INTO silver.users t USING bronze.users s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *', 'databricks', schema), [
      'bronze.users.id -> silver.users.id',
      'bronze.users.name -> silver.users.name',
    ]);
  });

  it('INSERT ROW and unqualified INSERT columns (BigQuery); DELETE branches move nothing', () => {
    assert.deepEqual(edges('MERGE ds.inventory T USING ds.new_arrivals S ON T.product = S.product WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT ROW', 'bigquery'), [
      'ds.new_arrivals.* -> ds.inventory.*',
    ]);
    assert.deepEqual(edges('MERGE ds.inventory T USING ds.new_arrivals S ON T.product = S.product WHEN NOT MATCHED THEN INSERT (product, quantity) VALUES (product, quantity * 2)', 'bigquery'), [
      'ds.new_arrivals.product -> ds.inventory.product',
      'ds.new_arrivals.quantity -> ds.inventory.quantity',
    ]);
  });

  it('PostgreSQL 15 MERGE with a CTE-free subquery source and DO NOTHING', () => {
    assert.deepEqual(edges(`MERGE INTO stock s USING (SELECT item, sum(qty) AS qty FROM deliveries GROUP BY item) d ON s.item = d.item
      WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty
      WHEN NOT MATCHED THEN INSERT (item, qty) VALUES (d.item, d.qty)
      WHEN NOT MATCHED BY SOURCE THEN DO NOTHING`, 'postgres'), ['deliveries.item -> stock.item', 'deliveries.qty -> stock.qty']);
  });

  it('WITH … MERGE: the source may be a CTE', () => {
    const sql = 'WITH latest AS (SELECT id, max(price) AS price FROM raw.prices GROUP BY id) MERGE INTO dim.products p USING latest l ON p.id = l.id WHEN MATCHED THEN UPDATE SET price = l.price';
    const st = statement(sql, 'snowflake');
    assert.deepEqual([st.sources, st.targets, st.ctes], [['raw.prices'], ['dim.products'], ['latest']]);
    assert.deepEqual(edges(sql, 'snowflake'), ['raw.prices.price -> dim.products.price']);
  });

  it('Oracle MERGE with WHERE and DELETE WHERE after UPDATE SET', () => {
    assert.deepEqual(edges(`MERGE INTO bonuses b USING (SELECT employee_id, salary, dept FROM employees) e ON (b.employee_id = e.employee_id)
      WHEN MATCHED THEN UPDATE SET b.bonus = e.salary * 0.1 WHERE e.dept = 'SALES' DELETE WHERE (e.salary > 8000)
      WHEN NOT MATCHED THEN INSERT (b.employee_id, b.bonus) VALUES (e.employee_id, e.salary * 0.05) WHERE (e.salary <= 8000)`, 'oracle'), [
      'employees.employee_id -> bonuses.employee_id',
      'employees.salary -> bonuses.bonus',
    ]);
  });

  it('an INSERT without a column list uses the target schema when it is known', () => {
    assert.deepEqual(edges('MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v)', 'snowflake', { t: ['k', 'val'] }), [
      's.k -> t.k',
      's.v -> t.val',
    ]);
  });

  it('a MERGE whose branch cannot be read keeps its tables and says it was analysed partly', () => {
    const st = statement('MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET a = = s.b', 'snowflake');
    assert.deepEqual([st.sources, st.targets], [['s'], ['t']]);
    assert.equal(st.partial, true);
    assert.match(st.error ?? '', /partly analysed: MERGE UPDATE/);
    // The diagnostic points at the WHEN clause it came from.
    assert.deepEqual([st.problem?.line, st.problem?.column], [0, 'MERGE INTO t USING s ON t.k = s.k '.length]);
  });

  it('a COPY whose query cannot be read points into the query', () => {
    const sql = "COPY (SELECT a FROM t WHERE a = = 1) TO '/tmp/x.csv'";
    const st = statement(sql, 'postgres');
    assert.deepEqual([st.sources, st.targets, st.partial], [['t'], ['path:/tmp/x.csv'], true]);
    const col = st.problem?.column ?? -1;
    assert.ok(col > sql.indexOf('WHERE') && col < sql.indexOf(')'), `column ${col}`);
  });
});

describe('lineage: COPY, UNLOAD, EXPORT and LOAD columns (path:<uri>)', () => {
  it('COPY t (cols) FROM a file fills the listed columns from the file', () => {
    assert.deepEqual(edges("COPY staging.orders (id, amount) FROM 's3://bucket/orders.csv' WITH (FORMAT csv)", 'postgres'), [
      'path:s3://bucket/orders.csv.amount -> staging.orders.amount',
      'path:s3://bucket/orders.csv.id -> staging.orders.id',
    ]);
  });

  it('COPY (query) TO a file, COPY t TO a file (schema known or not)', () => {
    assert.deepEqual(edges("COPY (SELECT o.id, o.amount * 100 AS cents FROM orders o) TO '/tmp/out.csv' WITH CSV HEADER", 'postgres'), [
      'orders.amount -> path:/tmp/out.csv.cents',
      'orders.id -> path:/tmp/out.csv.id',
    ]);
    assert.deepEqual(edges("COPY orders TO '/tmp/orders.csv'", 'postgres'), ['orders.* -> path:/tmp/orders.csv.*']);
    assert.deepEqual(edges("COPY orders TO '/tmp/orders.csv'", 'postgres', { orders: ['id', 'total'] }), [
      'orders.id -> path:/tmp/orders.csv.id',
      'orders.total -> path:/tmp/orders.csv.total',
    ]);
  });

  it('Snowflake COPY INTO a table from a stage, and into a stage from a query', () => {
    assert.deepEqual(edges("COPY INTO raw.events FROM @landing/events/ FILE_FORMAT = (TYPE = 'JSON')", 'snowflake'), ['path:@landing/events/.* -> raw.events.*']);
    assert.deepEqual(edges("COPY INTO @exports/daily/ FROM (SELECT day, count(*) AS n, sum(revenue) AS revenue FROM mart.daily_sales GROUP BY day) HEADER = TRUE", 'snowflake'), [
      'mart.daily_sales.day -> path:@exports/daily/.day',
      'mart.daily_sales.revenue -> path:@exports/daily/.revenue',
    ]);
  });

  it('Snowflake COPY INTO with a transforming query over staged positional fields', () => {
    assert.deepEqual(edges('COPY INTO raw.rates (ccy, rate) FROM (SELECT $1, $2::number(10, 4) FROM @fx/rates.csv) FILE_FORMAT = (TYPE = CSV)', 'snowflake'), [
      'path:@fx/rates.csv.$1 -> raw.rates.ccy',
      'path:@fx/rates.csv.$2 -> raw.rates.rate',
    ]);
    // Without a column list the fields fill the table's columns in order: named by the schema, else `*`.
    assert.deepEqual(edges('COPY INTO raw.rates FROM (SELECT r.$1, r.$2 FROM @fx/rates.csv r)', 'snowflake'), [
      'path:@fx/rates.csv.$1 -> raw.rates.*',
      'path:@fx/rates.csv.$2 -> raw.rates.*',
    ]);
    assert.deepEqual(edges('COPY INTO raw.rates FROM (SELECT r.$1, r.$2 FROM @fx/rates.csv r)', 'snowflake', { 'raw.rates': ['ccy', 'rate'] }), [
      'path:@fx/rates.csv.$1 -> raw.rates.ccy',
      'path:@fx/rates.csv.$2 -> raw.rates.rate',
    ]);
  });

  it('Redshift UNLOAD traces the quoted query into the S3 prefix', () => {
    const st = statement("UNLOAD ('SELECT c.id, c.name FROM crm.customers c WHERE c.active') TO 's3://exports/customers_' IAM_ROLE 'arn:aws:iam::1:role/x' PARQUET", 'redshift');
    assert.deepEqual([st.sources, st.targets], [['crm.customers'], ['path:s3://exports/customers_']]);
    assert.deepEqual(edges("UNLOAD ('SELECT c.id, c.name FROM crm.customers c WHERE c.active') TO 's3://exports/customers_' IAM_ROLE 'arn:aws:iam::1:role/x' PARQUET", 'redshift'), [
      'crm.customers.id -> path:s3://exports/customers_.id',
      'crm.customers.name -> path:s3://exports/customers_.name',
    ]);
  });

  it('BigQuery EXPORT DATA and Hive LOAD DATA', () => {
    assert.deepEqual(edges("EXPORT DATA OPTIONS (uri = 'gs://b/users-*.parquet', format = 'PARQUET', overwrite = true) AS SELECT user_id, country FROM `proj.ds.users`", 'bigquery'), [
      'proj.ds.users.country -> path:gs://b/users-*.parquet.country',
      'proj.ds.users.user_id -> path:gs://b/users-*.parquet.user_id',
    ]);
    assert.deepEqual(edges("LOAD DATA INPATH '/landing/clicks/2024-01-01' OVERWRITE INTO TABLE web.clicks PARTITION (ds = '2024-01-01')", 'hive'), [
      'path:/landing/clicks/2024-01-01.* -> web.clicks.*',
    ]);
  });
});

describe('lineage: INSERT forms', () => {
  it('INSERT OVERWRITE (Hive, Spark, Databricks) maps like INSERT INTO', () => {
    assert.deepEqual(edges("INSERT OVERWRITE TABLE mart.daily PARTITION (ds = '2024-01-01') SELECT user_id, count(*) AS n, max(ts) AS last_ts FROM raw.events WHERE ds = '2024-01-01' GROUP BY user_id", 'hive'), [
      'raw.events.ts -> mart.daily.last_ts',
      'raw.events.user_id -> mart.daily.user_id',
    ]);
    assert.deepEqual(edges('INSERT OVERWRITE mart.users SELECT id, upper(name) AS name FROM staging.users', 'sparksql'), [
      'staging.users.id -> mart.users.id',
      'staging.users.name -> mart.users.name',
    ]);
    assert.deepEqual(edges('INSERT OVERWRITE TABLE gold.t (a, b) SELECT x, y FROM silver.s', 'databricks'), ['silver.s.x -> gold.t.a', 'silver.s.y -> gold.t.b']);
  });

  it('INSERT OVERWRITE DIRECTORY writes the query columns to the path', () => {
    const sql = "INSERT OVERWRITE DIRECTORY 's3://lake/out/' USING parquet SELECT o.id, o.total FROM sales.orders o";
    const st = statement(sql, 'sparksql');
    assert.deepEqual([st.sources, st.targets], [['sales.orders'], ['path:s3://lake/out/']]);
    assert.deepEqual(edges(sql, 'sparksql'), ['sales.orders.id -> path:s3://lake/out/.id', 'sales.orders.total -> path:s3://lake/out/.total']);
  });

  it('multi-table INSERT ALL / INSERT FIRST route the query columns to each table (Snowflake, Oracle)', () => {
    const all = 'INSERT ALL INTO big_orders (id, amount) VALUES (id, amount) INTO order_log (order_id) VALUES (id) SELECT id, amount FROM orders';
    const st = statement(all, 'snowflake');
    assert.deepEqual([st.sources, [...st.targets].sort()], [['orders'], ['big_orders', 'order_log']]);
    assert.deepEqual(edges(all, 'snowflake'), ['orders.amount -> big_orders.amount', 'orders.id -> big_orders.id', 'orders.id -> order_log.order_id']);
    const first = "INSERT FIRST WHEN amount > 1000 THEN INTO big_orders WHEN amount > 100 THEN INTO mid_orders ELSE INTO small_orders SELECT id, amount FROM orders";
    const f = statement(first, 'oracle');
    assert.deepEqual([...f.targets].sort(), ['big_orders', 'mid_orders', 'small_orders']);
    assert.deepEqual(edges(first, 'oracle'), [
      'orders.amount -> big_orders.amount', 'orders.amount -> mid_orders.amount', 'orders.amount -> small_orders.amount',
      'orders.id -> big_orders.id', 'orders.id -> mid_orders.id', 'orders.id -> small_orders.id',
    ]);
  });

  it('Hive multi-insert FROM src INSERT … SELECT … INSERT … SELECT … writes each branch', () => {
    const sql = "FROM raw.events e INSERT OVERWRITE TABLE dw.clicks PARTITION (ds = '1') SELECT e.user_id, e.url WHERE e.kind = 'click' INSERT INTO TABLE dw.daily_counts SELECT e.kind, count(*) AS n GROUP BY e.kind";
    const st = statement(sql, 'hive');
    assert.deepEqual([st.sources, [...st.targets].sort()], [['raw.events'], ['dw.clicks', 'dw.daily_counts']]);
    assert.deepEqual(edges(sql, 'hive'), ['raw.events.kind -> dw.daily_counts.kind', 'raw.events.url -> dw.clicks.url', 'raw.events.user_id -> dw.clicks.user_id']);
    assert.ok(st.columnsUsed.includes('raw.events.kind'));
    assert.deepEqual(edges('FROM (SELECT a, b FROM tab1) t INSERT INTO TABLE tab2 SELECT t.a, t.b + 1 AS b', 'sparksql'), ['tab1.a -> tab2.a', 'tab1.b -> tab2.b']);
  });

  it('CREATE TABLE … LIKE copies structure only: no column flow, no error', () => {
    const st = statement('CREATE TABLE dev.orders LIKE prod.orders', 'snowflake');
    assert.deepEqual([st.sources, st.targets, st.columnLineage, st.error], [['prod.orders'], ['dev.orders'], [], undefined]);
  });

  it('multi-row INSERT … VALUES carries constants only; INSERT … SELECT with a column list maps by position', () => {
    const st = statement("INSERT INTO dim_status (code, label) VALUES (1, 'open'), (2, 'closed'), (3, 'void')", 'postgres');
    assert.deepEqual([st.targets, st.columnLineage, st.error], [['dim_status'], [], undefined]);
    assert.deepEqual(edges('INSERT INTO mart.orders (order_key, customer_key, amount_usd) SELECT o.id, c.key, o.amount * fx.rate FROM orders o JOIN customers c ON c.id = o.customer_id JOIN fx ON fx.ccy = o.ccy', 'postgres'), [
      'customers.key -> mart.orders.customer_key',
      'fx.rate -> mart.orders.amount_usd',
      'orders.amount -> mart.orders.amount_usd',
      'orders.id -> mart.orders.order_key',
    ]);
  });
});

describe('lineage: row-shaping FROM clauses', () => {
  it('LATERAL VIEW explode / posexplode: the exploded columns come from the array or map (Hive, Spark)', () => {
    assert.deepEqual(edges('SELECT u.id, tag FROM users u LATERAL VIEW explode(u.tags) t AS tag', 'hive'), ['users.id -> id', 'users.tags -> tag']);
    assert.deepEqual(edges('SELECT o.id, pos, item FROM orders o LATERAL VIEW OUTER posexplode(o.items) x AS pos, item', 'sparksql'), [
      'orders.id -> id',
      'orders.items -> item',
      'orders.items -> pos',
    ]);
  });

  it('UNNEST in BigQuery, Trino/Athena and PostgreSQL', () => {
    assert.deepEqual(edges('SELECT o.order_id, item.sku, item.qty FROM `shop.orders` o, UNNEST(o.line_items) AS item', 'bigquery'), [
      'shop.orders.line_items -> qty',
      'shop.orders.line_items -> sku',
      'shop.orders.order_id -> order_id',
    ]);
    assert.deepEqual(edges('SELECT e.user_id, p.name FROM events e CROSS JOIN UNNEST(e.products) AS p (name, price)', 'athena'), ['events.products -> name', 'events.user_id -> user_id']);
    assert.deepEqual(edges('SELECT a.id, tag FROM articles a, unnest(a.tags) AS tag', 'postgres'), ['articles.id -> id', 'articles.tags -> tag']);
  });

  it('Snowflake LATERAL FLATTEN: f.value comes from the flattened input', () => {
    assert.deepEqual(edges('SELECT r.id, f.value::string AS tag FROM raw.posts r, LATERAL FLATTEN(input => r.tags) f', 'snowflake'), ['raw.posts.id -> id', 'raw.posts.tags -> tag']);
    assert.deepEqual(edges('SELECT r.id, f.value AS tag FROM raw.posts r, TABLE(FLATTEN(r.tags)) f', 'snowflake'), ['raw.posts.id -> id', 'raw.posts.tags -> tag']);
  });

  it('semi and anti joins read the right side only to filter rows', () => {
    const st = statement('SELECT id, name FROM customers c LEFT ANTI JOIN orders o ON o.customer_id = c.id', 'databricks');
    assert.deepEqual(st.sources, ['customers', 'orders']);
    assert.deepEqual(edges('SELECT id, name FROM customers c LEFT ANTI JOIN orders o ON o.customer_id = c.id', 'databricks'), ['customers.id -> id', 'customers.name -> name']);
    assert.ok(st.columnsUsed.includes('orders.customer_id'));
    assert.deepEqual(edges('SELECT id FROM customers SEMI JOIN orders USING (id)', 'duckdb'), ['customers.id -> id']);
  });
});

describe('lineage: robustness of the assembled statements', () => {
  it('no internal failure on truncated or shuffled MERGE/COPY/INSERT forms (seeded keyword soup, every dialect)', function () {
    this.timeout(120_000);
    const words = ['SELECT', 'FROM', 'WHERE', 'MERGE', 'INTO', 'USING', 'ON', 'WHEN', 'MATCHED', 'NOT', 'THEN', 'UPDATE', 'SET', 'INSERT',
      'VALUES', 'DELETE', 'COPY', 'TO', 'UNLOAD', 'LATERAL', 'VIEW', 'explode', 'UNNEST', 'FLATTEN', 'TABLE', 'WITH', 'AS', '(', ')', ',',
      '.', '*', '=', ':', '::', '$1', '@st/x', "'s3://x'", 'a', 'b', 't', 's.c', 'JOIN', 'LEFT', 'SEMI', 'ANTI', 'ALL', 'FIRST', 'OVERWRITE',
      'DIRECTORY', 'EXPORT', 'DATA', 'OPTIONS', 'LOAD', 'INPATH', 'CLONE', 'LIKE', 'CREATE', 'GROUP', 'BY', 'QUALIFY', 'WINDOW', 'OVER',
      'EXCLUDE', 'RETURNING', '{{', '}}', "ref('m')", 'input', '=>', ';', 'ROW', 'INTERVAL', "'1 day'", 'CASE', 'END'];
    const starts = ['SELECT', 'MERGE INTO t USING s ON', 'INSERT ALL', 'COPY INTO', 'INSERT OVERWRITE', 'UNLOAD (', 'CREATE TABLE t', 'WITH c AS (SELECT 1)', 'FROM s INSERT'];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const dialects = ['ansi', 'postgres', 'snowflake', 'bigquery', 'duckdb', 'mysql', 'tsql', 'redshift', 'hive', 'sparksql', 'databricks', 'trino', 'oracle'];
    for (let k = 0; k < 150; k++) {
      const parts = [starts[next(starts.length)]];
      for (let i = 0, n = 2 + next(25); i < n; i++) parts.push(words[next(words.length)]);
      const sql = parts.join(' ');
      const dialect = dialects[next(dialects.length)];
      // Bad SQL may be analysed partly, but an exception inside the engine (caught as "not analysed" or "column
      // lineage failed") is a bug.
      for (const st of analyzeScript(sql, { dialect }).statements) {
        assert.doesNotMatch(st.error ?? '', /^(not analysed|column lineage failed)/, `[${dialect}] ${sql}`);
      }
    }
  });
});

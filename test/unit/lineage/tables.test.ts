/**
 * Table-level lineage per statement. Every expectation is written from what the SQL means: which tables data is read
 * from and which it lands in (CTEs and subquery aliases are never tables; paths are `path:<uri>`).
 */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';

const sort = (a: string[]) => [...a].sort();

function expectTables(sql: string, sources: string[], targets: string[] = [], dialect = 'ansi'): void {
  const r = analyzeScript(sql, { dialect });
  assert.equal(r.statements.length, 1, `one statement expected in: ${sql}`);
  const st = r.statements[0];
  assert.deepEqual(sort(st.sources), sort(sources), `sources of [${dialect}] ${sql}`);
  assert.deepEqual(sort(st.targets), sort(targets), `targets of [${dialect}] ${sql}`);
}

describe('lineage: tables read and written by one statement', () => {
  describe('SELECT', () => {
    it('plain, qualified and multi-part names keep their qualification', () => {
      expectTables('SELECT a FROM orders', ['orders']);
      expectTables('SELECT a FROM sales.orders', ['sales.orders']);
      expectTables('SELECT a FROM warehouse.sales.orders o', ['warehouse.sales.orders']);
      expectTables('select a\nfrom\n  -- where the rows live\n  orders', ['orders']);
    });
    it('no table at all', () => {
      expectTables('SELECT 1', []);
      expectTables('SELECT now()', []);
      expectTables("SELECT trim(BOTH ' ' FROM '  x  ')", []);
      expectTables('SELECT * FROM (VALUES (1, 2)) AS v(a, b)', []);
    });
    it('FROM inside function arguments is not a table', () => {
      expectTables("SELECT extract(year FROM created_at), substring(name FROM 2) FROM customers", ['customers']);
      expectTables('SELECT a FROM t1 WHERE a IS DISTINCT FROM b', ['t1']);
    });
    it('joins of every kind, with aliases and ON/USING', () => {
      expectTables('SELECT * FROM a JOIN b ON a.id = b.id LEFT JOIN c USING (id) RIGHT OUTER JOIN d ON true FULL JOIN e ON 1=1 CROSS JOIN f', ['a', 'b', 'c', 'd', 'e', 'f']);
      expectTables('SELECT * FROM a x, b AS y, c', ['a', 'b', 'c']);
      expectTables('SELECT * FROM a NATURAL JOIN b', ['a', 'b']);
    });
    it('subqueries in FROM, WHERE, SELECT list and CASE', () => {
      expectTables('SELECT s.x FROM (SELECT x FROM inner_t) s', ['inner_t']);
      expectTables('SELECT x FROM ((SELECT x FROM deep)) d', ['deep']);
      expectTables('SELECT x FROM a WHERE x IN (SELECT x FROM b) AND EXISTS (SELECT 1 FROM c WHERE c.x = a.x)', ['a', 'b', 'c']);
      expectTables('SELECT (SELECT max(v) FROM m) AS top, CASE WHEN (SELECT count(*) FROM n) > 0 THEN 1 END FROM base', ['m', 'n', 'base']);
    });
    it('parenthesised joins are tables, not subqueries', () => {
      expectTables('SELECT a.id FROM ((a LEFT JOIN b ON a.id = b.id) LEFT JOIN c ON a.id = c.id)', ['a', 'b', 'c']);
      expectTables('SELECT * FROM (a)', ['a']);
    });
    it('UNION / INTERSECT / EXCEPT branches all count', () => {
      expectTables('SELECT x FROM a UNION ALL SELECT x FROM b UNION SELECT x FROM c EXCEPT SELECT x FROM d INTERSECT SELECT x FROM e', ['a', 'b', 'c', 'd', 'e']);
      expectTables('(SELECT x FROM a) UNION (SELECT x FROM b)', ['a', 'b']);
    });
    it('the same table twice, in different case, is one source', () => {
      expectTables('SELECT * FROM events UNION ALL SELECT * FROM EVENTS', ['events']);
    });
    it('table functions and UNNEST are not tables; their subqueries are read', () => {
      expectTables('SELECT student, score FROM tests CROSS JOIN UNNEST(scores) AS t (score)', ['tests']);
      expectTables('SELECT * FROM generate_series(1, 10) g', []);
      expectTables('SELECT m.name FROM makers m LEFT JOIN LATERAL product_names(m.id) p ON true', ['makers']);
      expectTables('SELECT * FROM foo, LATERAL (SELECT * FROM bar WHERE bar.id = foo.bar_id) ss', ['foo', 'bar']);
    });
    it('window functions and aggregates do not hide tables', () => {
      expectTables('SELECT id, sum(v) OVER (PARTITION BY g ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM w GROUP BY id HAVING count(*) > 1', ['w']);
    });
  });

  describe('CTEs', () => {
    it('are never reported as tables', () => {
      expectTables('WITH c AS (SELECT 1) SELECT * FROM c', []);
      expectTables('WITH c AS (SELECT * FROM s.raw) SELECT * FROM c cc', ['s.raw']);
      expectTables('WITH c1 AS (SELECT a FROM t1), c2 AS (SELECT a, count(*) n FROM c1 GROUP BY a) SELECT * FROM c1 JOIN c2 USING (a)', ['t1']);
    });
    it('a qualified name equal to a CTE name is a real table', () => {
      expectTables('WITH orders AS (SELECT * FROM raw.orders) SELECT * FROM orders JOIN db.orders USING (id)', ['raw.orders', 'db.orders']);
    });
    it('a CTE body may read a table with its own name (non-recursive)', () => {
      expectTables('WITH orders AS (SELECT * FROM orders WHERE ok) SELECT * FROM orders', ['orders']);
    });
    it('recursive CTEs reference themselves', () => {
      expectTables('WITH RECURSIVE tree(id, parent) AS (SELECT id, parent FROM nodes WHERE parent IS NULL UNION ALL SELECT n.id, n.parent FROM nodes n JOIN tree t ON n.parent = t.id) SELECT * FROM tree', ['nodes']);
    });
    it('CTEs nested in subqueries and in other CTEs', () => {
      expectTables('SELECT sq.x FROM (WITH c AS (SELECT x FROM t1) SELECT x FROM c JOIN t2 USING (x)) sq', ['t1', 't2']);
      expectTables('WITH outer_c AS (WITH inner_c AS (SELECT id FROM t1) SELECT id FROM inner_c) SELECT id FROM outer_c', ['t1']);
    });
    it('reports the CTE names', () => {
      const st = analyzeScript('WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b').statements[0];
      assert.deepEqual(st.ctes, ['a', 'b']);
    });
  });

  describe('INSERT / MERGE / UPDATE / DELETE', () => {
    it('INSERT … SELECT / VALUES / column lists', () => {
      expectTables('INSERT INTO dst SELECT * FROM src', ['src'], ['dst']);
      expectTables('INSERT INTO dst (a, b) SELECT a, b FROM src', ['src'], ['dst']);
      expectTables('INSERT INTO dst VALUES (1, 2), (3, 4)', [], ['dst']);
      expectTables('INSERT INTO dst VALUES (1, (SELECT max(id) FROM ids))', ['ids'], ['dst']);
      expectTables('INSERT INTO db.dst (SELECT * FROM src)', ['src'], ['db.dst']);
    });
    it('WITH … INSERT and INSERT … WITH', () => {
      expectTables('WITH c AS (SELECT * FROM src) INSERT INTO dst SELECT * FROM c', ['src'], ['dst'], 'postgres');
      expectTables('INSERT INTO dst WITH c AS (SELECT * FROM src) SELECT * FROM c', ['src'], ['dst']);
    });
    it('INSERT reading its own target', () => {
      expectTables('INSERT INTO t SELECT * FROM t WHERE flag', ['t'], ['t']);
    });
    it('MERGE reads the USING table or subquery and writes the target', () => {
      expectTables('MERGE INTO tgt USING src ON tgt.k = src.k WHEN MATCHED THEN UPDATE SET tgt.v = src.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (src.k, src.v)', ['src'], ['tgt']);
      expectTables('MERGE INTO tgt t USING (SELECT k, max(v) v FROM src GROUP BY k) s ON t.k = s.k WHEN MATCHED THEN UPDATE SET t.v = s.v', ['src'], ['tgt']);
      expectTables('MERGE INTO tgt USING (WITH b AS (SELECT id FROM src) SELECT id FROM b) s ON tgt.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id)', ['src'], ['tgt'], 'snowflake');
    });
    it('UPDATE … FROM reads the FROM tables and writes the updated one', () => {
      expectTables('UPDATE t SET a = s.b FROM s WHERE t.id = s.id', ['s'], ['t'], 'postgres');
      expectTables('UPDATE t SET a = 1 WHERE id IN (SELECT id FROM s)', ['s'], ['t']);
      expectTables('UPDATE x SET x.a = s.b FROM dbo.target x JOIN dbo.src s ON x.id = s.id', ['dbo.src'], ['dbo.target'], 'tsql');
      expectTables('WITH c AS (SELECT id, v FROM src) UPDATE dst SET v = c.v FROM c WHERE dst.id = c.id', ['src'], ['dst'], 'postgres');
    });
    it('MySQL multi-table UPDATE … JOIN', () => {
      expectTables('UPDATE t1 a INNER JOIN t2 b ON a.c1 = b.c1 SET a.c2 = b.c2', ['t2'], ['t1'], 'mysql');
    });
    it('DELETE moves no data', () => {
      expectTables('DELETE FROM t WHERE id IN (SELECT id FROM s)', []);
      expectTables('DELETE FROM t USING s WHERE t.id = s.id', [], [], 'postgres');
      expectTables('TRUNCATE TABLE t', []);
    });
  });

  describe('DDL', () => {
    it('CREATE TABLE with columns writes an empty table', () => {
      expectTables('CREATE TABLE t (a int, b text REFERENCES other(id))', [], ['t']);
      expectTables('CREATE TABLE IF NOT EXISTS s.t (a int)', [], ['s.t']);
    });
    it('CREATE TABLE AS / VIEW / MATERIALIZED VIEW / OR REPLACE / TEMP', () => {
      expectTables('CREATE TABLE t AS SELECT * FROM s', ['s'], ['t']);
      expectTables('CREATE TABLE t AS (SELECT * FROM (s))', ['s'], ['t']);
      expectTables('CREATE OR REPLACE TEMPORARY TABLE t AS SELECT a FROM s', ['s'], ['t'], 'snowflake');
      expectTables('CREATE VIEW v AS SELECT a FROM s GROUP BY a', ['s'], ['v']);
      expectTables('CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT a FROM s', ['s'], ['mv'], 'postgres');
      expectTables('CREATE OR REPLACE VIEW v (x, y) AS SELECT a, b FROM s', ['s'], ['v']);
    });
    it('CREATE TABLE … LIKE / CLONE read the other table', () => {
      expectTables('CREATE TABLE t LIKE s', ['s'], ['t'], 'mysql');
      expectTables('CREATE TABLE t CLONE s', ['s'], ['t'], 'snowflake');
    });
    it('CREATE TABLE WITH (options) AS SELECT is not a CTE', () => {
      expectTables("CREATE TABLE bar WITH (format = 'PARQUET', bucket_count = 8) AS SELECT * FROM foo", ['foo'], ['bar'], 'trino');
    });
    it('DROP, ALTER … RENAME and other DDL move no data on their own', () => {
      expectTables('DROP TABLE IF EXISTS t', []);
      expectTables('ALTER TABLE t RENAME TO u', []);
      expectTables('ALTER TABLE t ADD COLUMN c int', []);
      expectTables('CREATE INDEX i ON t (a)', []);
      expectTables('CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM t $$ LANGUAGE sql', [], [], 'postgres');
      expectTables('USE analytics', []);
    });
    it('ALTER TABLE SWAP WITH (Snowflake) and EXCHANGE PARTITION (Hive)', () => {
      expectTables('ALTER TABLE t SWAP WITH t_new', ['t_new'], ['t'], 'snowflake');
      expectTables("ALTER TABLE t EXCHANGE PARTITION (ds='1') WITH TABLE staging", ['staging'], ['t'], 'hive');
    });
    it('SELECT … INTO creates a table (PostgreSQL, T-SQL, Redshift)', () => {
      expectTables("SELECT * INTO recent FROM films WHERE d > '2020-01-01'", ['films'], ['recent'], 'postgres');
      expectTables('SELECT * INTO #tmp FROM dbo.films UNION ALL SELECT * FROM dbo.films_old', ['dbo.films', 'dbo.films_old'], ['#tmp'], 'tsql');
      expectTables('SELECT a INTO TEMP t FROM s', ['s'], ['t'], 'redshift');
    });
  });

  describe('COPY / UNLOAD / paths', () => {
    it('COPY FROM and TO files (PostgreSQL, Redshift)', () => {
      expectTables("COPY t FROM 's3://bucket/key' IAM_ROLE 'arn:aws:iam::1:role/r' CSV", ['path:s3://bucket/key'], ['t'], 'redshift');
      expectTables("COPY t (a, b) FROM '/data/in.csv' WITH (FORMAT csv)", ['path:/data/in.csv'], ['t'], 'postgres');
      expectTables("COPY t TO '/data/out.csv'", ['t'], ['path:/data/out.csv'], 'postgres');
      expectTables("COPY (SELECT * FROM a JOIN b USING (id)) TO '/tmp/x.csv'", ['a', 'b'], ['path:/tmp/x.csv'], 'postgres');
      expectTables('COPY t FROM STDIN', [], ['t'], 'postgres');
    });
    it('Snowflake COPY INTO from stages and URIs, and unloading', () => {
      expectTables("COPY INTO raw.t FROM 's3://bucket/path'", ['path:s3://bucket/path'], ['raw.t'], 'snowflake');
      expectTables('COPY INTO raw.t FROM @my_stage/data/ FILE_FORMAT = (TYPE = CSV)', ['path:@my_stage/data/'], ['raw.t'], 'snowflake');
      expectTables('COPY INTO @out_stage/x FROM (SELECT * FROM orders)', ['orders'], ['path:@out_stage/x'], 'snowflake');
    });
    it('Redshift UNLOAD reads the quoted query', () => {
      expectTables("UNLOAD ('select * from venue where id = ''x''') TO 's3://bucket/unload/' IAM_ROLE 'r'", ['venue'], ['path:s3://bucket/unload/'], 'redshift');
    });
    it('Spark INSERT OVERWRITE DIRECTORY and file tables', () => {
      expectTables("INSERT OVERWRITE DIRECTORY 'hdfs://nn/out' SELECT * FROM t", ['t'], ['path:hdfs://nn/out'], 'sparksql');
      expectTables('SELECT * FROM parquet.`s3://bucket/dir/`', ['path:s3://bucket/dir/'], [], 'databricks');
    });
    it('Hive LOAD DATA and DuckDB file reads', () => {
      expectTables("LOAD DATA INPATH '/user/x/data' OVERWRITE INTO TABLE t", ['path:/user/x/data'], ['t'], 'hive');
      expectTables("SELECT * FROM 'data/events.parquet'", ['path:data/events.parquet'], [], 'duckdb');
      expectTables("CREATE TABLE e AS SELECT * FROM read_csv('in/e.csv', header = true)", ['path:in/e.csv'], ['e'], 'duckdb');
    });
    it('MySQL SELECT … INTO OUTFILE', () => {
      expectTables("SELECT * FROM t INTO OUTFILE '/tmp/t.txt'", ['t'], ['path:/tmp/t.txt'], 'mysql');
    });
    it('BigQuery EXPORT DATA', () => {
      expectTables("EXPORT DATA OPTIONS (uri = 'gs://b/x-*.csv', format = 'CSV') AS SELECT a FROM ds.t", ['ds.t'], ['path:gs://b/x-*.csv'], 'bigquery');
    });
  });

  describe('dialect quoting and syntax', () => {
    it('backticks (MySQL, BigQuery, Hive, Spark, Databricks)', () => {
      for (const d of ['mysql', 'mariadb', 'hive', 'sparksql', 'databricks']) expectTables('SELECT * FROM `db`.`tab`', ['db.tab'], [], d);
      expectTables('SELECT * FROM `proj.dataset.tab`', ['proj.dataset.tab'], [], 'bigquery');
      expectTables('SELECT * FROM `proj`.dataset.tab t', ['proj.dataset.tab'], [], 'bigquery');
    });
    it('double quotes (PostgreSQL, Snowflake, Redshift, DuckDB, Trino)', () => {
      for (const d of ['postgres', 'snowflake', 'redshift', 'duckdb', 'trino', 'athena', 'db2', 'oracle', 'sqlite']) expectTables('SELECT * FROM "My Schema"."Tab"', ['My Schema.Tab'], [], d);
    });
    it('T-SQL brackets, temp tables, hints and db..tab', () => {
      expectTables('SELECT * FROM [dbo].[tab1] WITH (NOLOCK)', ['dbo.tab1'], [], 'tsql');
      expectTables('SELECT * FROM dbname.dto.tablename(NOLOCK)', ['dbname.dto.tablename'], [], 'tsql');
      expectTables('INSERT INTO #staging SELECT * FROM db..src', ['db..src'], ['#staging'], 'tsql');
      expectTables('SELECT TOP 10 * FROM t1 CROSS APPLY (SELECT TOP 1 * FROM t2 WHERE t2.id = t1.id) x', ['t1', 't2'], [], 'tsql');
    });
    it('INSERT without INTO (BigQuery, MySQL, T-SQL)', () => {
      for (const d of ['bigquery', 'mysql', 'tsql']) expectTables('INSERT tab1 SELECT * FROM tab2', ['tab2'], ['tab1'], d);
    });
    it('Hive / Spark / Databricks INSERT OVERWRITE, partitions, LATERAL VIEW, semi/anti joins', () => {
      for (const d of ['hive', 'sparksql', 'databricks']) {
        expectTables("INSERT OVERWRITE TABLE t PARTITION (ds='2024-01-01') SELECT a FROM s", ['s'], ['t'], d);
        expectTables('INSERT INTO TABLE t VALUES (1, 2)', [], ['t'], d);
        expectTables('INSERT OVERWRITE TABLE foo SELECT sc.id, q.item0 FROM bar sc LATERAL VIEW json_tuple(sc.json, \'k1\') q AS item0', ['bar'], ['foo'], d);
        expectTables('INSERT OVERWRITE TABLE foo SELECT sc.id, q.c FROM bar sc LATERAL VIEW OUTER explode(sc.arr) q AS c', ['bar'], ['foo'], d);
        expectTables('SELECT * FROM a LEFT SEMI JOIN b ON (a.k = b.k)', ['a', 'b'], [], d);
        expectTables('SELECT * FROM a LEFT ANTI JOIN b ON a.k = b.k', ['a', 'b'], [], d);
      }
      expectTables('INSERT OVERWRITE t SELECT * FROM s', ['s'], ['t'], 'databricks');
      expectTables('CREATE TABLE t SELECT * FROM s', ['s'], ['t'], 'sparksql');
    });
    it('Hive multi-insert FROM … INSERT … INSERT', () => {
      expectTables('FROM src INSERT OVERWRITE TABLE t1 SELECT a WHERE a > 1 INSERT OVERWRITE TABLE t2 SELECT b', ['src'], ['t1', 't2'], 'hive');
    });
    it('Spark CREATE TABLE with SERDE properties is not a CTE', () => {
      const sql = "CREATE TABLE logs (host STRING, `user` STRING) ROW FORMAT SERDE 'org.x.RegexSerDe' WITH SERDEPROPERTIES (\"input.regex\" = \"([^ ]*) \\\"x\\\"\") STORED AS TEXTFILE";
      expectTables(sql, [], ['logs'], 'hive');
    });
    it('Snowflake FLATTEN, generator and time travel', () => {
      expectTables('SELECT f.value FROM raw.events e, LATERAL FLATTEN(input => e.payload) f', ['raw.events'], [], 'snowflake');
      expectTables('SELECT seq4() FROM TABLE(generator(rowcount => 10)) v', [], [], 'snowflake');
      expectTables("SELECT * FROM orders AT(TIMESTAMP => '2024-01-01'::timestamp)", ['orders'], [], 'snowflake');
    });
    it('BigQuery UNNEST and wildcard tables', () => {
      expectTables('SELECT x FROM `p.d.t`, UNNEST(arr) AS x', ['p.d.t'], [], 'bigquery');
      expectTables('SELECT * FROM `p.d.events_*` WHERE _TABLE_SUFFIX > "2024"', ['p.d.events_*'], [], 'bigquery');
    });
    it('Trino / Athena UNNEST WITH ORDINALITY over VALUES', () => {
      expectTables('SELECT n, a FROM (VALUES (ARRAY[2, 5])) AS x (numbers) CROSS JOIN UNNEST(numbers) WITH ORDINALITY AS t (n, a)', [], [], 'athena');
      expectTables('SELECT * FROM hive.web.clicks c JOIN iceberg.web.users u ON c.uid = u.id', ['hive.web.clicks', 'iceberg.web.users'], [], 'trino');
    });
    it('DuckDB ASOF / POSITIONAL joins and MySQL STRAIGHT_JOIN', () => {
      expectTables('SELECT * FROM trades t ASOF JOIN prices p ON t.sym = p.sym AND t.ts >= p.ts', ['trades', 'prices'], [], 'duckdb');
      expectTables('SELECT * FROM a POSITIONAL JOIN b', ['a', 'b'], [], 'duckdb');
      expectTables('SELECT * FROM a STRAIGHT_JOIN b ON a.id = b.id', ['a', 'b'], [], 'mysql');
    });
    it('MySQL REPLACE INTO and INSERT … ON DUPLICATE KEY', () => {
      expectTables('REPLACE INTO t SELECT * FROM s', ['s'], ['t'], 'mysql');
      expectTables('INSERT INTO t (a) SELECT a FROM s ON DUPLICATE KEY UPDATE a = VALUES(a)', ['s'], ['t'], 'mysql');
    });
    it('SQLite INSERT OR REPLACE', () => {
      expectTables('INSERT OR REPLACE INTO t SELECT * FROM s', ['s'], ['t'], 'sqlite');
    });
    it('PostgreSQL INSERT … ON CONFLICT … RETURNING and ONLY', () => {
      expectTables('INSERT INTO t (id) SELECT id FROM ONLY s ON CONFLICT (id) DO NOTHING RETURNING id', ['s'], ['t'], 'postgres');
    });
    it('Vertica swap_partitions_between_tables moves partitions', () => {
      expectTables("SELECT swap_partitions_between_tables('staging', 'a', 'b', 'target')", ['staging'], ['target']);
    });
    it('Spark CACHE TABLE and other commands have no lineage', () => {
      expectTables('CACHE TABLE c SELECT * FROM s', [], [], 'sparksql');
      expectTables('SET spark.sql.shuffle.partitions=10', [], [], 'sparksql');
      expectTables('REFRESH TABLE t', [], [], 'databricks');
      expectTables('ANALYZE t (a, b)', [], [], 'postgres');
    });
  });

  it('statement kinds', () => {
    const kinds = analyzeScript(
      'SELECT 1 FROM a; INSERT INTO b SELECT 1; UPDATE b SET x = 1; DELETE FROM b; MERGE INTO b USING a ON 1=1 WHEN MATCHED THEN DELETE; CREATE TABLE c AS SELECT 1; CREATE VIEW v AS SELECT 1; ALTER TABLE c RENAME TO d; DROP TABLE d; COPY b TO \'/x\'',
      { dialect: 'postgres' },
    ).statements.map((s) => s.type);
    assert.deepEqual(kinds, ['select', 'insert', 'update', 'delete', 'merge', 'create_table', 'create_view', 'alter_rename', 'drop', 'copy']);
  });
});

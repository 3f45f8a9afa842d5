import { strict as assert } from 'node:assert';
import { classifyScript, classifyStatement } from '../../../src/core/connections/classify';
import { parseConnectionUrl, redactUrl } from '../../../src/core/connections/url';
import { decimalJson, isoTimestamp, jsonValue } from '../../../src/core/connections/values';

const kindOf = (sql: string, d = 'postgres') => {
  const c = classifyStatement(sql, d);
  return `${c.kind}:${c.isWrite ? 'write' : 'read'}`;
};

describe('classifyStatement', () => {
  it('reads', () => {
    assert.equal(kindOf('select 1'), 'select:read');
    assert.equal(kindOf('  -- c\n/* x */ (select 1) union (select 2)'), 'select:read');
    assert.equal(kindOf('with a as (select 1) select * from a'), 'select:read');
    assert.equal(kindOf(`select 'delete from t' as "update"`), 'select:read');
    assert.equal(kindOf('select * from t for update'), 'select:read');
    assert.equal(kindOf('values (1)'), 'select:read');
    assert.equal(kindOf('show search_path'), 'show:read');
    assert.equal(kindOf('explain select 1'), 'explain:read');
    assert.equal(kindOf('set search_path = app'), 'set:read');
    assert.equal(kindOf('begin'), 'transaction:read');
    assert.equal(kindOf('commit'), 'commit:read');
    assert.equal(kindOf('from t select a', 'duckdb'), 'select:read');
    assert.equal(kindOf('summarize t', 'duckdb'), 'summarize:read');
    assert.equal(kindOf('describe t', 'duckdb'), 'describe:read');
    assert.equal(kindOf('call pragma_version()', 'duckdb'), 'call:read');
    assert.equal(kindOf(`attach 'x.db' as x (read_only)`, 'duckdb'), 'attach:read');
    assert.equal(kindOf('copy t to stdout', 'postgres'), 'copy:read');
    assert.equal(kindOf('use warehouse wh', 'snowflake'), 'use:read');
    assert.equal(kindOf('alter session set timezone = \'UTC\'', 'snowflake'), 'alter session:read');
  });

  it('writes, named by kind', () => {
    assert.equal(kindOf('insert into t values (1)'), 'insert:write');
    assert.equal(kindOf('UPDATE t SET a = 1'), 'update:write');
    assert.equal(kindOf('delete from t'), 'delete:write');
    assert.equal(kindOf('merge into t using s on t.id = s.id when matched then delete', 'snowflake'), 'merge:write');
    assert.equal(kindOf('create table t(a int)'), 'create:write');
    assert.equal(kindOf('drop view v'), 'drop:write');
    assert.equal(kindOf('alter table t add b int'), 'alter:write');
    assert.equal(kindOf('truncate t'), 'truncate:write');
    assert.equal(kindOf('grant select on t to u'), 'grant:write');
    assert.equal(kindOf('call p()', 'snowflake'), 'call:write');
    assert.equal(kindOf(`put file:///tmp/x @stage`, 'snowflake'), 'put:write');
    assert.equal(kindOf(`get @stage file:///tmp/`, 'snowflake'), 'get:write');
    assert.equal(kindOf('frobnicate the database'), 'frobnicate:write');
  });

  it('writes hidden in CTEs, functions, EXPLAIN ANALYZE and SELECT INTO', () => {
    assert.equal(kindOf('WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x'), 'delete:write');
    assert.equal(kindOf('with a as (select 1), b as materialized (insert into t select * from a returning *) select 1'), 'insert:write');
    assert.equal(kindOf('explain analyze delete from t'), 'delete:write');
    assert.equal(kindOf('explain (analyze, buffers) update t set a = 1'), 'update:write');
    assert.equal(kindOf('select * into t2 from t'), 'select into:write');
    assert.equal(kindOf(`select lo_export(1, '/tmp/x')`), 'select:write');
    assert.equal(kindOf(`select dblink_exec('db', 'drop table t')`), 'select:write');
    assert.equal(kindOf(`select set_config('default_transaction_read_only', 'off', false)`), 'select:write');
    assert.equal(kindOf(`select set_config('search_path', 'app', false)`), 'select:read');
  });

  it('session guard changes and file writes', () => {
    assert.equal(kindOf('set transaction read write'), 'set:write');
    assert.equal(kindOf('set transaction isolation level serializable'), 'set:read');
    assert.equal(kindOf('SET default_transaction_read_only = off'), 'set:write');
    assert.equal(kindOf('set session default_transaction_read_only to off'), 'set:write');
    assert.equal(kindOf('set session characteristics as transaction read write'), 'set:write');
    assert.equal(kindOf('reset all'), 'reset:write');
    assert.equal(kindOf('start transaction read write'), 'transaction:write');
    assert.equal(kindOf(`copy t to '/tmp/x'`), 'copy:write');
    assert.equal(kindOf(`copy t to program 'rm -rf /'`), 'copy:write');
    assert.equal(kindOf(`copy t from '/tmp/x'`), 'copy:write');
    assert.equal(kindOf(`copy t to 'x.parquet'`, 'duckdb'), 'copy:write');
    assert.equal(kindOf(`export database 'd'`, 'duckdb'), 'export:write');
    assert.equal(kindOf(`attach 'x.db' as x`, 'duckdb'), 'attach:write');
    assert.equal(kindOf('install httpfs', 'duckdb'), 'install:write');
    assert.equal(kindOf('load httpfs', 'duckdb'), 'load:write');
    assert.equal(kindOf('do $$ begin perform 1; end $$'), 'do:write');
  });

  it('classifyScript: any write makes the script a write', () => {
    const s = classifyScript('select 1; drop table t; -- done', 'postgres');
    assert.deepEqual(s.statements.map((x) => x.kind), ['select', 'drop']);
    assert.equal(s.isWrite, true);
    assert.equal(classifyScript('select 1; select 2').isWrite, false);
  });
});

describe('parseConnectionUrl', () => {
  it('duckdb file and memory', () => {
    assert.deepEqual(parseConnectionUrl('duckdb:data/shop.duckdb', { cwd: '/w' }).config, {
      kind: 'duckdb', name: 'DuckDB data/shop.duckdb', path: 'data/shop.duckdb', allowWrites: false, allowedDirectories: ['/w'], cwd: '/w',
    });
    assert.equal((parseConnectionUrl('duckdb::memory:').config as any).path, ':memory:');
    assert.equal((parseConnectionUrl('duckdb:///abs/x.db').config as any).path, '/abs/x.db');
  });

  it('postgres with encoded credentials; the password is a secret, not config', () => {
    const p = parseConnectionUrl('postgresql://al%40ice:p%3Ass@db.example:6543/sales?sslmode=require', { allowWrites: true });
    assert.deepEqual(p.config, {
      kind: 'postgres', name: 'PostgreSQL db.example/sales', host: 'db.example', port: 6543, database: 'sales', user: 'al@ice', sslMode: 'require', connectTimeoutMs: undefined, allowWrites: true,
    });
    assert.deepEqual(p.secrets, { password: 'p:ss' });
    assert.ok(!JSON.stringify(p.config).includes('p:ss'));
    assert.throws(() => parseConnectionUrl('postgres://u@h/db?sslmode=maybe'), /Unknown sslmode/);
  });

  it('snowflake account/db/schema and parameters', () => {
    const p = parseConnectionUrl('snowflake://bob:pw@xy12345.eu-central-1/ANALYTICS/PUBLIC?warehouse=WH&role=READER&accessUrl=http://127.0.0.1:1');
    assert.deepEqual(p.config, {
      kind: 'snowflake', name: 'Snowflake xy12345.eu-central-1', account: 'xy12345.eu-central-1', user: 'bob', auth: 'password', warehouse: 'WH', role: 'READER',
      database: 'ANALYTICS', schema: 'PUBLIC', accessUrl: 'http://127.0.0.1:1', allowWrites: false,
    });
    assert.deepEqual(p.secrets, { password: 'pw' });
    const k = parseConnectionUrl('snowflake://bob:phrase@acct/DB?authenticator=keypair&private_key_file=/k.p8');
    assert.equal((k.config as any).auth, 'keypair');
    assert.deepEqual(k.secrets, { privateKeyPassphrase: 'phrase' });
    assert.equal(k.privateKeyFile, '/k.p8');
  });

  it('rejects unknown schemes without echoing the password', () => {
    assert.throws(() => parseConnectionUrl('mysql://u:secret@h/db'), (e: Error) => /Unsupported connection URL/.test(e.message) && !e.message.includes('secret'));
    assert.equal(redactUrl('postgres://u:secret@h/db'), 'postgres://u:***@h/db');
  });
});

describe('JSON-safe values', () => {
  it('decimals: numbers when exact, else text', () => {
    assert.equal(decimalJson('1.50'), 1.5);
    assert.equal(decimalJson('-0.000'), 0);
    assert.equal(decimalJson('007'), 7);
    assert.equal(decimalJson('12345678901234567890.12'), '12345678901234567890.12');
    assert.equal(decimalJson('0.1'), 0.1);
  });
  it('timestamps become ISO 8601', () => {
    assert.equal(isoTimestamp('2024-01-02 03:04:05'), '2024-01-02T03:04:05');
    assert.equal(isoTimestamp('2024-01-02 03:04:05.123+00'), '2024-01-02T03:04:05.123Z');
    assert.equal(isoTimestamp('2024-01-02 03:04:05+05:30'), '2024-01-02T03:04:05+05:30');
  });
  it('bigints, blobs, non-finite numbers, nested values', () => {
    assert.deepEqual(jsonValue([2n ** 60n, 5n, Buffer.from([1, 2]), NaN, null, { a: [1n] }]), ['1152921504606846976', 5, 'AQI=', 'NaN', null, { a: [1] }]);
  });
});

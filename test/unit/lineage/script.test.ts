/**
 * Whole-script lineage (tables created then read are intermediates; renames are followed; empty tables dropped again
 * leave nothing), dbt Jinja rendering, statement positions, and robustness on hostile input.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeScript, parseDialect, renderJinja, DIALECTS } from '../../../src/core/lineage';

const FIX = join(__dirname, '../../fixtures/lineage');
const sort = (a: string[]) => [...a].sort();

function top(sql: string, dialect = 'ansi') {
  const r = analyzeScript(sql, { dialect });
  return { sources: sort(r.sources), targets: sort(r.targets), intermediates: sort(r.intermediates) };
}

describe('lineage: script semantics', () => {
  it('a table written then read later is an intermediate, not a source or target', () => {
    assert.deepEqual(top('INSERT INTO tab1 SELECT * FROM tab2; INSERT INTO tab3 SELECT * FROM tab1'), { sources: ['tab2'], targets: ['tab3'], intermediates: ['tab1'] });
    assert.deepEqual(top('CREATE TABLE tab_a AS SELECT * FROM tab_b; CREATE TABLE tab_c AS SELECT * FROM tab_a'), { sources: ['tab_b'], targets: ['tab_c'], intermediates: ['tab_a'] });
  });

  it('a table read before it is written is a source (and a target)', () => {
    assert.deepEqual(top('INSERT INTO a SELECT * FROM b; INSERT INTO b SELECT * FROM c'), { sources: ['b', 'c'], targets: ['a', 'b'], intermediates: [] });
  });

  it('a temp table created, used and dropped is an intermediate; the fixture script end to end', () => {
    const sql = readFileSync(join(FIX, 'scripts/etl.sql'), 'utf8');
    const r = analyzeScript(sql, { dialect: 'postgres' });
    assert.deepEqual(r.statements.map((s) => s.type), ['create_table', 'insert', 'drop']);
    assert.deepEqual(sort(r.sources), ['raw.customers', 'raw.orders']);
    assert.deepEqual(r.targets, ['mart.daily_revenue']);
    assert.deepEqual(r.intermediates, ['stage_orders']);
    assert.deepEqual(r.statements[1].columnLineage.map((e) => `${e.source} -> ${e.target}`).sort(), [
      'stage_orders.amount -> mart.daily_revenue.revenue',
      'stage_orders.customer_id -> mart.daily_revenue.customer_id',
    ]);
  });

  it('ALTER … RENAME carries a written table to its new name', () => {
    assert.deepEqual(top('INSERT INTO tab1 SELECT * FROM tab2; ALTER TABLE tab1 RENAME TO tab3;'), { sources: ['tab2'], targets: ['tab3'], intermediates: [] });
    assert.deepEqual(top('CREATE TABLE s AS SELECT * FROM src; ALTER TABLE s RENAME TO t; INSERT INTO u SELECT * FROM t'), { sources: ['src'], targets: ['u'], intermediates: ['t'] });
    assert.deepEqual(top('RENAME TABLE a TO b, c TO d', 'mysql'), { sources: [], targets: [], intermediates: [] });
  });

  it('an empty table created and dropped leaves no lineage; drop then create keeps the target', () => {
    assert.deepEqual(top('CREATE TABLE IF NOT EXISTS tab1 (col1 STRING); DROP TABLE IF EXISTS tab1'), { sources: [], targets: [], intermediates: [] });
    assert.deepEqual(top('DROP TABLE IF EXISTS tab1; CREATE TABLE IF NOT EXISTS tab1 (col1 STRING)'), { sources: [], targets: ['tab1'], intermediates: [] });
  });

  it('T-SQL: GO separates batches; statements without semicolons still count', () => {
    const r = analyzeScript('SELECT * INTO #t FROM src\nGO\nINSERT INTO dst SELECT * FROM #t\ngo', { dialect: 'tsql' });
    assert.equal(r.statements.length, 2);
    assert.deepEqual([r.sources, r.targets, r.intermediates], [['src'], ['dst'], ['#t']]);
    assert.deepEqual(top('insert into tab1 select * from foo\ninsert into tab2 select * from bar', 'tsql'), { sources: ['bar', 'foo'], targets: ['tab1', 'tab2'], intermediates: [] });
  });

  it('names compare case-insensitively across statements but keep their first spelling', () => {
    assert.deepEqual(top('CREATE TABLE Stage AS SELECT * FROM Src; INSERT INTO out SELECT * FROM STAGE'), { sources: ['Src'], targets: ['out'], intermediates: ['Stage'] });
  });

  it('CTE names never leak into script sources', () => {
    assert.deepEqual(top('WITH x AS (SELECT * FROM a) INSERT INTO b SELECT * FROM x; SELECT * FROM b', 'postgres'), { sources: ['a'], targets: [], intermediates: ['b'] });
  });

  it('statement positions point into the original text', () => {
    const sql = 'SELECT 1;\n\n  -- second\n  INSERT INTO t SELECT * FROM s;';
    const r = analyzeScript(sql);
    assert.equal(r.statements.length, 2);
    // A leading comment belongs to its statement (the shared splitter's rule).
    assert.deepEqual({ line: r.statements[1].range.line, column: r.statements[1].range.column }, { line: 2, column: 2 });
    assert.equal(sql.slice(r.statements[1].range.start, r.statements[1].range.end), '-- second\n  INSERT INTO t SELECT * FROM s');
  });

  it('parse problems are positioned in the whole script', () => {
    const sql = 'SELECT 1;\nINSERT INTO t\nSELECT a FROM s WHERE a = = b';
    const st = analyzeScript(sql, { dialect: 'postgres' }).statements[1];
    assert.equal(st.partial, true);
    assert.equal(st.problem?.line, 2);
    assert.ok((st.problem?.column ?? -1) >= 20, `column ${st.problem?.column}`);
  });
});

describe('lineage: dbt Jinja', () => {
  it('ref/source become relation names; config and comments vanish; offsets are kept when they fit', () => {
    const sql = "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }} o join {{ source('raw', 'customers') }} c on o.id = c.id";
    const r = renderJinja(sql);
    assert.equal(r.sql.length, sql.length);
    assert.match(r.sql, /from stg_orders\s+o join raw\.customers\s+c/);
    assert.deepEqual(r.refs.map((x) => `${x.kind}:${x.relation}`), ['ref:stg_orders', 'source:raw.customers']);
  });

  it('two-argument ref names the model; versioned refs too', () => {
    const r = renderJinja("select * from {{ ref('pkg', 'model_a') }}, {{ ref(\"model_b\", v=2) }}");
    assert.deepEqual(r.refs.map((x) => x.relation), ['model_a', 'model_b']);
    assert.deepEqual(r.refs[0].args, ['pkg', 'model_a']);
  });

  it('lineage of a dbt model through Jinja blocks, loops, vars and {{ this }}', () => {
    const sql = readFileSync(join(FIX, 'jaffle/models/marts/orders.sql'), 'utf8');
    const r = analyzeScript(sql, { dialect: 'postgres', thisName: 'orders' });
    assert.equal(r.statements.length, 1);
    assert.deepEqual(sort(r.sources), ['status_labels', 'stg_orders', 'stg_payments']);
    const inc = analyzeScript(readFileSync(join(FIX, 'jaffle/models/staging/stg_payments.sql'), 'utf8'), { thisName: 'stg_payments' });
    // The incremental filter reads the model itself ({{ this }}); both branches of {% if %} are kept.
    assert.deepEqual(sort(inc.sources), ['payments_app.payments', 'stg_payments']);
  });

  it('column lineage across CTEs of a dbt mart model', () => {
    const sql = readFileSync(join(FIX, 'jaffle/models/marts/customers.sql'), 'utf8');
    const st = analyzeScript(sql, { dialect: 'postgres' }).statements[0];
    assert.deepEqual(sort(st.sources), ['stg_customers', 'stg_orders', 'stg_payments']);
    assert.deepEqual(st.ctes, ['customers', 'orders', 'payments', 'customer_orders', 'customer_payments']);
    const got = st.columnLineage.map((e) => `${e.source} -> ${e.target}`).sort();
    assert.deepEqual(got, [
      'stg_customers.customer_id -> customer_id',
      'stg_customers.first_name -> first_name',
      'stg_orders.order_date -> first_order',
      'stg_orders.order_id -> number_of_orders',
      'stg_payments.amount -> customer_lifetime_value',
    ].sort());
  });

  it('macro definitions and set blocks are not part of the query', () => {
    const r = renderJinja("{% macro m(x) %}select * from secret_table{% endmacro %}\n{% set cols %}a, b{% endset %}\nselect 1 from real_table");
    assert.deepEqual(analyzeScript(r.sql).sources, ['real_table']);
  });
});

describe('lineage: dialects and robustness', () => {
  it('accepts every documented dialect name and rejects unknown ones with a clear message', () => {
    for (const d of DIALECTS) assert.equal(parseDialect(d), d);
    assert.equal(parseDialect('PostgreSQL'), 'postgres');
    assert.throws(() => parseDialect('cobol'), /Unknown SQL dialect 'cobol'\. Use one of: ansi, postgres/);
  });

  it('never throws on hostile input', function () {
    this.timeout(30_000); // the first use of each dialect loads its grammar
    const inputs = [
      '',
      ';;;',
      '((((((((((((',
      ')))) SELECT FROM FROM JOIN ON ,,,',
      "SELECT 'unterminated",
      'SELECT "unterminated',
      '/* unterminated comment',
      'INSERT INTO',
      'WITH',
      'WITH a AS (',
      'MERGE INTO',
      'COPY',
      'CREATE TABLE',
      'ALTER TABLE x RENAME TO',
      '{{ ref(',
      '{% if %}',
      'SELECT * FROM a JOIN',
      '\u0000\u0001\u0002 SELECT',
      'SELECT ' + '('.repeat(5000) + '1' + ')'.repeat(5000),
    ];
    for (const sql of inputs) for (const dialect of ['ansi', 'tsql', 'hive', 'bigquery']) assert.doesNotThrow(() => analyzeScript(sql, { dialect }), sql.slice(0, 40));
  });

  it('a very long statement is scanned for tables without the parser', function () {
    this.timeout(10_000);
    const cols = Array.from({ length: 20_000 }, (_, i) => `c${i} + 1 AS x${i}`).join(', ');
    const sql = `INSERT INTO big_out SELECT ${cols} FROM big_in`;
    const t0 = performance.now();
    const st = analyzeScript(sql).statements[0];
    const ms = performance.now() - t0;
    assert.deepEqual([st.sources, st.targets], [['big_in'], ['big_out']]);
    assert.match(st.error ?? '', /longer than/);
    assert.ok(ms < 2000, `${ms} ms`);
  });

  it('honours an aborted signal', () => {
    const ac = new AbortController();
    ac.abort();
    assert.throws(() => analyzeScript('SELECT 1; SELECT 2', { signal: ac.signal }), /Cancelled/);
  });
});

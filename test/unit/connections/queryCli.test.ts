import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

/** The `iopsdata query` contract, run as a real process (tsx on src/cli/main.ts, the same code dist/cli.js bundles). */
const MAIN = resolve(__dirname, '../../../src/cli/main.ts');
const TSX = resolve(__dirname, '../../../node_modules/.bin/tsx');

function cli(args: string[], cwd: string) {
  const r = spawnSync(TSX, [MAIN, 'query', ...args], { cwd, encoding: 'utf8', env: { ...process.env, PGPASSWORD: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('iopsdata query (CLI contract)', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-cli-'));
    writeFileSync(join(dir, 'sales.csv'), 'region,amount\nnorth,10\nsouth,5\nnorth,2.5\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints columns, rows, rowCount and elapsedMs for the last statement', () => {
    const r = cli(['--url', 'duckdb::memory:', '--json', `select 1; select region, sum(amount) total, count(*)::bigint n from 'sales.csv' group by region order by region`], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.columns, [{ name: 'region', type: 'VARCHAR' }, { name: 'total', type: 'DOUBLE' }, { name: 'n', type: 'BIGINT' }]);
    assert.deepEqual(out.rows, [['north', 12.5, 2], ['south', 5, 1]]);
    assert.equal(out.rowCount, 2);
    assert.equal(typeof out.elapsedMs, 'number');
  });

  it('prints an aligned text table without --json', () => {
    const r = cli(['--url', 'duckdb::memory:', `select region, amount from 'sales.csv' order by amount`], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').slice(0, 5), ['region | amount', '-------+-------', 'north  |    2.5', 'south  |      5', 'north  |     10']);
    assert.match(r.stdout, /\(3 rows, \d+ ms\)/);
  });

  it('a refused write exits non-zero with one line naming the read-only connection; nothing written', () => {
    const db = join(dir, 'w.duckdb');
    const created = cli(['--url', `duckdb:${db}`, '--allow-writes', 'create table t(a int); insert into t values (1), (2)'], dir);
    assert.equal(created.code, 0, created.stderr);
    for (const sql of ['delete from t', `copy t to 'out.csv'`, 'select 1; drop table t']) {
      const r = cli(['--url', `duckdb:${db}`, '--json', sql], dir);
      assert.notEqual(r.code, 0, sql);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /read-only/);
    }
    assert.equal(existsSync(join(dir, 'out.csv')), false);
    const count = cli(['--url', `duckdb:${db}`, '--json', 'select count(*) from t'], dir);
    assert.deepEqual(JSON.parse(count.stdout).rows, [[2]]);
  });

  it('bad input: missing URL, unknown scheme, SQL error — one line each, non-zero exit', () => {
    for (const [args, re] of [
      [['select 1'], /Missing --url/],
      [['--url', 'mysql://u:pw@h/db', 'select 1'], /Unsupported connection URL/],
      [['--url', 'duckdb::memory:', 'select * from nope'], /nope/],
    ] as [string[], RegExp][]) {
      const r = cli(args, dir);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  describe('PostgreSQL', () => {
    let pg: PostgresServer;
    before(async () => {
      pg = await startPostgres();
      pg.psql(`create table t(id int, big bigint, price numeric(10,2), at timestamptz, raw bytea); insert into t values (1, 9007199254740993, 1.50, '2024-01-02 03:04:05+00', '\\x0102')`);
    });
    after(async () => pg?.stop());

    it('JSON values: bigint as string when unsafe, decimals, ISO timestamps, base64 bytea', () => {
      const r = cli(['--url', pg.url.replace('postgres://', 'postgresql://'), '--json', 'select * from t'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).rows, [[1, '9007199254740993', 1.5, '2024-01-02T03:04:05Z', 'AQI=']]);
    });

    it('writes hidden in a CTE are refused; --allow-writes runs them', () => {
      const refused = cli(['--url', pg.url, 'with x as (delete from t returning *) select count(*) from x'], dir);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /read-only/);
      assert.equal(pg.psql('select count(*) from t').trim(), '1');
      const ok = cli(['--url', pg.url, '--allow-writes', '--json', `insert into t(id) values (2)`], dir);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).affectedRows, 1);
    });
  });
});

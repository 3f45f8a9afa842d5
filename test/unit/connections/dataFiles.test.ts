import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { dataFileFormat, dataFileGlob, describeFile, excludeGlob, isDataFile, queryFileSql, sqlPathFor } from '../../../src/core/connections/dataFiles';
import { DuckDbConnection, workspaceFilesConnection } from '../../../src/core/connections/duckdb';

describe('workspace data files', () => {
  it('recognises CSV/TSV/Parquet/JSON files, also compressed, and nothing else', () => {
    for (const f of ['a.csv', 'B.CSV', 'c.tsv', 'd.parquet', 'e.pq', 'f.json', 'g.jsonl', 'h.ndjson', 'i.csv.gz', 'j.json.zst']) assert.ok(isDataFile(f), f);
    for (const f of ['a.sql', 'b.csv.bak', 'c.txt', 'd.gz', 'csv', 'e.parquet.tmp']) assert.ok(!isDataFile(f), f);
    assert.equal(dataFileFormat('x.tsv.gz'), 'csv');
    assert.equal(dataFileFormat('x.pq'), 'parquet');
    assert.equal(dataFileFormat('x.ndjson'), 'json');
    assert.equal(dataFileFormat('x.sql'), undefined);
  });

  it('builds a glob that matches exactly the data files', () => {
    const glob = dataFileGlob();
    for (const f of ['data/a.csv', 'b.PARQUET', 'deep/er/c.jsonl.gz']) assert.ok(minimatch(f, glob), f);
    for (const f of ['a.sql', 'b.csv.bak']) assert.ok(!minimatch(f, glob), f);
  });

  it("turns the user's files.exclude into an exclude glob that also skips node_modules", () => {
    const glob = excludeGlob({ '**/.git': true, 'build': true, 'tmp/**': true, 'off/**': false, '**/*.{x,y}': true });
    const excluded = (p: string) => minimatch(p, glob, { dot: true });
    assert.ok(excluded('build/a.csv'));
    assert.ok(excluded('x/build/a.csv'));
    assert.ok(excluded('tmp/q/a.csv'));
    assert.ok(excluded('node_modules/pkg/a.json'));
    assert.ok(excluded('.git/a.json'));
    assert.ok(!excluded('off/a.csv'), 'switched-off patterns do not apply');
    assert.ok(!excluded('data/a.csv'));
    assert.equal(excludeGlob(undefined), '{**/node_modules/**,**/.git/**}');
  });

  it('writes files relative to the workspace root, else absolute, and quotes them', () => {
    assert.equal(sqlPathFor('/ws/data/a.csv', '/ws'), 'data/a.csv');
    assert.equal(sqlPathFor('/other/a.csv', '/ws'), '/other/a.csv');
    assert.equal(sqlPathFor('/ws/a.csv', undefined), '/ws/a.csv');
    assert.equal(queryFileSql("it's.csv", 10), "SELECT *\nFROM 'it''s.csv'\nLIMIT 10;\n");
    assert.equal(queryFileSql('x.pq'), "SELECT *\nFROM read_parquet('x.pq')\nLIMIT 100;\n");
  });

  describe('on the Workspace files connection (real DuckDB)', function () {
    this.timeout(30_000);
    let ws: string;
    let conn: DuckDbConnection;

    before(async () => {
      ws = mkdtempSync(join(tmpdir(), 'iopsdata-datafiles-'));
      mkdirSync(join(ws, 'data'));
      writeFileSync(join(ws, 'data', 'orders.csv'), 'id,city,amount\n1,Oslo,10.5\n2,Rome,\n');
      writeFileSync(join(ws, 'data', 'people.tsv'), 'name\tage\nada\t36\n');
      writeFileSync(join(ws, 'data', 'events.jsonl'), '{"kind":"click","at":"2024-01-02T03:04:05"}\n');
      writeFileSync(join(ws, 'data', 'small.csv'), 'a,b\n1,2\n');
      execFileSync('gzip', [join(ws, 'data', 'small.csv')]);
      // Parquet fixture made by DuckDB itself (a read-write in-memory session, outside the read-only one under test).
      const rw = new DuckDbConnection({ kind: 'duckdb', name: 'rw', path: ':memory:', allowWrites: true });
      await rw.query(`COPY (SELECT 1::INTEGER AS n, 'x' AS s) TO '${join(ws, 'data', 'nums.pq')}' (FORMAT parquet)`);
      await rw.close();
      conn = workspaceFilesConnection([ws]);
    });
    after(async () => {
      await conn.close();
      rmSync(ws, { recursive: true, force: true });
    });

    it('describes the columns of CSV, TSV, gzipped CSV, JSON Lines and Parquet files', async () => {
      assert.deepEqual(await describeFile(conn, join(ws, 'data', 'orders.csv')), [
        { name: 'id', type: 'BIGINT', nullable: true, primaryKey: false },
        { name: 'city', type: 'VARCHAR', nullable: true, primaryKey: false },
        { name: 'amount', type: 'DOUBLE', nullable: true, primaryKey: false },
      ]);
      assert.deepEqual((await describeFile(conn, join(ws, 'data', 'people.tsv'))).map((c) => [c.name, c.type]), [['name', 'VARCHAR'], ['age', 'BIGINT']]);
      assert.deepEqual((await describeFile(conn, join(ws, 'data', 'small.csv.gz'))).map((c) => c.name), ['a', 'b']);
      assert.deepEqual((await describeFile(conn, join(ws, 'data', 'events.jsonl'))).map((c) => [c.name, c.type]), [['kind', 'VARCHAR'], ['at', 'TIMESTAMP']]);
      assert.deepEqual((await describeFile(conn, join(ws, 'data', 'nums.pq'))).map((c) => [c.name, c.type]), [['n', 'INTEGER'], ['s', 'VARCHAR']]);
    });

    it('runs the Query statement by relative path', async () => {
      const r = await conn.query(queryFileSql(sqlPathFor(join(ws, 'data', 'orders.csv'), ws)).replace(/;\n$/, ''));
      assert.deepEqual(r.rows, [[1, 'Oslo', 10.5], [2, 'Rome', null]]);
      const pq = await conn.query(queryFileSql('data/nums.pq').replace(/;\n$/, ''));
      assert.deepEqual(pq.rows, [[1, 'x']]);
    });

    it('gives a clear error for a file outside the workspace', async () => {
      await assert.rejects(describeFile(conn, '/etc/passwd.csv'), (err: Error) => /Permission Error|not allowed|No files found/i.test(err.message));
    });
  });
});

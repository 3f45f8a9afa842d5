/**
 * The single-scan plan (scan.ts) against DuckDB's own row-by-row aggregates on the same file: every statistic
 * derived from the (value, count) groups must equal what quantile_cont, stddev_samp, COUNT(DISTINCT) and a GROUP BY
 * say over every row. Also: files wider than one grouping pass, and duplicate rows across passes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileFile } from '../../../src/core/profiling';
import { openProfileDb } from '../../../src/core/profiling/duckdb';
import { MAX_COLUMNS_PER_PASS } from '../../../src/core/profiling/scan';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('single-scan profile vs row-by-row DuckDB aggregates', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-scan-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('matches quantile_cont, stddev_samp, COUNT(DISTINCT), histograms and top values exactly', async () => {
    const r = lcg(42);
    const lines = ['i,x,s,t'];
    for (let k = 0; k < 20_000; k++) {
      const i = r() < 0.05 ? '' : String(Math.floor(r() * 500) - 100);
      const x = r() < 0.02 ? '' : (r() * 1000 - 250).toFixed(r() < 0.5 ? 2 : 4);
      const s = ['alpha', 'beta', 'Beta', ' gamma', `w${Math.floor(r() * 3000)}`][Math.floor(r() * 5)];
      const t = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 90 * 86400) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      lines.push(`${i},${x},${s},${t}`);
    }
    const path = join(dir, 'exact.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const p = await profileFile(path);
    assert.equal(p.rowCount, 20_000);

    const db = await openProfileDb();
    try {
      const src = `read_csv('${path}')`;
      for (const name of ['i', 'x']) {
        const col = p.columns.find((c) => c.name === name)!;
        const [want] = await db.query(
          `SELECT COUNT(${name}) AS nn, COUNT(DISTINCT ${name}) AS d, AVG(${name}::DOUBLE) AS mean, STDDEV_SAMP(${name}::DOUBLE) AS sd,
                  quantile_cont(${name}::DOUBLE, [0.05, 0.25, 0.5, 0.75, 0.95]) AS q FROM ${src}`,
        );
        assert.equal(col.nullCount, 20_000 - Number(want.nn), name);
        assert.equal(col.distinctCount, Number(want.d), name);
        assert.ok(Math.abs(col.mean! - Number(want.mean)) < 1e-9 * Math.max(1, Math.abs(Number(want.mean))), `${name} mean`);
        assert.ok(Math.abs(col.stddev! - Number(want.sd)) < 1e-9 * Number(want.sd), `${name} sd ${col.stddev} vs ${want.sd}`);
        const q = want.q as number[];
        assert.deepEqual(
          [col.quantiles!.p5, col.quantiles!.p25, col.quantiles!.p50, col.quantiles!.p75, col.quantiles!.p95].map((v) => Math.round(Number(v) * 1e9) / 1e9),
          q.map((v) => Math.round(v * 1e9) / 1e9),
          `${name} quantiles`,
        );
        assert.equal(col.quantileMethod, 'exact');
        const [o] = await db.query(
          `SELECT COUNT(*) AS n FROM ${src} WHERE ${name}::DOUBLE < ${q[1]} - 1.5 * (${q[3]} - ${q[1]}) OR ${name}::DOUBLE > ${q[3]} + 1.5 * (${q[3]} - ${q[1]})`,
        );
        assert.equal(col.outlierCount ?? 0, Number(o.n), `${name} outliers`);
        assert.equal(col.histogram!.reduce((s, b) => s + b.count, 0), Number(want.nn), `${name} histogram total`);
        const top = await db.query(`SELECT ${name} AS v, COUNT(*) AS n FROM ${src} WHERE ${name} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`);
        assert.deepEqual(col.topValues, top.map((t) => ({ value: t.v, count: t.n })), `${name} top values`);
      }
      const s = p.columns.find((c) => c.name === 's')!;
      const [ws] = await db.query(`SELECT COUNT(*) FILTER (WHERE s <> trim(s)) AS ws, COUNT(DISTINCT s) AS d, AVG(length(s)) AS lavg FROM ${src}`);
      assert.equal(s.whitespaceCount, Number(ws.ws));
      assert.equal(s.distinctCount, Number(ws.d));
      assert.ok(Math.abs(s.stringLength!.mean! - Number(ws.lavg)) < 1e-9);
      const t = p.columns.find((c) => c.name === 't')!;
      const [tt] = await db.query(`SELECT MIN(t)::VARCHAR AS lo, MAX(t)::VARCHAR AS hi, COUNT(DISTINCT t) AS d FROM ${src}`);
      assert.deepEqual([String(t.min), String(t.max), t.distinctCount], [tt.lo, tt.hi, Number(tt.d)]);
      assert.equal(t.histogram!.reduce((a, b) => a + b.count, 0), 20_000);
    } finally {
      await db.close();
    }
  });

  it('splits the grouping pass when it does not fit the memory limit, and still counts exactly', async () => {
    // Six columns of 400k distinct values plus the row hash: one pass needs more than 100 MB (it fails with
    // "could not allocate" there), one half of it does not.
    const n = 400_000;
    const path = join(dir, 'unique.csv');
    writeFileSync(path, 'a,b,c,d,e,f\n' + Array.from({ length: n }, (_, i) => `${i},${i * 3},u${i},${(i * 7919) % n},x${i}y,${i / 7}`).join('\n') + '\n');
    const p = await profileFile(path, { memoryLimit: '100MB', threads: 2 });
    assert.equal(p.rowCount, n);
    assert.deepEqual(p.columns.map((c) => c.distinctCount), [n, n, n, n, n, n]);
    assert.equal(p.duplicateRowCount, 0);
    assert.equal(p.columns[3].quantiles?.p50, (n - 1) / 2);
  });

  it('profiles a file wider than one grouping pass, counting duplicate rows over all columns', async () => {
    // 200 columns: seven passes, and more per-column parts than one statement can hold within the memory limit.
    const width = 6 * MAX_COLUMNS_PER_PASS + 8;
    const header = Array.from({ length: width }, (_, j) => `c${j}`).join(',');
    const rows = Array.from({ length: 300 }, (_, k) => Array.from({ length: width }, (_, j) => (k * (j + 1)) % (j + 2)).join(','));
    // Rows equal in the first pass's columns but not in the last column are not duplicates.
    rows.push(rows[0], rows[1], rows[2].replace(/,\d+$/, ',999'));
    const path = join(dir, 'wide.csv');
    writeFileSync(path, [header, ...rows].join('\n') + '\n');
    const p = await profileFile(path);
    assert.equal(p.rowCount, 303);
    assert.equal(p.columns.length, width);
    for (let j = 0; j < width; j++) {
      const distinct = new Set(rows.map((r) => r.split(',')[j])).size;
      assert.equal(p.columns[j].distinctCount, distinct, `c${j}`);
      assert.equal(p.columns[j].nullCount, 0);
    }
    assert.equal(p.duplicateRowCount, 2);
  });
});

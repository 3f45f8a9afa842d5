/**
 * profileFile against real DuckDB on files written here: a small file whose statistics are worked out by hand,
 * the malformed corpus (each case must give findings or a clear one-line error within a time bound), streaming
 * partials, cancellation, compressed inputs and the cache.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, UserError } from '../../../src/core/errors';
import { ProfileCache, profileFile, type FileProfile, type ProfilePhase } from '../../../src/core/profiling';
import { openProfileDb } from '../../../src/core/profiling/duckdb';
import { writeCorpus } from '../../fixtures/profiling/corpus';

const TIME_BOUND_MS = 15_000;

describe('profileFile (real DuckDB)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-profile-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sales = [
    'id,name,amount,city,day',
    '1,Alice,10,Paris,2024-01-01',
    '2,Bob ,20,paris,2024-01-02',
    '3,Carol,30,Paris,2024-01-03',
    '4,Dan,,London,2024-01-04',
    '5,Eve,1000,London,2024-01-05',
    '5,Eve,1000,London,2024-01-05',
  ].join('\n');

  it('computes the statistics worked out by hand', async () => {
    const path = join(dir, 'sales.csv');
    writeFileSync(path, sales + '\n');
    const p = await profileFile(path);
    assert.equal(p.format, 'csv');
    assert.equal(p.rowCount, 6);
    assert.deepEqual(p.columns.map((c) => c.name), ['id', 'name', 'amount', 'city', 'day']);
    assert.equal(p.dialect?.delimiter, ',');
    assert.equal(p.dialect?.header, true);
    const [id, name, amount, city, day] = p.columns;
    assert.equal(id.type, 'BIGINT');
    assert.equal(id.distinctCount, 5);
    assert.equal(id.distinctIsExact, true);
    assert.equal(id.min, 1);
    assert.equal(id.max, 5);
    assert.ok(Math.abs(id.mean! - 20 / 6) < 1e-9);
    // amount: 10, 20, 30, 1000, 1000 and one null.
    assert.equal(amount.nullCount, 1);
    assert.ok(Math.abs(amount.nullPercent - 100 / 6) < 1e-9);
    assert.equal(amount.mean, 2060 / 5);
    assert.equal(amount.quantiles?.p50, 30);
    assert.equal(amount.quantiles?.p25, 20);
    assert.equal(amount.quantiles?.p75, 1000);
    assert.equal(amount.quantileMethod, 'exact');
    assert.deepEqual(amount.topValues[0], { value: 1000, count: 2 });
    const bins = amount.histogram!;
    assert.equal(bins.length, 20);
    assert.equal(bins.reduce((s, b) => s + b.count, 0), 5);
    assert.equal(bins[0].lower, 10);
    assert.equal(bins[19].upper, 1000);
    assert.equal(bins[0].count, 3);
    assert.equal(bins[19].count, 2);
    // Bob has a trailing space; Paris/paris differ only in case.
    assert.equal(name.whitespaceCount, 1);
    assert.deepEqual(name.stringLength, { min: 3, max: 5, mean: (5 + 4 + 5 + 3 + 3 + 3) / 6 });
    assert.deepEqual(city.topValues, [
      { value: 'London', count: 3 },
      { value: 'Paris', count: 2 },
      { value: 'paris', count: 1 },
    ]);
    assert.equal(day.type, 'DATE');
    assert.equal(day.min, '2024-01-01');
    assert.equal(day.histogramUnit, 'epoch-seconds');
    assert.equal(day.histogram!.reduce((s, b) => s + b.count, 0), 6);
    assert.equal(p.duplicateRowCount, 1);
    const kinds = p.findings.map((f) => `${f.kind}:${f.column ?? ''}`);
    assert.ok(kinds.includes('duplicate-rows:'), kinds.join());
    assert.ok(kinds.includes('whitespace:name'), kinds.join());
    assert.ok(kinds.includes('mixed-case:city'), kinds.join());
    assert.ok(!kinds.includes('candidate-key:id'), 'id repeats 5, so it is not a key');
    assert.deepEqual(p.sample.columns, ['id', 'name', 'amount', 'city', 'day']);
    assert.equal(p.sample.rows.length, 6);
    assert.deepEqual(p.sample.rows[1], [2, 'Bob ', 20, 'paris', '2024-01-02']);
  });

  it('flags IQR outliers', async () => {
    const path = join(dir, 'outliers.csv');
    // 1..20 and one 500: p25 = 6, p75 = 16 (exact, interpolated over 21 values) → upper fence 31.
    writeFileSync(path, 'v\n' + [...Array.from({ length: 20 }, (_, i) => i + 1), 500].join('\n') + '\n');
    const p = await profileFile(path);
    const v = p.columns[0];
    assert.equal(v.quantiles?.p25, 6);
    assert.equal(v.quantiles?.p75, 16);
    assert.equal(v.outlierCount, 1);
    assert.ok(p.findings.some((f) => f.kind === 'outliers' && f.column === 'v'));
  });

  it('streams a fast first partial with rows estimate, columns and types, then the full profile', async () => {
    const path = join(dir, 'stream.csv');
    writeFileSync(path, 'a,b\n' + Array.from({ length: 50_000 }, (_, i) => `${i},label${i % 7}`).join('\n') + '\n');
    const seen: { phase: ProfilePhase; p: FileProfile }[] = [];
    const final = await profileFile(path, {}, { onProgress: (phase, p) => seen.push({ phase, p }) });
    assert.deepEqual(
      seen.map((s) => s.phase),
      ['detect', 'detect', 'load', 'stats', 'values', 'histograms', 'done'],
    );
    // The preview from the head alone (before DuckDB is loaded) already has what DuckDB's sniffer finds next.
    const preview = seen[0].p;
    assert.equal(preview.rowCountIsEstimate, true);
    assert.ok(preview.rowCount > 40_000 && preview.rowCount < 60_000, `preview estimate ${preview.rowCount}`);
    assert.deepEqual(preview.columns.map((c) => [c.name, c.type]), [['a', 'BIGINT'], ['b', 'VARCHAR']]);
    assert.equal(preview.sample.rows.length, 0);
    const first = seen[1].p;
    assert.equal(first.rowCountIsEstimate, true);
    assert.ok(first.rowCount > 40_000 && first.rowCount < 60_000, `estimate ${first.rowCount}`);
    assert.deepEqual(first.columns.map((c) => [c.name, c.type]), [['a', 'BIGINT'], ['b', 'VARCHAR']]);
    assert.equal(first.partial, true);
    assert.equal(first.sample.rows.length, 100);
    assert.equal(seen[2].p.rowCount, 50_000);
    assert.equal(seen[2].p.rowCountIsEstimate, false);
    assert.equal(final.partial, false);
    assert.equal(final.columns[1].distinctCount, 7);
  });

  it('cancels: the abort interrupts DuckDB and rejects with CancelledError', async () => {
    const path = join(dir, 'big.csv');
    const lines = ['id,x,s'];
    for (let i = 0; i < 400_000; i++) lines.push(`${i},${(i * 7919) % 100003},s${i % 1000}`);
    writeFileSync(path, lines.join('\n'));
    const ac = new AbortController();
    const started = performance.now();
    const run = profileFile(path, {}, { signal: ac.signal, onProgress: (phase) => phase === 'load' && ac.abort() });
    await assert.rejects(run, (e) => e instanceof CancelledError);
    assert.ok(performance.now() - started < 10_000);
  });

  it('reads zstd-compressed CSV and Parquet', async () => {
    const db = await openProfileDb();
    const zst = join(dir, 'z.csv.zst');
    const pq = join(dir, 'z.parquet');
    try {
      await db.query(`COPY (SELECT range AS n, range % 3 AS m FROM range(1000)) TO '${zst}' (FORMAT csv, HEADER, COMPRESSION zstd)`);
      await db.query(`COPY (SELECT range AS n, 'k' || (range % 4) AS k FROM range(1000)) TO '${pq}' (FORMAT parquet)`);
    } finally {
      await db.close();
    }
    const a = await profileFile(zst);
    assert.equal(a.file?.compression, 'zstd');
    assert.equal(a.rowCount, 1000);
    assert.equal(a.columns[1].distinctCount, 3);
    const b = await profileFile(pq);
    assert.equal(b.format, 'parquet');
    assert.equal(b.rowCount, 1000);
    assert.equal(b.columns[1].distinctCount, 4);
    assert.equal(b.columns[0].max, 999);
  });

  it('re-profiles with a dialect override (header false)', async () => {
    const path = join(dir, 'noheader.csv');
    writeFileSync(path, 'x,y\n1,2\n3,4\n');
    const p = await profileFile(path, { dialect: { header: false } });
    assert.equal(p.rowCount, 3);
    assert.equal(p.dialect?.header, false);
  });

  it('reports a missing file and a directory with one-line errors', async () => {
    await assert.rejects(profileFile(join(dir, 'nope.csv')), (e) => e instanceof UserError && /no such file/.test(e.message));
    await assert.rejects(profileFile(dir), (e) => e instanceof UserError && /directory/.test(e.message));
  });

  it('caches by size and mtime', async () => {
    const path = join(dir, 'cached.csv');
    writeFileSync(path, 'a\n1\n2\n');
    const cache = new ProfileCache();
    const p = await profileFile(path);
    cache.set(path, {}, p);
    assert.equal(await cache.get(path, {}), p);
    assert.equal(await cache.get(path, { dialect: { header: false } }), undefined, 'other options are another entry');
    writeFileSync(path, 'a\n1\n2\n3\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.equal(await cache.get(path, {}), undefined, 'a changed file is profiled again');
  });

  describe('malformed corpus', () => {
    const corpusDir = join(tmpdir(), `iopsdata-corpus-${process.pid}`);
    const cases = writeCorpus(corpusDir);
    after(() => rmSync(corpusDir, { recursive: true, force: true }));
    it('has at least 20 files', () => assert.ok(new Set(cases.map((c) => c.file)).size >= 20));
    for (const c of cases) {
      it(`${c.file}${c.options ? ' ' + JSON.stringify(c.options) : ''}: ${c.error ? 'clear error' : (c.findings ?? []).join(', ') || 'profiles'}`, async () => {
        const started = performance.now();
        let profile: FileProfile | undefined;
        let error: unknown;
        try {
          profile = await profileFile(join(corpusDir, c.file), c.options as never);
        } catch (err) {
          error = err;
        }
        assert.ok(performance.now() - started < TIME_BOUND_MS, 'within the time bound');
        if (c.error) {
          assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
          assert.match(error.message, c.error);
          assert.ok(!error.message.includes('\n'), 'one line');
          return;
        }
        assert.equal(error, undefined, String(error));
        const kinds = profile!.findings.map((f) => f.kind);
        for (const k of c.findings ?? []) assert.ok(kinds.includes(k as never), `${k} in ${kinds.join(',')}`);
        if (c.rows !== undefined) assert.equal(profile!.rowCount, c.rows);
        if (c.columns) assert.deepEqual(profile!.columns.map((x) => x.name), c.columns);
      });
    }
  });

  it('gives rejected line numbers and the lines themselves', async () => {
    const path = join(dir, 'rej.csv');
    writeFileSync(path, 'a,b\n1,2\n3,4,5\n6,7\n');
    const p = await profileFile(path);
    const f = p.findings.find((x) => x.kind === 'rejected-rows')!;
    assert.deepEqual(f.lines, [3]);
    assert.deepEqual(f.examples, ['3,4,5']);
    assert.equal(p.rejectedRowCount, 1);
  });

  it('decodes Latin-1 and UTF-16 values', async () => {
    const corpusDir = join(dir, 'enc');
    writeCorpus(corpusDir);
    const l = await profileFile(join(corpusDir, 'latin1.csv'));
    assert.equal(l.dialect?.encoding, 'latin-1');
    assert.deepEqual(l.sample.rows.map((r) => r[1]), ['Montréal', 'Zürich']);
    const u = await profileFile(join(corpusDir, 'utf16.csv'));
    assert.deepEqual(u.sample.rows.map((r) => r[1]), ['alpha', 'beta']);
  });
});

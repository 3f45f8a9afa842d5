/**
 * `iopsdata profile` as a process (the CLI source run with tsx): the --json contract fields, dialect flags, and a
 * one-line reason with a non-zero exit for a file that cannot be read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'profile', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('iopsdata profile (CLI)', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-cli-profile-'));
    writeFileSync(join(dir, 'p.csv'), 'k|v\na|1\nb|2\nb|\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON contract', () => {
    const r = cli([join(dir, 'p.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.path, join(dir, 'p.csv'));
    assert.equal(doc.format, 'csv');
    assert.equal(doc.rowCount, 3);
    const [k, v] = doc.columns;
    assert.deepEqual(Object.keys(k).slice(0, 12), ['name', 'type', 'nullCount', 'distinctCount', 'distinctIsExact', 'min', 'max', 'mean', 'stddev', 'quantiles', 'histogram', 'topValues']);
    assert.deepEqual([k.name, k.distinctCount, k.distinctIsExact, k.topValues[0]], ['k', 2, true, { value: 'b', count: 2 }]);
    assert.equal(k.mean, null);
    assert.equal(k.quantiles, null);
    assert.equal(k.histogram, null);
    assert.deepEqual([v.nullCount, v.min, v.max, v.mean], [1, 1, 2, 1.5]);
    assert.deepEqual(Object.keys(v.quantiles), ['p5', 'p25', 'p50', 'p75', 'p95']);
    assert.deepEqual(v.histogram, [
      { lower: 1, upper: 2, count: 1 },
      { lower: 2, upper: 3, count: 1 },
    ]);
    assert.ok(Array.isArray(doc.findings));
    for (const f of doc.findings) assert.deepEqual([typeof f.kind, typeof f.message], ['string', 'string']);
  });

  it('honours --delimiter and --header', () => {
    const r = cli([join(dir, 'p.csv'), '--json', '--delimiter', ',', '--header', 'false']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.columns.length, 1);
    assert.equal(doc.rowCount, 4);
    assert.ok(doc.findings.some((f: { kind: string }) => f.kind === 'single-column'));
  });

  it('exits non-zero with one line for an unreadable file', () => {
    const r = cli([join(dir, 'missing.csv'), '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /no such file/);
    const bad = cli([join(dir, 'p.csv'), '--header', 'maybe']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--header must be true or false/);
  });
});

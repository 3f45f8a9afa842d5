/** The CLI contract: `iopsdata lineage … --json` and `iopsdata graph … --json`, run as a real process. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function cli(args: string[], input?: string) {
  const r = spawnSync(TSX, [join(ROOT, 'src/cli/main.ts'), ...args], { input, encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lineage: CLI contract', function () {
  this.timeout(60_000);

  it('lineage --json has exactly the contract fields', () => {
    const sql = 'CREATE TABLE stage AS SELECT id, amount FROM raw.orders;\nINSERT INTO mart.totals (id, total) SELECT id, sum(amount) FROM stage GROUP BY id;\nINSERT INTO mart.t SELECT k FROM src WHERE k = = 1';
    const r = cli(['lineage', '-', '--dialect', 'postgres', '--json'], sql);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['dialect', 'statements', 'sources', 'targets', 'intermediates']);
    assert.equal(out.dialect, 'postgres');
    assert.deepEqual(Object.keys(out.statements[0]), ['index', 'type', 'sources', 'targets', 'ctes', 'columnLineage']);
    assert.deepEqual(out.statements[1], {
      index: 1,
      type: 'insert',
      sources: ['stage'],
      targets: ['mart.totals'],
      ctes: [],
      columnLineage: [
        { source: 'stage.id', target: 'mart.totals.id' },
        { source: 'stage.amount', target: 'mart.totals.total' },
      ],
    });
    assert.equal(typeof out.statements[2].error, 'string');
    assert.deepEqual(out.sources, ['raw.orders', 'src']);
    assert.deepEqual(out.targets, ['mart.totals', 'mart.t']);
    assert.deepEqual(out.intermediates, ['stage']);
  });

  it('reads a file, defaults to ansi, and rejects unknown dialects in one line', () => {
    const ok = cli(['lineage', 'test/fixtures/lineage/scripts/publish.sql', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).dialect, 'ansi');
    const bad = cli(['lineage', 'x.sql', '--dialect', 'klingon', '--json']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr.trim(), /^iopsdata lineage: error: Unknown SQL dialect 'klingon'\. Use one of: .*oracle\.$/);
    const missing = cli(['lineage', 'no/such/file.sql', '--json']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Cannot read no\/such\/file\.sql: no such file/);
  });

  it('--schema expands SELECT * and rejects a file that is not table → column names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-lineage-cli-'));
    try {
      writeFileSync(join(dir, 'good.json'), JSON.stringify({ 'raw.orders': ['id', 'amount'] }));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ 'raw.orders': 'id, amount' }));
      const ok = cli(['lineage', '-', '--dialect', 'postgres', '--schema', join(dir, 'good.json'), '--json'], 'INSERT INTO mart.o SELECT * FROM raw.orders');
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(JSON.parse(ok.stdout).statements[0].columnLineage, [
        { source: 'raw.orders.id', target: 'mart.o.id' },
        { source: 'raw.orders.amount', target: 'mart.o.amount' },
      ]);
      const bad = cli(['lineage', '-', '--schema', join(dir, 'bad.json'), '--json'], 'SELECT 1');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /must be JSON like \{"db\.table": \["col1", "col2"\]\}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('graph --json prints nodes and edges with dbt ids', () => {
    const r = cli(['graph', 'test/fixtures/lineage/jaffle', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(g), ['nodes', 'edges']);
    assert.deepEqual(g.nodes.find((n: { id: string }) => n.id === 'model.stg_orders'), { id: 'model.stg_orders', kind: 'model', path: 'models/staging/stg_orders.sql' });
    assert.ok(g.edges.some((e: { from: string; to: string }) => e.from === 'source.raw.orders' && e.to === 'model.stg_orders'));
    assert.ok(g.edges.some((e: { from: string; to: string }) => e.from === 'seed.status_labels' && e.to === 'model.orders'));
  });
});

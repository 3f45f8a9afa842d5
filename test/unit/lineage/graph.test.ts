/** dbt project graph (models, sources, seeds, refs), manifest merge, plain-SQL folders and the per-file cache. */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProjectGraph, ProjectGraphCache } from '../../../src/core/lineage/dbt';
import { parseYamlLite } from '../../../src/core/lineage/yamlLite';

const FIX = join(__dirname, '../../fixtures/lineage');
const edgeList = (g: { edges: Array<{ from: string; to: string }> }) => g.edges.map((e) => `${e.from} -> ${e.to}`).sort();

describe('lineage: project graph', () => {
  it('builds the jaffle-shop model DAG from refs, sources.yml and seeds', async () => {
    const g = await buildProjectGraph(join(FIX, 'jaffle'));
    assert.equal(g.isDbt, true);
    assert.deepEqual(g.nodes.map((n) => `${n.kind}:${n.id}`).sort(), [
      'model:model.customers',
      'model:model.finance_summary',
      'model:model.orders',
      'model:model.stg_customers',
      'model:model.stg_orders',
      'model:model.stg_payments',
      'seed:seed.status_labels',
      'source:source.payments_app.payments',
      'source:source.raw.customers',
      'source:source.raw.orders',
    ]);
    assert.deepEqual(edgeList(g), [
      'model.customers -> model.finance_summary',
      'model.stg_customers -> model.customers',
      'model.stg_orders -> model.customers',
      'model.stg_orders -> model.orders',
      'model.stg_payments -> model.customers',
      'model.stg_payments -> model.orders',
      'seed.status_labels -> model.orders',
      'source.payments_app.payments -> model.stg_payments',
      'source.raw.customers -> model.stg_customers',
      'source.raw.orders -> model.stg_orders',
    ]);
    assert.equal(g.nodes.find((n) => n.id === 'model.orders')?.path, 'models/marts/orders.sql');
    assert.equal(g.nodes.find((n) => n.id === 'source.raw.orders')?.path, 'models/staging/sources.yml');
  });

  describe('with a scratch copy', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'iopsdata-lineage-'));
      cpSync(join(FIX, 'jaffle'), dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('re-analyses only the edited file, and sees the new edge', async () => {
      const cache = new ProjectGraphCache();
      await buildProjectGraph(dir, { cache });
      const first = cache.analysed;
      assert.equal(first, 7); // 6 models + 1 sources.yml
      await buildProjectGraph(dir, { cache });
      assert.equal(cache.analysed, first, 'nothing changed, nothing re-read');
      const file = join(dir, 'models/marts/finance_summary.sql');
      writeFileSync(file, "select * from {{ ref('customers') }} join {{ ref('orders') }} using (customer_id)");
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const g = await buildProjectGraph(dir, { cache });
      assert.equal(cache.analysed, first + 1);
      assert.ok(edgeList(g).includes('model.orders -> model.finance_summary'));
    });

    it('honours model-paths and merges target/manifest.json (package models)', async () => {
      mkdirSync(join(dir, 'transform'));
      cpSync(join(dir, 'models'), join(dir, 'transform'), { recursive: true });
      rmSync(join(dir, 'models'), { recursive: true });
      writeFileSync(join(dir, 'dbt_project.yml'), "name: x\nmodel-paths:\n  - transform\nseed-paths: ['seeds']\n");
      mkdirSync(join(dir, 'target'));
      writeFileSync(join(dir, 'target/manifest.json'), JSON.stringify({
        nodes: {
          'model.utils.calendar': { name: 'calendar', original_file_path: 'models/calendar.sql', depends_on: { nodes: [] } },
          'model.x.orders': { name: 'orders', original_file_path: 'transform/marts/orders.sql', depends_on: { nodes: ['model.utils.calendar', 'model.x.stg_orders'] } },
          'test.x.not_null': { name: 'not_null', depends_on: { nodes: ['model.x.orders'] } },
        },
        sources: {},
      }));
      const g = await buildProjectGraph(dir);
      assert.ok(g.nodes.some((n) => n.id === 'model.calendar'));
      assert.ok(edgeList(g).includes('model.calendar -> model.orders'));
      assert.ok(g.nodes.every((n) => !n.id.startsWith('test.')));
      assert.equal(g.nodes.find((n) => n.id === 'model.orders')?.path, 'transform/marts/orders.sql');
    });
  });

  it('a folder of plain SQL scripts becomes a table graph', async () => {
    const g = await buildProjectGraph(join(FIX, 'scripts'));
    assert.equal(g.isDbt, false);
    assert.deepEqual(edgeList(g), [
      'table.mart.daily_revenue -> table.reporting.revenue_by_region',
      'table.raw.customers -> table.mart.daily_revenue',
      'table.raw.customers -> table.reporting.revenue_by_region',
      'table.raw.orders -> table.stage_orders',
      'table.stage_orders -> table.mart.daily_revenue',
    ]);
    assert.ok(g.nodes.every((n) => n.kind === 'table'));
  });

  it('a missing directory is a clear error', async () => {
    await assert.rejects(buildProjectGraph(join(FIX, 'nope')), /No such directory/);
  });

  it('reads the YAML subset dbt uses', () => {
    const doc = parseYamlLite("version: 2\nsources:\n  - name: raw # comment\n    tables:\n      - name: 'a'\n      - name: \"b\"\n    meta: {x: 1}\n  - name: other\n    tables: []\nmodel-paths: [\"m1\", 'm2']\n");
    assert.deepEqual(doc, {
      version: '2',
      sources: [
        { name: 'raw', tables: [{ name: 'a' }, { name: 'b' }], meta: '{x: 1}' },
        { name: 'other', tables: [] },
      ],
      'model-paths': ['m1', 'm2'],
    });
  });
});

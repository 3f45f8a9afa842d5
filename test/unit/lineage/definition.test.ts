/** Where "click a node to open its definition" lands in the SQL text (src/features/lineage/definition.ts). */
import { strict as assert } from 'node:assert';
import { definitionOffset } from '../../../src/features/lineage/definition';

const SQL = `WITH recent AS (select * from raw.orders)
INSERT INTO "mart"."totals" SELECT * FROM recent JOIN [dbo].[x] ON 1=1;
select 1 from orders_v2;
select * from {{ ref('stg_orders') }};`;

const at = (label: string, kind: string, from = 0) => {
  const o = definitionOffset(SQL, label, kind, from);
  return o === undefined ? undefined : SQL.slice(o, o + label.length + 4);
};

describe('lineage: node definitions in the text', () => {
  it('finds a CTE at its definition, not at its use', () => {
    assert.equal(at('recent', 'cte'), 'recent AS ');
  });
  it('finds qualified and quoted names as written', () => {
    assert.equal(at('raw.orders', 'source'), 'raw.orders)\nIN');
    assert.equal(at('mart.totals', 'target'), '"mart"."totals"');
    assert.equal(at('dbo.x', 'source'), '[dbo].[x]');
  });
  it('matches whole words only, and a dbt ref by its model name', () => {
    assert.equal(at('orders_v2', 'source'), 'orders_v2;\nse');
    assert.equal(at('stg_orders', 'model'), "stg_orders') }");
    assert.equal(definitionOffset('select * from orders_v2', 'orders', 'source', 0), undefined);
  });
  it('searches from the statement first, then from the top', () => {
    const text = 'select a from t;\ninsert into t select 1;';
    assert.equal(definitionOffset(text, 't', 'target', text.indexOf('insert')), text.indexOf('t select'));
    assert.equal(definitionOffset(text, 't', 'source', text.length), text.indexOf('t;'));
  });
  it('gives nothing for query results and unknown names', () => {
    assert.equal(definitionOffset(SQL, 'query #1 result', 'result', 0), undefined);
    assert.equal(definitionOffset(SQL, 'nowhere', 'source', 0), undefined);
  });
});

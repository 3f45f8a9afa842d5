import { strict as assert } from 'node:assert';
import { specForKind, type ChartSpec } from '../../../src/core/charts';

describe('charts: switching kind in the editor', () => {
  const cols = [
    { name: 'day', type: 'DATE' },
    { name: 'region', type: 'VARCHAR' },
    { name: 'sales', type: 'DOUBLE' },
    { name: 'units', type: 'INTEGER' },
  ];
  const rows = [
    ['2024-01-01', 'EU', 1, 2],
    ['2024-01-02', 'US', 3, 4],
  ];
  const line: ChartSpec = { kind: 'line', x: 'day', y: ['sales', 'units'], series: undefined, aggregation: 'sum' };

  it('line → bar keeps x and the measures', () => {
    assert.deepEqual(specForKind(line, 'bar', cols, rows), { kind: 'bar', x: 'day', y: ['sales', 'units'], series: undefined, aggregation: 'sum', reason: undefined });
  });
  it('line → pie takes a category for x, one measure, and sums', () => {
    const s = specForKind({ ...line, aggregation: 'none' }, 'pie', cols, rows);
    assert.deepEqual([s.x, s.y, s.aggregation], ['region', ['sales'], 'sum']);
  });
  it('line → scatter puts two measures on the axes', () => {
    const s = specForKind(line, 'scatter', cols, rows);
    assert.deepEqual([s.x, s.y, s.aggregation], ['sales', ['units'], 'none']);
  });
  it('→ histogram of the first measure, → KPI sums several rows', () => {
    assert.deepEqual(specForKind(line, 'histogram', cols, rows), { kind: 'histogram', y: ['sales'], aggregation: 'count', reason: undefined });
    const k = specForKind({ ...line, aggregation: 'none' }, 'kpi', cols, rows);
    assert.deepEqual([k.y, k.aggregation], [['sales', 'units'], 'sum']);
  });
  it('a result without numbers switches to counts', () => {
    const c = [{ name: 'status', type: 'VARCHAR' }];
    const s = specForKind({ kind: 'table', y: [], aggregation: 'none' }, 'bar', c, [['ok'], ['ok']]);
    assert.deepEqual([s.x, s.y, s.aggregation], ['status', [], 'count']);
  });
});

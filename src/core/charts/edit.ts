/**
 * Switching chart kind in the editor: keep what still fits (x, measures, series, aggregation) and fill what the
 * new kind needs from the result's columns, so every switch draws something instead of an empty frame.
 */
import { profileColumns } from './columns';
import type { ChartColumn, ChartKind, ChartSpec, ColumnProfile } from './types';

export function specForKind(current: ChartSpec, kind: ChartKind, columns: ChartColumn[], sampleRows: unknown[][]): ChartSpec {
  if (kind === current.kind) return current;
  const p = profileColumns(columns, sampleRows);
  const byName = new Map(p.map((c) => [c.name, c]));
  const numeric = p.filter((c) => c.role === 'numeric');
  const isNum = (n: string | undefined) => n !== undefined && byName.get(n)?.role === 'numeric';
  const keptY = current.y.filter(isNum);
  const firstOf = (...groups: ColumnProfile[][]) => groups.flat()[0]?.name;
  const xCandidate = (roles: ColumnProfile['role'][]) =>
    current.x && roles.includes(byName.get(current.x)?.role ?? 'empty') ? current.x : firstOf(...roles.map((r) => p.filter((c) => c.role === r)));
  const reason = undefined;
  switch (kind) {
    case 'line':
    case 'bar': {
      const x = xCandidate(kind === 'line' ? ['temporal', 'numeric', 'categorical'] : ['categorical', 'temporal', 'numeric']);
      const y = (keptY.length ? keptY : numeric.map((c) => c.name)).filter((n) => n !== x).slice(0, 5);
      if (y.length === 0) return { kind, x, y: [], aggregation: 'count', reason };
      const aggregation = current.aggregation === 'count' && current.y.length === 0 ? 'sum' : current.aggregation;
      return { kind, x, y, series: current.series !== x ? current.series : undefined, aggregation, reason };
    }
    case 'pie': {
      // Slices of days are rarely meant: keep x only when it is a category.
      const x = xCandidate(['categorical']) ?? xCandidate(['temporal']);
      const y = keptY.length ? [keptY[0]] : numeric.length ? [numeric[0].name] : [];
      return { kind, x, y, aggregation: y.length === 0 ? 'count' : current.aggregation === 'none' || current.aggregation === 'count' ? 'sum' : current.aggregation, reason };
    }
    case 'scatter': {
      const x = isNum(current.x) ? current.x : firstOf(numeric);
      const y = [...keptY, ...numeric.map((c) => c.name)].filter((n) => n !== x).slice(0, 1);
      return { kind, x, y, series: current.series, aggregation: 'none', reason };
    }
    case 'histogram': {
      const y = keptY.length ? [keptY[0]] : isNum(current.x) ? [current.x!] : numeric.length ? [numeric[0].name] : [];
      return { kind, y, aggregation: 'count', reason };
    }
    case 'kpi': {
      const y = keptY.length ? keptY : numeric.map((c) => c.name).slice(0, 6);
      const aggregation = sampleRows.length > 1 ? (current.aggregation === 'none' ? 'sum' : current.aggregation) : 'none';
      return { kind, y, aggregation, reason };
    }
    default:
      return { kind: 'table', y: [], aggregation: 'none', reason };
  }
}

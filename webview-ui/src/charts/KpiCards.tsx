/** KPI cards: plain React text, so they are selectable, theme-coloured and need no chart library. */
import type { KpiData } from '../../../src/core/charts/types';
import { formatValue } from './format';

export function KpiCards({ data }: { data: KpiData }) {
  return (
    <div className="chart-kpis" role="list">
      {data.values.map((v, i) => (
        <div className="chart-kpi" role="listitem" key={`${i}:${v.name}`}>
          <div className="chart-kpi-value">{formatValue(v.value)}</div>
          <div className="chart-kpi-label">{v.name}</div>
        </div>
      ))}
    </div>
  );
}

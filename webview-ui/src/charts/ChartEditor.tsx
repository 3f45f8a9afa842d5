/** The chart editor: kind, x, measures, series, aggregation (and bins), built only from the shell's toolkit wrappers. */
import { AGGREGATIONS, type Aggregation, type ChartKind, type ChartSpec, type ColumnProfile } from '../../../src/core/charts/types';
import { Checkbox, Dropdown } from '../shell';

const KIND_LABELS: Record<ChartKind, string> = {
  line: 'Line',
  bar: 'Bar',
  pie: 'Pie',
  scatter: 'Scatter',
  kpi: 'KPI',
  histogram: 'Histogram',
  table: 'No chart',
};
const NONE = '\u0000none';

export interface ChartEditorProps {
  spec: ChartSpec;
  profiles: ColumnProfile[];
  onKind: (kind: ChartKind) => void;
  onChange: (spec: ChartSpec) => void;
}

export function ChartEditor({ spec, profiles, onKind, onChange }: ChartEditorProps) {
  const all = profiles.map((p) => ({ value: p.name, label: p.name }));
  const numeric = profiles.filter((p) => p.role === 'numeric');
  const categories = profiles.filter((p) => p.role === 'categorical' || p.role === 'temporal');
  const k = spec.kind;
  const usesX = k === 'line' || k === 'bar' || k === 'pie' || k === 'scatter';
  const singleY = k === 'pie' || k === 'histogram' || k === 'scatter';
  const usesSeries = k === 'line' || k === 'bar' || k === 'scatter';
  const usesAgg = k === 'line' || k === 'bar' || k === 'pie' || k === 'kpi';
  const xOptions = k === 'scatter' ? numeric.map((p) => ({ value: p.name, label: p.name })) : all;
  // The toolkit dropdown also fires `change` when it selects its initial option: only real changes count.
  const set = (patch: Partial<ChartSpec>) => {
    const changed = (Object.keys(patch) as (keyof ChartSpec)[]).some((k) => JSON.stringify(patch[k]) !== JSON.stringify(spec[k]));
    if (changed) onChange({ ...spec, ...patch, reason: undefined });
  };
  // Checkboxes also fire `change` when their state is set from props; measures stay in column order.
  const toggleY = (name: string, on: boolean) => {
    if (on === spec.y.includes(name)) return;
    const next = on ? profiles.map((p) => p.name).filter((n) => n === name || spec.y.includes(n)) : spec.y.filter((y) => y !== name);
    set({ y: next });
  };

  return (
    <div className="chart-editor" aria-label="Chart settings">
      <label className="chart-field">
        <span>Chart</span>
        <Dropdown id="chart-kind" value={k} onChange={(v) => v !== k && onKind(v as ChartKind)} options={(Object.keys(KIND_LABELS) as ChartKind[]).map((v) => ({ value: v, label: KIND_LABELS[v] }))} />
      </label>
      {usesX && (
        <label className="chart-field">
          <span>{k === 'pie' ? 'Slices' : 'X'}</span>
          <Dropdown id="chart-x" value={spec.x ?? NONE} onChange={(v) => set({ x: v === NONE ? undefined : v })} options={[{ value: NONE, label: '(choose)' }, ...xOptions]} />
        </label>
      )}
      {singleY && (
        <label className="chart-field">
          <span>{k === 'histogram' ? 'Column' : 'Y'}</span>
          <Dropdown
            id="chart-y"
            value={spec.y[0] ?? NONE}
            onChange={(v) => set({ y: v === NONE ? [] : [v] })}
            options={[{ value: NONE, label: k === 'pie' ? '(row count)' : '(choose)' }, ...numeric.map((p) => ({ value: p.name, label: p.name }))]}
          />
        </label>
      )}
      {!singleY && k !== 'table' && (
        <fieldset className="chart-field chart-measures">
          <legend>{k === 'kpi' ? 'Values' : 'Y'}</legend>
          {numeric.length === 0 && <span className="chart-muted">no numeric columns (counting rows)</span>}
          {numeric.map((p) => (
            <Checkbox key={p.name} checked={spec.y.includes(p.name)} onChange={(on) => toggleY(p.name, on)}>
              {p.name}
            </Checkbox>
          ))}
        </fieldset>
      )}
      {usesSeries && (
        <label className="chart-field">
          <span>Series</span>
          <Dropdown
            id="chart-series"
            value={spec.series ?? NONE}
            onChange={(v) => set({ series: v === NONE ? undefined : v })}
            options={[{ value: NONE, label: '(none)' }, ...categories.filter((p) => p.name !== spec.x).map((p) => ({ value: p.name, label: p.name }))]}
          />
        </label>
      )}
      {usesAgg && (
        <label className="chart-field">
          <span>Aggregate</span>
          <Dropdown id="chart-agg" value={spec.aggregation} onChange={(v) => set({ aggregation: v as Aggregation })} options={AGGREGATIONS.map((a) => ({ value: a, label: a }))} />
        </label>
      )}
      {k === 'histogram' && (
        <label className="chart-field">
          <span>Bins</span>
          <Dropdown
            id="chart-bins"
            value={String(spec.bins ?? 'auto')}
            onChange={(v) => set({ bins: v === 'auto' ? undefined : Number(v) })}
            options={['auto', '5', '10', '20', '50', '100'].map((b) => ({ value: b, label: b }))}
          />
        </label>
      )}
    </div>
  );
}

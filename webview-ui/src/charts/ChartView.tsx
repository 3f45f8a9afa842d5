/**
 * A chart of a query result: suggests a chart, lets the user edit it, draws it with ECharts in the VS Code theme,
 * and exports PNG/SVG through the host. Embedded by the results grid ("Chart" tab) and the Ask panel; also the
 * standalone `charts` app.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { aggregateForChart } from '../../../src/core/charts/aggregate';
import { profileColumns } from '../../../src/core/charts/columns';
import { specForKind } from '../../../src/core/charts/edit';
import { suggestChart } from '../../../src/core/charts/suggest';
import type { ChartColumn, ChartData, ChartKind, ChartSpec } from '../../../src/core/charts/types';
import type { ExportChartMessage } from '../../../src/shared/protocol/charts';
import { Button, postToHost, useThemeKind } from '../shell';
import { ChartEditor } from './ChartEditor';
import { EChart, renderForExport, type EChartHandle } from './EChart';
import { KpiCards } from './KpiCards';
import { buildChartOption } from './option';
import { readPalette } from './palette';
import './charts.css';

export interface ChartViewProps {
  columns: ChartColumn[];
  rows: unknown[][];
  /** A saved spec; otherwise one is suggested from the data. */
  initialSpec?: ChartSpec;
  /** Called after every user edit (not for the initial suggestion). */
  onSpecChange?: (spec: ChartSpec) => void;
  /** Used for export file names. */
  title?: string;
  /** Hide the editor, keeping only the export buttons (e.g. a compact inline chart in the Ask panel). */
  showEditor?: boolean;
}

/** Rows the suggestion and the editor look at: enough to see types and cardinality, cheap on a million rows. */
const SAMPLE_ROWS = 2000;

export function ChartView({ columns: columnsProp, rows, initialSpec, onSpecChange, title, showEditor = true }: ChartViewProps) {
  // A different result shape (another query) starts from its own spec; the same shape keeps the user's edits.
  const shape = columnsProp.map((c) => `${c.name}\u0000${c.type}`).join('\u0001');
  // Parents may rebuild an equal columns array on every render; only a new shape should recompute the chart.
  const columns = useMemo(() => columnsProp, [shape]);
  const sample = useMemo(() => (rows.length > SAMPLE_ROWS ? rows.slice(0, SAMPLE_ROWS) : rows), [rows]);
  const suggested = useMemo(() => suggestChart(columns, sample), [columns, sample]);
  const profiles = useMemo(() => profileColumns(columns, sample), [columns, sample]);
  const [state, setState] = useState<{ shape: string; spec: ChartSpec }>({ shape, spec: initialSpec ?? suggested });
  let spec = state.spec;
  if (state.shape !== shape) {
    spec = initialSpec ?? suggested;
    setState({ shape, spec });
  }
  const edit = (next: ChartSpec) => {
    setState({ shape, spec: next });
    onSpecChange?.(next);
  };

  const data: ChartData = useMemo(() => {
    try {
      return aggregateForChart(spec, columns, rows);
    } catch (err) {
      return { kind: 'table', notes: [`This chart could not be drawn: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }, [spec, columns, rows]);

  const themeKind = useThemeKind();
  const themeStyle = useRootStyleVersion();
  const palette = useMemo(() => readPalette(), [themeKind, themeStyle]);
  // Animating thousands of marks is slow, and users who ask the OS for less motion get none.
  const animation = rows.length <= 5000 && !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  const option = useMemo(() => buildChartOption(data, spec, palette, { animation }), [data, spec, palette, animation]);

  const chartRef = useRef<EChartHandle>(null);
  const [exportError, setExportError] = useState<string>();
  const exportAs = (format: 'png' | 'svg') => {
    const chart = chartRef.current?.chart();
    if (!option || !chart) return;
    try {
      const size = { width: chart.getWidth() || 800, height: chart.getHeight() || 450 };
      const out = renderForExport(option, format, size, palette.background);
      const message: ExportChartMessage = {
        type: 'exportChart',
        format,
        ...(format === 'png' ? { dataBase64: out } : { svgText: out }),
        suggestedName: `${fileStem(title, spec)}.${format}`,
      };
      postToHost(message);
      setExportError(undefined);
    } catch (err) {
      setExportError(`Export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const label = describe(spec);
  return (
    <div className="chart-view" data-chart-kind={data.kind}>
      {(showEditor || option) && (
        <div className="chart-toolbar">
          {showEditor ? <ChartEditor spec={spec} profiles={profiles} onKind={(k: ChartKind) => edit(specForKind(spec, k, columns, sample))} onChange={edit} /> : <span />}
          <div className="chart-actions">
            {showEditor && (
              <Button appearance="secondary" title="Go back to the suggested chart" onClick={() => edit(suggested)}>
                Suggest
              </Button>
            )}
            <Button appearance="secondary" id="chart-export-png" disabled={!option} title="Export the chart as a PNG image" onClick={() => exportAs('png')}>
              PNG
            </Button>
            <Button appearance="secondary" id="chart-export-svg" disabled={!option} title="Export the chart as an SVG image" onClick={() => exportAs('svg')}>
              SVG
            </Button>
          </div>
        </div>
      )}
      {spec.reason && data.kind !== 'table' && <div className="chart-muted chart-reason">{spec.reason}</div>}
      <div className="chart-body">
        {option ? (
          <EChart option={option} handle={chartRef} label={label} />
        ) : data.kind === 'kpi' ? (
          <KpiCards data={data} />
        ) : (
          <div className="chart-empty">{data.notes.length ? 'Nothing to chart yet.' : spec.reason ?? 'Pick a chart type above.'}</div>
        )}
      </div>
      {(data.notes.length > 0 || exportError) && (
        <ul className="chart-notes">
          {data.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
          {exportError && <li className="chart-error">{exportError}</li>}
        </ul>
      )}
    </div>
  );
}

function describe(spec: ChartSpec): string {
  const y = spec.y.length ? spec.y.join(', ') : 'row count';
  if (spec.kind === 'histogram') return `Histogram of ${y}`;
  if (spec.kind === 'kpi' || spec.kind === 'table') return y;
  return `${spec.kind} chart of ${y}${spec.x ? ` by ${spec.x}` : ''}${spec.series ? ` per ${spec.series}` : ''}`;
}

function fileStem(title: string | undefined, spec: ChartSpec): string {
  const base = title?.trim() || `${spec.y.length ? spec.y.join('-') : 'count'}${spec.x ? `-by-${spec.x}` : ''}`;
  return base.replace(/[^\p{L}\p{N}._ -]+/gu, '-').slice(0, 80) || 'chart';
}

/** VS Code swaps theme variables on <html style>; switching between two dark themes changes no body class. */
function useRootStyleVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const obs = new MutationObserver(() => setV((x) => x + 1));
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    return () => obs.disconnect();
  }, []);
  return v;
}

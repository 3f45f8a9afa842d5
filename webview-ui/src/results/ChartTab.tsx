/**
 * The "Chart" tab of a result: asks the host for up to CHART_ROWS rows of the current (sorted/filtered) view and
 * hands them to the shared ChartView, which suggests a chart and lets the user edit it.
 */
import { useEffect, useRef, useState } from 'react';
import { postToHost, useHostMessages } from '../shell';
import { ChartView } from '../charts';
import type { ResultCell, ResultSetSummary, ResultSort, ResultsToHost, ResultsToWebview } from '../../../src/shared/protocol/results';

const CHART_ROWS = 50_000;
let nextChartRequest = 1_000_000;

export function ChartTab({ set, sort, filter }: { set: ResultSetSummary; sort?: ResultSort; filter: string }) {
  const [rows, setRows] = useState<{ rows: ResultCell[][]; truncated: boolean }>();
  const pending = useRef(0);
  useEffect(() => {
    const requestId = nextChartRequest++;
    pending.current = requestId;
    setRows(undefined);
    const m: ResultsToHost = { type: 'results/requestChartRows', setId: set.id, requestId, limit: CHART_ROWS, sort, filter: filter || undefined };
    postToHost(m);
  }, [set.id, sort, filter]);
  useHostMessages<ResultsToWebview>((m) => {
    if (m.type === 'results/chartRows' && m.setId === set.id && m.requestId === pending.current) setRows({ rows: m.rows, truncated: m.truncated });
  });
  if (!rows) return <div className="muted pad">Loading rows for the chart…</div>;
  return (
    <div className="chart-tab">
      {rows.truncated && <div className="muted pad">Charting the first {CHART_ROWS.toLocaleString()} rows of the current view.</div>}
      <ChartView columns={set.columns.map((c) => ({ name: c.name, type: c.type }))} rows={rows.rows} title={set.title} />
    </div>
  );
}

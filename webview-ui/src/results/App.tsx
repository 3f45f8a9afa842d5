/**
 * The results panel: one tab per result set of the last run, a toolbar (filter, export), the grid, and a footer
 * with row count and timing. State that should survive the panel being hidden is small (active tab, sort, filter).
 */
import React, { useCallback, useEffect, useState } from 'react';
import { initialState, postToHost, useHostMessages } from '../shell';
import type { ExportFormat, ResultSetSummary, ResultSort, ResultsToHost, ResultsToWebview } from '../../../src/shared/protocol/results';
import { Grid } from './Grid';
import { ChartTab } from './ChartTab';
import { formatCount } from './format';

export interface ResultsInitialState {
  pageSize?: number;
  sets?: ResultSetSummary[];
  activeId?: string;
}

const STATUS_TEXT: Record<ResultSetSummary['status'], string> = {
  running: 'Running…',
  ok: '',
  error: 'Failed',
  cancelled: 'Cancelled',
  refused: 'Refused',
};

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function App() {
  const init = initialState<ResultsInitialState>() ?? {};
  const pageSize = Math.max(50, Math.min(5000, init.pageSize ?? 200));
  const [sets, setSets] = useState<ResultSetSummary[]>(init.sets ?? []);
  const [activeId, setActiveId] = useState<string | undefined>(init.activeId ?? init.sets?.[0]?.id);
  const [views, setViews] = useState<Record<string, { sort?: ResultSort; filter: string }>>({});
  const [filterText, setFilterText] = useState('');
  const [total, setTotal] = useState<number | undefined>();
  const [selectionText, setSelectionText] = useState('');
  const [mode, setMode] = useState<'grid' | 'chart'>('grid');

  useHostMessages<ResultsToWebview>((m) => {
    if (m.type === 'results/reset') {
      setSets(m.sets);
      setViews({});
      setFilterText('');
      setActiveId(m.activeId ?? m.sets[0]?.id);
    } else if (m.type === 'results/set') {
      setSets((prev) => (prev.some((s) => s.id === m.set.id) ? prev.map((s) => (s.id === m.set.id ? m.set : s)) : [...prev, m.set]));
      setActiveId((a) => a ?? m.set.id);
    }
  });

  const active = sets.find((s) => s.id === activeId) ?? sets[0];
  const view = (active && views[active.id]) || { filter: '' };

  // Typing filters after a short pause, so each keystroke does not re-query the store.
  useEffect(() => {
    if (!active) return;
    const h = setTimeout(() => {
      setViews((v) => ((v[active.id]?.filter ?? '') === filterText ? v : { ...v, [active.id]: { ...v[active.id], filter: filterText } }));
    }, 250);
    return () => clearTimeout(h);
  }, [filterText, active?.id]); // keep deps minimal: switching tabs reloads the field below

  useEffect(() => setFilterText(active ? (views[active.id]?.filter ?? '') : ''), [active?.id]);

  const onSort = useCallback(
    (sort: ResultSort | undefined) => {
      if (active) setViews((v) => ({ ...v, [active.id]: { filter: v[active.id]?.filter ?? '', sort } }));
    },
    [active],
  );
  const onTotal = useCallback((t: number | undefined) => setTotal(t), []);

  const exportAs = (format: ExportFormat) => {
    if (!active) return;
    const m: ResultsToHost = { type: 'results/export', setId: active.id, format, sort: view.sort, filter: view.filter || undefined };
    postToHost(m);
  };

  if (!active) {
    return <div className="results-empty muted">Run a SQL statement (CodeLens “Run” or Ctrl/Cmd+Enter) to see results here.</div>;
  }

  const hasGrid = active.status === 'ok' && active.columns.length > 0;
  return (
    <div className="results-app">
      <div className="rtabs" role="tablist">
        {sets.map((s, i) => (
          <button
            key={s.id}
            role="tab"
            aria-selected={s.id === active.id}
            className={`rtab ${s.id === active.id ? 'active' : ''} ${s.status}`}
            title={s.sql}
            onClick={() => setActiveId(s.id)}
          >
            {s.title || `Result ${i + 1}`}
            {s.status !== 'ok' ? ` (${STATUS_TEXT[s.status]})` : ''}
          </button>
        ))}
      </div>
      {hasGrid && (
        <div className="rtoolbar">
          <button className={`rbtn ${mode === 'grid' ? 'on' : ''}`} aria-pressed={mode === 'grid'} onClick={() => setMode('grid')}>
            Grid
          </button>
          <button className={`rbtn ${mode === 'chart' ? 'on' : ''}`} aria-pressed={mode === 'chart'} onClick={() => setMode('chart')}>
            Chart
          </button>
          <input
            className="rfilter"
            type="search"
            placeholder="Filter rows (any column contains…)"
            aria-label="Filter rows"
            value={filterText}
            onChange={(e) => setFilterText(e.target.value)}
          />
          <span className="spacer" />
          <span className="muted">Export:</span>
          <button className="rbtn" onClick={() => exportAs('csv')} title="Export the full result to CSV">
            CSV
          </button>
          <button className="rbtn" onClick={() => exportAs('json')} title="Export the full result to JSON">
            JSON
          </button>
          <button className="rbtn" onClick={() => exportAs('parquet')} title="Export the full result to Parquet">
            Parquet
          </button>
        </div>
      )}
      <div className="rbody">
        {active.status === 'running' && <div className="muted pad">Running on {active.connectionName}…</div>}
        {(active.status === 'error' || active.status === 'refused' || active.status === 'cancelled') && (
          <div className={active.status === 'cancelled' ? 'warning-banner' : 'error-banner'} role="alert">
            {active.error ?? STATUS_TEXT[active.status]}
          </div>
        )}
        {active.status === 'ok' && active.error && (
          // Rows were read before the failure: they stay below, the banner says why the rest is missing.
          <div className="warning-banner" role="alert">
            {active.error}
          </div>
        )}
        {active.status === 'ok' && active.columns.length === 0 && (
          <div className="muted pad">
            {(active.statementType ?? 'Statement').toUpperCase()} done
            {active.affectedRows !== undefined ? ` — ${formatCount(active.affectedRows)} row(s) affected.` : '.'}
          </div>
        )}
        {hasGrid && mode === 'chart' && <ChartTab set={active} sort={view.sort} filter={view.filter} />}
        {hasGrid && mode === 'grid' && (
          <Grid
            key={active.id}
            set={active}
            pageSize={pageSize}
            sort={view.sort}
            filter={view.filter}
            onSort={onSort}
            onTotal={onTotal}
            onSelectionText={setSelectionText}
          />
        )}
      </div>
      <div className="rfooter" role="status">
        <span>
          {hasGrid
            ? active.fetching
              ? `fetching… ${formatCount(active.rowCount)} rows`
              : view.filter && total !== undefined
                ? `${formatCount(total)} of ${formatCount(active.rowCount)} rows`
                : `${formatCount(active.rowCount)} row${active.rowCount === 1 ? '' : 's'}${active.truncated ? (active.error ? ' (fetch stopped, rows so far)' : ' (fetch cancelled, rows so far)') : ''}`
            : STATUS_TEXT[active.status]}
        </span>
        <span>{formatMs(active.elapsedMs)}</span>
        <span>{active.connectionName}</span>
        {selectionText && <span>{selectionText}</span>}
      </div>
    </div>
  );
}

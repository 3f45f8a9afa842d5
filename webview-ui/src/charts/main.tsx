/**
 * The standalone chart app (dist/webview/charts.js): draws the result it was opened with (initial state) or the
 * latest `showChart` message, and tells the host about spec edits. Also what the Chromium test loads.
 */
import { useState } from 'react';
import type { ChartsInitialState, ChartsToWebview, ChartSpecChangedMessage } from '../../../src/shared/protocol/charts';
import { initialState, postToHost, startApp, useHostMessages } from '../shell';
import { ChartView } from './ChartView';

function App() {
  const [chart, setChart] = useState<ChartsInitialState | undefined>(() => initialState<ChartsInitialState>() ?? undefined);
  useHostMessages<ChartsToWebview>((m) => {
    if (m.type === 'showChart') setChart({ title: m.title, columns: m.columns ?? [], rows: m.rows ?? [], spec: m.spec });
  });
  if (!chart || !Array.isArray(chart.columns) || !Array.isArray(chart.rows)) {
    return <div className="chart-empty">Run a query and choose Chart to see it here.</div>;
  }
  return (
    <div className="chart-app">
      {chart.title && <h2 className="chart-title">{chart.title}</h2>}
      <ChartView
        key={chart.title ?? ''}
        columns={chart.columns}
        rows={chart.rows}
        initialSpec={chart.spec}
        title={chart.title}
        onSpecChange={(spec) => postToHost<ChartSpecChangedMessage>({ type: 'chartSpecChanged', spec })}
      />
    </div>
  );
}

startApp(<App />);

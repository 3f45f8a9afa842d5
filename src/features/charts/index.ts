/**
 * The standalone Chart panel: any feature (results grid, Ask) can open a result as a chart in its own editor tab.
 * Export messages are saved through saveChartExport; spec edits are reported to the caller.
 */
import type * as vscode from 'vscode';
import type { ChartsInitialState, ChartsToHost, ChartsToWebview, ChartSpec } from '../../shared/protocol/charts';
import { openPanelApp } from '../../webviews/host';
import type { FeatureContext } from '../context';
import { saveChartExport } from './saveExport';

export { saveChartExport };

export interface OpenChartOptions extends ChartsInitialState {
  onSpecChange?: (spec: ChartSpec) => void;
}

export function openChartPanel(fc: FeatureContext, o: OpenChartOptions): vscode.WebviewPanel {
  const { onSpecChange, ...state } = o;
  const { panel, channel } = openPanelApp<ChartsToWebview, ChartsToHost | { type: 'ready' }>(fc.extension, fc.log, 'iopsdata.chart', {
    app: 'charts',
    title: o.title ? `Chart: ${o.title}` : 'Chart',
    initialState: state,
  });
  const sub = channel.onMessage((m) => {
    if (m.type === 'exportChart') void saveChartExport(m, fc.log);
    else if (m.type === 'chartSpecChanged') onSpecChange?.(m.spec);
  });
  panel.onDidDispose(() => sub.dispose());
  return panel;
}

/**
 * Concrete colours for ECharts from the VS Code theme (ECharts needs colour values, not var(--…)). Read again
 * whenever the theme changes.
 */
import { themeColor } from '../shell';

export interface ChartPalette {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  tooltipBackground: string;
  tooltipBorder: string;
  fontFamily: string;
  fontSize: number;
  series: string[];
}

export function readPalette(): ChartPalette {
  const fg = themeColor('--vscode-charts-foreground', themeColor('--vscode-foreground', '#cccccc'));
  return {
    background: themeColor('--vscode-editor-background', '#1e1e1e'),
    foreground: fg,
    muted: themeColor('--vscode-descriptionForeground', fg),
    grid: themeColor('--vscode-charts-lines', themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)')),
    tooltipBackground: themeColor('--vscode-editorHoverWidget-background', themeColor('--vscode-editorWidget-background', '#252526')),
    tooltipBorder: themeColor('--vscode-editorHoverWidget-border', themeColor('--vscode-widget-border', '#454545')),
    fontFamily: themeColor('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseInt(themeColor('--vscode-font-size', '13px'), 10) || 13,
    // VS Code's chart colours first (they follow the theme, including high contrast), then distinguishable extras.
    series: [
      themeColor('--vscode-charts-blue', '#3794ff'),
      themeColor('--vscode-charts-orange', '#d18616'),
      themeColor('--vscode-charts-green', '#89d185'),
      themeColor('--vscode-charts-purple', '#b180d7'),
      themeColor('--vscode-charts-red', '#f14c4c'),
      themeColor('--vscode-charts-yellow', '#cca700'),
      '#4dc9c0',
      '#e07cbb',
      '#9aa5b1',
      '#c9a26b',
    ],
  };
}

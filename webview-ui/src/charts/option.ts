/**
 * ChartData (already aggregated by src/core/charts) → an ECharts option in the theme's colours. Every label is
 * drawn by ECharts as SVG text; tooltips are built as DOM nodes with textContent, so no value is ever parsed as
 * HTML.
 */
import type { ChartData, ChartSpec } from '../../../src/core/charts/types';
import type { EChartsOption } from './echarts';
import { formatTick, formatValue, timeFormatter } from './format';
import type { ChartPalette } from './palette';

export interface OptionSettings {
  animation: boolean;
}

interface TipRow {
  color?: string;
  name: string;
  value: string;
}

/** A tooltip as DOM: names and values are text nodes. */
export function tooltipNode(title: string, rows: TipRow[]): HTMLElement {
  const root = document.createElement('div');
  root.className = 'chart-tip';
  if (title) {
    const t = document.createElement('div');
    t.className = 'chart-tip-title';
    t.textContent = title;
    root.appendChild(t);
  }
  for (const r of rows) {
    const line = document.createElement('div');
    line.className = 'chart-tip-row';
    const dot = document.createElement('span');
    dot.className = 'chart-tip-dot';
    if (r.color) dot.style.background = r.color;
    const name = document.createElement('span');
    name.className = 'chart-tip-name';
    name.textContent = r.name;
    const value = document.createElement('span');
    value.className = 'chart-tip-value';
    value.textContent = r.value;
    line.append(dot, name, value);
    root.appendChild(line);
  }
  return root;
}

type Param = { seriesIndex?: number; dataIndex?: number; color?: unknown; seriesName?: string; name?: string; percent?: number };
const colorOf = (p: Param) => (typeof p.color === 'string' ? p.color : undefined);

export function buildChartOption(data: ChartData, spec: ChartSpec, pal: ChartPalette, s: OptionSettings): EChartsOption | undefined {
  const text = { color: pal.foreground, fontFamily: pal.fontFamily, fontSize: pal.fontSize };
  const axisCommon = {
    axisLine: { lineStyle: { color: pal.grid } },
    axisTick: { lineStyle: { color: pal.grid } },
    splitLine: { lineStyle: { color: pal.grid, opacity: 0.5 } },
    nameTextStyle: { color: pal.muted, fontFamily: pal.fontFamily },
  };
  const valueAxis = (name?: string) => ({
    type: 'value' as const,
    name,
    scale: false,
    ...axisCommon,
    axisLabel: { color: pal.muted, fontFamily: pal.fontFamily, formatter: (v: number) => formatTick(v) },
  });
  const base = {
    animation: s.animation,
    backgroundColor: 'transparent',
    color: pal.series,
    textStyle: text,
    useUTC: true,
    aria: { enabled: true },
    tooltip: {
      confine: true,
      backgroundColor: pal.tooltipBackground,
      borderColor: pal.tooltipBorder,
      textStyle: { color: pal.foreground, fontFamily: pal.fontFamily, fontSize: pal.fontSize },
    },
  };
  const legend = (count: number) =>
    count > 1 ? { type: 'scroll' as const, top: 0, textStyle: { color: pal.foreground, fontFamily: pal.fontFamily }, pageTextStyle: { color: pal.muted }, pageIconColor: pal.foreground } : { show: false };
  // ECharts 6 keeps axis labels and names inside `outerBounds` by itself (containLabel is legacy).
  const grid = (hasLegend: boolean) => ({ left: 56, right: 24, top: hasLegend ? 44 : 28, bottom: 48, outerBounds: { left: 8, right: 16, top: hasLegend ? 32 : 8, bottom: 8 } });

  switch (data.kind) {
    case 'line':
    case 'bar': {
      const isTime = data.xAxis === 'time';
      const fmtTime = isTime ? timeFormatter(data.x as number[]) : undefined;
      const xLabel = (i: number) => (fmtTime ? fmtTime(data.x[i] as number) : typeof data.x[i] === 'number' ? formatValue(data.x[i] as number) : String(data.x[i]));
      // A continuous axis for lines over time or numbers; bars always sit on categories (one bar per value).
      const continuous = data.kind === 'line' && data.xAxis !== 'category';
      const xAxis = continuous
        ? {
            type: isTime ? ('time' as const) : ('value' as const),
            name: spec.x,
            nameLocation: 'middle' as const,
            nameGap: 28,
            scale: true,
            ...axisCommon,
            splitLine: { show: false },
            axisLabel: { color: pal.muted, fontFamily: pal.fontFamily, hideOverlap: true, ...(isTime ? {} : { formatter: (v: number) => formatTick(v) }) },
          }
        : {
            type: 'category' as const,
            data: data.x.map((_, i) => xLabel(i)),
            name: spec.x,
            nameLocation: 'middle' as const,
            nameGap: data.x.length > 8 ? 56 : 28,
            ...axisCommon,
            // Every label while they can fit (ECharts' automatic interval would skip most long ones); overlaps hide.
            axisLabel: {
              color: pal.muted,
              fontFamily: pal.fontFamily,
              interval: data.x.length <= 24 ? 0 : 'auto',
              hideOverlap: true,
              rotate: data.x.length > 6 ? 30 : 0,
              width: data.x.length > 6 ? 120 : 140,
              overflow: 'truncate' as const,
            },
          };
      const series = data.series.map((ser) => ({
        type: data.kind,
        name: ser.name,
        data: continuous ? ser.values.map((v, i) => [data.x[i], v]) : ser.values,
        showSymbol: data.kind === 'line' && data.x.length <= 60,
        // Thousands of x values: draw a shape-preserving subset (largest-triangle) instead of every vertex.
        ...(data.kind === 'line' && data.x.length > 2000 ? { sampling: 'lttb' as const } : {}),
        connectNulls: false,
        ...(data.kind === 'bar' ? { barMaxWidth: 48 } : { lineStyle: { width: 2 } }),
      }));
      const yName = spec.y.length === 1 ? (spec.aggregation === 'none' ? spec.y[0] : `${spec.aggregation}(${spec.y[0]})`) : spec.y.length === 0 ? 'count' : undefined;
      return {
        ...base,
        tooltip: {
          ...base.tooltip,
          trigger: 'axis',
          formatter: (params: unknown) => {
            const ps = (Array.isArray(params) ? params : [params]) as Param[];
            const di = ps[0]?.dataIndex ?? 0;
            return tooltipNode(
              xLabel(di),
              ps.map((p) => ({ color: colorOf(p), name: data.series[p.seriesIndex ?? 0]?.name ?? '', value: formatValue(data.series[p.seriesIndex ?? 0]?.values[di]) })),
            );
          },
        },
        legend: legend(series.length),
        grid: grid(series.length > 1),
        xAxis,
        yAxis: valueAxis(yName),
        series,
      } as EChartsOption;
    }
    case 'histogram': {
      const label = (i: number) => `${formatValue(data.bins[i].from)} – ${formatValue(data.bins[i].to)}`;
      return {
        ...base,
        tooltip: {
          ...base.tooltip,
          trigger: 'axis',
          formatter: (params: unknown) => {
            const p = ((Array.isArray(params) ? params[0] : params) ?? {}) as Param;
            const i = p.dataIndex ?? 0;
            return tooltipNode(`${data.column}: ${label(i)}`, [{ color: colorOf(p), name: 'rows', value: formatValue(data.bins[i]?.count) }]);
          },
        },
        legend: { show: false },
        grid: grid(false),
        xAxis: {
          type: 'category',
          data: data.bins.map((_, i) => label(i)),
          name: data.column,
          nameLocation: 'middle',
          nameGap: 28,
          ...axisCommon,
          axisLabel: { color: pal.muted, fontFamily: pal.fontFamily, hideOverlap: true },
        },
        yAxis: valueAxis('rows'),
        series: [{ type: 'bar', name: data.column, data: data.bins.map((b) => b.count), barCategoryGap: '4%' }],
      } as EChartsOption;
    }
    case 'pie':
      return {
        ...base,
        tooltip: {
          ...base.tooltip,
          trigger: 'item',
          formatter: (params: unknown) => {
            const p = params as Param;
            const slice = data.slices[p.dataIndex ?? 0];
            return tooltipNode(spec.x ?? '', [{ color: colorOf(p), name: slice?.name ?? '', value: `${formatValue(slice?.value)} (${formatValue(p.percent)}%)` }]);
          },
        },
        legend: { ...legend(data.slices.length), show: data.slices.length > 1 },
        series: [
          {
            type: 'pie',
            name: spec.y[0] ?? 'count',
            radius: ['38%', '68%'],
            center: ['50%', '55%'],
            data: data.slices.map((sl) => ({ name: sl.name, value: sl.value })),
            label: { color: pal.foreground, fontFamily: pal.fontFamily, formatter: (p: Param) => `${p.name ?? ''}: ${formatValue(p.percent)}%` },
            labelLine: { lineStyle: { color: pal.muted } },
            itemStyle: { borderColor: pal.background, borderWidth: 1 },
          },
        ],
      } as EChartsOption;
    case 'scatter':
      return {
        ...base,
        tooltip: {
          ...base.tooltip,
          trigger: 'item',
          formatter: (params: unknown) => {
            const p = params as Param;
            const ser = data.series[p.seriesIndex ?? 0];
            const pt = ser?.points[p.dataIndex ?? 0] ?? [NaN, NaN];
            return tooltipNode(data.series.length > 1 ? ser?.name ?? '' : '', [
              { color: colorOf(p), name: data.xName, value: formatValue(pt[0]) },
              { name: data.yName, value: formatValue(pt[1]) },
            ]);
          },
        },
        legend: legend(data.series.length),
        grid: grid(data.series.length > 1),
        xAxis: { ...valueAxis(data.xName), scale: true, nameLocation: 'middle', nameGap: 28 },
        yAxis: { ...valueAxis(data.yName), scale: true },
        series: data.series.map((ser) => ({ type: 'scatter', name: ser.name, data: ser.points, symbolSize: 7, itemStyle: { opacity: 0.8 } })),
      } as EChartsOption;
    default:
      return undefined;
  }
}

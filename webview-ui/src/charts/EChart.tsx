/** One ECharts instance on a div (SVG renderer), resized with its box and disposed with the component. */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { postToHost } from '../shell';
import { echarts, type EChartsOption } from './echarts';

export interface EChartHandle {
  /** The live chart, for exports; undefined before mount. */
  chart(): echarts.ECharts | undefined;
}

export function EChart({ option, handle, label }: { option: EChartsOption; handle?: Ref<EChartHandle>; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    const div = el.current!;
    const c = echarts.init(div, undefined, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(div);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // notMerge: a changed kind or series list must not leave old series behind.
    try {
      chart.current?.setOption(option, { notMerge: true, lazyUpdate: false });
    } catch (err) {
      postToHost({ type: 'webviewError', message: `chart: ${err instanceof Error ? err.message : String(err)}` });
    }
  }, [option]);

  useImperativeHandle(handle, () => ({ chart: () => chart.current }), []);
  return <div className="chart-canvas" ref={el} role="img" aria-label={label} />;
}

/**
 * Renders the option off screen with a solid background (exports must be readable outside the editor theme) and
 * returns a PNG (base64, no prefix) or SVG text.
 */
export function renderForExport(option: EChartsOption, format: 'png' | 'svg', size: { width: number; height: number }, background: string): string {
  const div = document.createElement('div');
  div.style.cssText = `position:fixed;left:-20000px;top:0;width:${size.width}px;height:${size.height}px;`;
  document.body.appendChild(div);
  const c = echarts.init(div, undefined, { renderer: format === 'svg' ? 'svg' : 'canvas', width: size.width, height: size.height });
  try {
    c.setOption({ ...(option as object), animation: false, backgroundColor: background });
    if (format === 'svg') return c.renderToSVGString();
    return c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background }).replace(/^data:image\/png;base64,/, '');
  } finally {
    c.dispose();
    div.remove();
  }
}

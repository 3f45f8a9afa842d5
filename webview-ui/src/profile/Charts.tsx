/** Small SVG charts drawn here (no chart library): a sparkline histogram for cards and a full one for details. */
import type { ColumnProfile, HistogramBin, TopValue } from '../../../src/shared/protocol/profile';
import { fmtEdge, fmtNum, fmtValue } from './format';

export function Sparkline({ bins, width = 160, height = 36 }: { bins: HistogramBin[]; width?: number; height?: number }) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  const w = width / Math.max(1, bins.length);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="histogram">
      {bins.map((b, i) => {
        const h = b.count ? Math.max(1, (b.count / max) * height) : 0;
        return <rect key={i} x={i * w + 0.5} y={height - h} width={Math.max(1, w - 1)} height={h} />;
      })}
    </svg>
  );
}

export function HistogramChart({ column }: { column: ColumnProfile }) {
  const bins = column.histogram ?? [];
  const width = 560;
  const height = 180;
  const pad = { l: 56, r: 8, t: 8, b: 36 };
  const max = Math.max(1, ...bins.map((b) => b.count));
  const iw = width - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const bw = iw / Math.max(1, bins.length);
  return (
    <svg className="histogram" width="100%" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`histogram of ${column.name}`}>
      <line className="axis" x1={pad.l} y1={pad.t + ih} x2={pad.l + iw} y2={pad.t + ih} />
      <text className="tick" x={pad.l - 4} y={pad.t + 10} textAnchor="end">
        {fmtNum(max)}
      </text>
      <text className="tick" x={pad.l - 4} y={pad.t + ih} textAnchor="end">
        0
      </text>
      {bins.map((b, i) => {
        const h = b.count ? Math.max(1, (b.count / max) * ih) : 0;
        return (
          <rect key={i} className="bar" x={pad.l + i * bw + 0.5} y={pad.t + ih - h} width={Math.max(1, bw - 1)} height={h}>
            <title>{`${fmtEdge(column, b.lower)} – ${fmtEdge(column, b.upper)}: ${fmtNum(b.count)}`}</title>
          </rect>
        );
      })}
      {bins.length > 0 && (
        <>
          <text className="tick" x={pad.l} y={height - 12} textAnchor="start">
            {fmtEdge(column, bins[0].lower)}
          </text>
          <text className="tick" x={pad.l + iw} y={height - 12} textAnchor="end">
            {fmtEdge(column, bins[bins.length - 1].upper)}
          </text>
        </>
      )}
    </svg>
  );
}

export function TopValues({ values, total, limit = 10 }: { values: TopValue[]; total: number; limit?: number }) {
  const max = Math.max(1, ...values.map((v) => v.count));
  return (
    <table className="top-values">
      <tbody>
        {values.slice(0, limit).map((v, i) => (
          <tr key={i}>
            <td className="tv-value" title={fmtValue(v.value)}>
              {fmtValue(v.value)}
            </td>
            <td className="tv-bar">
              <span style={{ width: `${(100 * v.count) / max}%` }} />
            </td>
            <td className="num">{fmtNum(v.count)}</td>
            <td className="num muted">{total ? `${((100 * v.count) / total).toFixed(1)}%` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NullBar({ percent }: { percent: number }) {
  return (
    <div className="null-bar" title={`${percent.toFixed(1)}% null`}>
      <span className="filled" style={{ width: `${100 - percent}%` }} />
    </div>
  );
}

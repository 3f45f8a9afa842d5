/** Number and time labels for axes, tooltips and KPI cards (times are UTC, like the aggregation). */

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const full = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** Axis ticks: 1.2M, 35K, 0.25. */
export function formatTick(v: number): string {
  return Math.abs(v) >= 10_000 ? compact.format(v) : full.format(v);
}

/** Tooltips and KPI: every digit that matters, grouped. */
export function formatValue(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : full.format(v);
}

/** 2024-03-01, or 2024-03-01 10:20 when any instant on the axis has a time of day. */
export function timeFormatter(instants: readonly number[]): (t: number) => string {
  const withTime = instants.some((t) => t % 86_400_000 !== 0);
  return (t) => {
    const iso = new Date(t).toISOString();
    return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  };
}

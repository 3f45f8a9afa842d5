/**
 * The CLI `profile --json` document: the contract fields (path, format, rowCount, columns[], findings[]) first,
 * then extras. Values are made JSON-safe (no bigint, no NaN).
 */
import type { FileProfile } from './types';

function safe(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (Array.isArray(v)) return v.map(safe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safe(x)]));
  return v;
}

export function toContractJson(p: FileProfile): Record<string, unknown> {
  const { path, format, rowCount, columns, findings, partial: _partial, ...extra } = p;
  return safe({
    path,
    format,
    rowCount,
    columns: columns.map(({ name, type, nullCount, distinctCount, distinctIsExact, min, max, mean, stddev, quantiles, histogram, topValues, ...rest }) => ({
      name,
      type,
      nullCount,
      distinctCount,
      distinctIsExact,
      min: min ?? null,
      max: max ?? null,
      mean,
      stddev,
      quantiles,
      histogram,
      topValues,
      ...rest,
    })),
    findings,
    ...extra,
  }) as Record<string, unknown>;
}

/**
 * Data-quality rules over a finished profile. Pure: every finding is derived from numbers already in the profile
 * (plus the evidence the engine collected), so the rules are testable without a database.
 */
import type { ColumnProfile, Finding } from './types';

export interface FindingEvidence {
  rowCount: number;
  columns: ColumnProfile[];
  duplicateRowCount: number | null;
  mixedCase: Record<string, string[][]>;
  nonNumericExamples: Record<string, string[]>;
  rejected?: { count: number; lines: number[]; examples: string[]; messages: string[] };
  duplicateColumnNames?: string[];
  fileSizeBytes?: number;
  format?: string;
}

/** Null share above which a column is flagged. */
export const HIGH_NULL_SHARE = 0.5;
const MAX_KEY_FINDINGS = 2;

function pct(part: number, whole: number): string {
  if (!whole) return '0%';
  const p = (100 * part) / whole;
  return `${p < 0.1 && p > 0 ? p.toFixed(3) : p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function computeFindings(e: FindingEvidence): Finding[] {
  const out: Finding[] = [];
  const { rowCount } = e;

  if (e.fileSizeBytes === 0) {
    out.push({ column: null, kind: 'empty-file', severity: 'error', message: 'The file is empty (0 bytes).' });
    return out;
  }
  if (e.rejected && e.rejected.count > 0) {
    const lines = e.rejected.lines.slice(0, 10);
    out.push({
      column: null,
      kind: 'rejected-rows',
      severity: 'error',
      message: `${fmt(e.rejected.count)} line${e.rejected.count === 1 ? '' : 's'} could not be read and ${e.rejected.count === 1 ? 'was' : 'were'} skipped (lines ${lines.join(', ')}${e.rejected.count > lines.length ? ', …' : ''}): ${e.rejected.messages[0] ?? ''}`.trim(),
      lines,
      examples: e.rejected.examples.slice(0, 5),
    });
  }
  if (rowCount === 0) {
    out.push({ column: null, kind: 'no-rows', severity: 'warning', message: e.columns.length ? 'The file has a header but no data rows.' : 'No rows or columns were found.' });
  }
  if (e.duplicateColumnNames?.length) {
    out.push({
      column: null,
      kind: 'duplicate-column-names',
      severity: 'warning',
      message: `Duplicate column names were renamed: ${e.duplicateColumnNames.join(', ')}.`,
      examples: e.duplicateColumnNames,
    });
  }
  if (e.format === 'csv' && e.columns.length === 1 && rowCount > 0) {
    out.push({
      column: e.columns[0].name,
      kind: 'single-column',
      severity: 'info',
      message: 'Only one column was detected: if the file has several, re-profile with the right delimiter.',
    });
  }
  if (e.duplicateRowCount && e.duplicateRowCount > 0) {
    out.push({
      column: null,
      kind: 'duplicate-rows',
      severity: 'warning',
      message: `${fmt(e.duplicateRowCount)} row${e.duplicateRowCount === 1 ? ' is a copy' : 's are copies'} of another row (${pct(e.duplicateRowCount, rowCount)}).`,
    });
  }

  if (rowCount === 0) return out;
  let keys = 0;
  for (const c of e.columns) {
    const nonNull = rowCount - c.nullCount;
    if (nonNull === 0) {
      out.push({ column: c.name, kind: 'empty-column', severity: 'warning', message: `'${c.name}' is empty: every value is null.` });
      continue;
    }
    if (c.nullCount / rowCount > HIGH_NULL_SHARE) {
      out.push({ column: c.name, kind: 'high-nulls', severity: 'warning', message: `'${c.name}' is ${pct(c.nullCount, rowCount)} null (${fmt(c.nullCount)} of ${fmt(rowCount)}).` });
    }
    if (c.distinctCount === 1 && rowCount > 1) {
      const v = c.topValues[0]?.value;
      out.push({ column: c.name, kind: 'constant-column', severity: 'info', message: `'${c.name}' has a single value: ${JSON.stringify(v)}.` });
    }
    // Only the first few: in a tiny file every column is unique, and a list of them all says nothing.
    if (c.distinctIsExact && c.distinctCount === rowCount && c.nullCount === 0 && rowCount > 1 && (c.kind === 'numeric' || c.kind === 'string') && keys++ < MAX_KEY_FINDINGS) {
      out.push({ column: c.name, kind: 'candidate-key', severity: 'info', message: `'${c.name}' is unique and never null: a candidate primary key.` });
    }
    if (c.outlierCount) {
      out.push({
        column: c.name,
        kind: 'outliers',
        severity: 'info',
        message: `'${c.name}' has ${fmt(c.outlierCount)} outlier${c.outlierCount === 1 ? '' : 's'} outside 1.5×IQR (${pct(c.outlierCount, nonNull)} of values).`,
      });
    }
    if (c.whitespaceCount) {
      out.push({
        column: c.name,
        kind: 'whitespace',
        severity: 'warning',
        message: `'${c.name}' has ${fmt(c.whitespaceCount)} value${c.whitespaceCount === 1 ? '' : 's'} with leading or trailing spaces.`,
      });
    }
    const variants = e.mixedCase[c.name];
    if (variants?.length) {
      out.push({
        column: c.name,
        kind: 'mixed-case',
        severity: 'warning',
        message: `'${c.name}' has categories that differ only in case or spacing, e.g. ${variants.slice(0, 3).map(([a, b]) => `${JSON.stringify(a)} / ${JSON.stringify(b)}`).join(', ')}.`,
        examples: variants.flat().slice(0, 10),
      });
    }
    const bad = e.nonNumericExamples[c.name];
    if (bad) {
      const numeric = c.numericLikeCount ?? 0;
      out.push({
        column: c.name,
        kind: 'unparsable-values',
        severity: 'warning',
        message: `'${c.name}' is text but ${pct(numeric, nonNull)} of its values are numbers; ${fmt(nonNull - numeric)} are not, e.g. ${bad.slice(0, 3).map((b) => JSON.stringify(b)).join(', ')}.`,
        examples: bad,
      });
    }
  }
  return out;
}

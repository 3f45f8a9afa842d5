/** A profile as Markdown (Copy as Markdown): summary, one table row per column, findings. */
import type { ColumnProfile, FileProfile } from './types';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : JSON.stringify(v);
  // Pipes and newlines would break the table; backslash-escape Markdown punctuation that could render as markup.
  return s.replace(/\r?\n/g, ' ').replace(/([\\|`*_<>[\]])/g, '\\$1').slice(0, 80);
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return abs >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 1 }) : Number(n.toPrecision(4)).toString();
}

function distinct(c: ColumnProfile): string {
  return c.distinctIsExact ? formatNumber(c.distinctCount) : `≈${formatNumber(c.distinctCount)}`;
}

export function profileToMarkdown(p: FileProfile): string {
  const lines: string[] = [];
  lines.push(`# Profile of ${cell(p.source ? `${p.source.schema ? p.source.schema + '.' : ''}${p.source.table}` : p.path)}`, '');
  const facts = [`**Format:** ${p.format}`, `**Rows:** ${formatNumber(p.rowCount)}`, `**Columns:** ${p.columns.length}`];
  if (p.file) facts.push(`**Size:** ${formatNumber(p.file.sizeBytes)} bytes`);
  if (p.dialect) facts.push(`**Delimiter:** \`${p.dialect.delimiter === '\t' ? '\\t' : p.dialect.delimiter}\``, `**Header:** ${p.dialect.header ? 'yes' : 'no'}`);
  if (p.duplicateRowCount !== undefined && p.duplicateRowCount !== null) facts.push(`**Duplicate rows:** ${formatNumber(p.duplicateRowCount)}`);
  lines.push(facts.join(' · '), '');
  lines.push('| Column | Type | Nulls | Distinct | Min | Max | Mean | Std dev | p50 | Top value |');
  lines.push('|---|---|---:|---:|---|---|---:|---:|---:|---|');
  for (const c of p.columns) {
    const top = c.topValues[0];
    lines.push(
      `| ${cell(c.name)} | ${cell(c.type)} | ${formatNumber(c.nullCount)} (${c.nullPercent.toFixed(1)}%) | ${distinct(c)} | ${cell(c.min)} | ${cell(c.max)} | ${cell(c.mean)} | ${cell(c.stddev)} | ${cell(c.quantiles?.p50)} | ${top ? `${cell(top.value)} (${formatNumber(top.count)})` : ''} |`,
    );
  }
  if (p.findings.length) {
    lines.push('', '## Findings', '');
    for (const f of p.findings) lines.push(`- **${f.kind}**${f.column !== null ? ` (${cell(f.column)})` : ''}: ${cell(f.message).replace(/\\\|/g, '|')}`);
  }
  return lines.join('\n') + '\n';
}

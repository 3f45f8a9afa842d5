/** /lineage and the lineage tool: the lineage core's table and column lineage as Markdown. */
import type { ScriptLineage } from '../../core/lineage';

export function lineageMarkdown(l: ScriptLineage, maxEdges = 60): string {
  const lines: string[] = [];
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');
  lines.push(`**Sources:** ${list(l.sources)}`, `**Targets:** ${list(l.targets)}`);
  if (l.intermediates.length) lines.push(`**Intermediates:** ${list(l.intermediates)}`);
  const edges = l.statements.flatMap((s) => s.columnLineage);
  if (edges.length) {
    lines.push('', '| output | comes from |', '|---|---|');
    for (const e of edges.slice(0, maxEdges)) lines.push(`| ${e.target} | ${e.source} |`);
    if (edges.length > maxEdges) lines.push(`| … | ${edges.length - maxEdges} more |`);
  }
  const partial = l.statements.filter((s) => s.partial);
  if (partial.length) lines.push('', `_${partial.length} statement(s) analysed only partly: ${partial[0].error ?? 'parser limits'}_`);
  return lines.join('\n');
}

export async function analyzeLineage(sql: string, dialect?: string): Promise<ScriptLineage> {
  const { analyzeScript } = await import('../../core/lineage');
  return analyzeScript(sql, { dialect });
}

/** Finding a lineage node's definition in SQL text (no vscode import, so it is unit-tested in plain Node). */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where a node is defined in the analysed text, searching from `from` (its statement) on, then from the top: a CTE
 * at `name AS (`, anything else at its first mention as written (qualified name, then its last part), as a whole
 * word. Quoted identifiers match with their quotes (`"x"`, `[x]`, backticks) around the parts.
 */
export function definitionOffset(text: string, label: string, kind: string, from: number): number | undefined {
  // A query result has no name in the text; its statement line is where it is defined.
  if (kind === 'result' || !label) return undefined;
  const q = '["`\\[]?';
  const qe = '["`\\]]?';
  const parts = label.split('.').map((p) => q + escapeRe(p) + qe);
  const patterns =
    kind === 'cte'
      ? [new RegExp(`(?<![\\w$])${parts.join('\\.')}\\s+as\\s*\\(`, 'gi')]
      : [new RegExp(`(?<![\\w$.])${parts.join('\\s*\\.\\s*')}(?![\\w$])`, 'gi'), new RegExp(`(?<![\\w$])${parts[parts.length - 1]}(?![\\w$])`, 'gi')];
  for (const re of patterns) {
    for (const start of [from, 0]) {
      re.lastIndex = start;
      const m = re.exec(text);
      if (m) return m.index;
    }
  }
  return undefined;
}

/**
 * Parse problems as diagnostics at their position (never pop-ups). node-sql-parser rejects some valid SQL, so these
 * are Information-level: "lineage analysed this statement only partly", not "your SQL is wrong".
 */
import * as vscode from 'vscode';
import type { ScriptLineage } from '../../core/lineage';

export function lineageDiagnostics(doc: vscode.TextDocument, result: ScriptLineage): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const st of result.statements) {
    if (!st.partial || !st.error) continue;
    const line = Math.min(st.problem?.line ?? st.range.line, Math.max(0, doc.lineCount - 1));
    const text = doc.lineAt(line).text;
    const column = Math.min(st.problem?.column ?? st.range.column, text.length);
    // Underline the word at the problem (or one character when there is none).
    const wordEnd = column + (/^[\w$]+/.exec(text.slice(column))?.[0].length ?? 1);
    const range = new vscode.Range(line, column, line, Math.min(Math.max(wordEnd, column + 1), Math.max(text.length, column + 1)));
    const d = new vscode.Diagnostic(range, `Lineage: ${st.error}`, vscode.DiagnosticSeverity.Information);
    d.source = 'iOpsData lineage';
    out.push(d);
  }
  return out;
}

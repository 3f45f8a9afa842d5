/**
 * SQL errors as diagnostics at the position the database reported (PostgreSQL `position`, DuckDB LINE/caret,
 * Snowflake "line L at position P"), or on the whole statement when it gave none.
 */
import * as vscode from 'vscode';
import { locateError } from '../../core/run/errorPosition';

export function errorDiagnostic(document: vscode.TextDocument, statementOffset: number, statementText: string, dialect: string, err: unknown, message: string): vscode.Diagnostic {
  const loc = locateError(statementText, dialect, err);
  const range = loc
    ? new vscode.Range(document.positionAt(statementOffset + loc.offset), document.positionAt(statementOffset + loc.offset + Math.max(1, loc.length)))
    : new vscode.Range(document.positionAt(statementOffset), document.positionAt(statementOffset + statementText.length));
  const d = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  d.source = 'iOpsData';
  return d;
}

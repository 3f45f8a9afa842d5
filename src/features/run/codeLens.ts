/**
 * "Run" above each statement of a SQL file (split with the shared splitter), plus "Run file" and the editor's
 * connection on the first statement. Lenses carry the statement's offsets so the command runs exactly that text.
 */
import * as vscode from 'vscode';
import { splitStatements } from '../../core/connections/splitter';
import type { ConnectionsApi } from '../connections/api';

const MAX_LENSES = 1000;

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly connections: ConnectionsApi) {
    connections.onDidChange(() => this.emitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('iopsdata').get<boolean>('run.codeLens', true)) return [];
    const id = this.connections.activeConnectionId(document.uri);
    const conn = this.connections.list().find((c) => c.id === id);
    const statements = splitStatements(document.getText(), { dialect: conn?.kind });
    const lenses: vscode.CodeLens[] = [];
    statements.slice(0, MAX_LENSES).forEach((s, i) => {
      const range = new vscode.Range(s.line, s.column, s.line, s.column);
      lenses.push(
        new vscode.CodeLens(range, {
          title: '$(play) Run',
          tooltip: `Run this statement on ${conn?.name ?? id}`,
          command: 'iopsdata.run.statement',
          arguments: [document.uri, s.start, s.end],
        }),
      );
      if (i === 0) {
        if (statements.length > 1) {
          lenses.push(new vscode.CodeLens(range, { title: '$(run-all) Run file', tooltip: 'Run every statement, one result tab each', command: 'iopsdata.run.file', arguments: [document.uri] }));
        }
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(database) ${conn?.name ?? id}${conn?.allowWrites ? '' : ' (read-only)'}`,
            tooltip: 'Change the connection for this editor',
            command: 'iopsdata.connections.selectForEditor',
            arguments: [document.uri],
          }),
        );
      }
    });
    return lenses;
  }

  refresh(): void {
    this.emitter.fire();
  }
}

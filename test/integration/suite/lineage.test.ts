/**
 * Lineage inside the real extension host: Show Lineage on a .sql file opens the panel and returns the analysis,
 * Explain lineage scopes it to one statement, the CodeLens is offered per statement, parse problems become
 * diagnostics at their position, and the dbt DAG is built for a project in the workspace.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShowLineageResult, ExplainResult } from '../../../src/features/lineage';

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('lineage in the extension host', function () {
  this.timeout(120_000);
  let root: string;
  let sqlFile: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(root, 'lineage-it');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'etl.sql'),
      'CREATE TABLE stage AS SELECT id, amount FROM raw.orders;\n' +
        'INSERT INTO mart.totals (id, total) SELECT id, sum(amount) FROM stage GROUP BY id;\n' +
        'SELECT a FROM t WHERE a = = b;\n',
    );
    sqlFile = vscode.Uri.file(path.join(dir, 'etl.sql'));
    const ext = vscode.extensions.getExtension('iopsdata.iopsdata')!.extensionPath;
    fs.cpSync(path.join(ext, 'test/fixtures/lineage/jaffle'), path.join(dir, 'jaffle'), { recursive: true });
  });

  it('Show Lineage analyses the file and opens the lineage panel', async () => {
    const result = (await vscode.commands.executeCommand('iopsdata.lineage.show', sqlFile)) as ShowLineageResult;
    assert.deepEqual(result.lineage.sources, ['raw.orders', 't']);
    assert.deepEqual(result.lineage.targets, ['mart.totals']);
    assert.deepEqual(result.lineage.intermediates, ['stage']);
    assert.ok(result.graph.edges.some((e) => e.fromColumn === 'amount' && e.toColumn === 'total'));
    await until('the lineage panel tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Lineage: etl.sql'),
    );
  });

  it('parse problems become diagnostics on the right line', async () => {
    await vscode.workspace.openTextDocument(sqlFile);
    const diags = await until('lineage diagnostics', () => {
      const d = vscode.languages.getDiagnostics(sqlFile).filter((x) => x.source === 'iOpsData lineage');
      return d.length ? d : undefined;
    });
    assert.equal(diags[0].range.start.line, 2);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Information);
  });

  it('offers an Explain lineage CodeLens per statement and explains one statement', async () => {
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', sqlFile)) as vscode.CodeLens[];
    const ours = lenses.filter((l) => l.command?.command === 'iopsdata.lineage.explainStatement');
    assert.deepEqual(ours.map((l) => l.range.start.line), [0, 1, 2]);
    const r = (await vscode.commands.executeCommand('iopsdata.lineage.explainStatement', sqlFile, 1)) as ExplainResult;
    assert.deepEqual(r.statement.sources, ['stage']);
    assert.equal(r.summary, 'INSERT into mart.totals from stage (2 column flows)');
  });

  it('builds the dbt model DAG for a project in the workspace', async () => {
    const model = vscode.Uri.file(path.join(root, 'lineage-it/jaffle/models/marts/orders.sql'));
    const r = (await vscode.commands.executeCommand('iopsdata.lineage.showDbtDag', model)) as { graph: { focus?: string; edges: Array<{ from: string; to: string }> } };
    assert.equal(r.graph.focus, 'model.orders');
    assert.ok(r.graph.edges.some((e) => e.from === 'seed.status_labels' && e.to === 'model.orders'));
  });
});

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
import type { LineagePanelState } from '../../../src/features/lineage/panel';

/** What the lineage panels were sent and what their webviews reported as painted (iopsdata.lineage.stateForTests). */
async function panelState(mode: LineagePanelState['mode']): Promise<LineagePanelState | undefined> {
  const s = (await vscode.commands.executeCommand('iopsdata.lineage.stateForTests')) as { panels: LineagePanelState[] };
  return s.panels.find((p) => p.mode === mode);
}

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
    // The webview itself laid out and painted every node it was sent.
    const painted = await until('the lineage webview to paint the graph', async () => {
      const st = await panelState('file');
      return st?.rendered && st.rendered.title === 'Lineage: etl.sql' ? st : undefined;
    }, 30_000);
    assert.equal(painted.rendered!.totalNodes, result.graph.nodes.length);
    assert.equal(painted.rendered!.nodes, result.graph.nodes.length);
    assert.deepEqual(painted.sentNodes, result.graph.nodes.map((n) => n.id));
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
    type Dag = { graph: { focus?: string; nodes: Array<{ id: string; columns: string[] }>; edges: Array<{ from: string; to: string; fromColumn?: string; toColumn?: string }> } };
    const r = (await vscode.commands.executeCommand('iopsdata.lineage.showDbtDag', model)) as Dag;
    assert.equal(r.graph.focus, 'model.orders');
    assert.ok(r.graph.edges.some((e) => e.from === 'seed.status_labels' && e.to === 'model.orders'));
    // Column flows across models (orders.sql: o.order_id from stg_orders, max(s.label) as status_label from the seed).
    const flow = (from: string, fromColumn: string, to: string, toColumn: string) =>
      r.graph.edges.some((e) => e.from === from && e.fromColumn === fromColumn && e.to === to && e.toColumn === toColumn);
    assert.ok(flow('model.stg_orders', 'order_id', 'model.orders', 'order_id'));
    assert.ok(flow('seed.status_labels', 'label', 'model.orders', 'status_label'));
    assert.ok(r.graph.nodes.find((n) => n.id === 'model.orders')?.columns.includes('status_label'));
  });

  it('redraws the open dbt DAG when a model is created, edited and deleted in VS Code', async () => {
    const project = path.join(root, 'lineage-it/jaffle');
    const model = vscode.Uri.file(path.join(project, 'models/marts/orders.sql'));
    await vscode.commands.executeCommand('iopsdata.lineage.showDbtDag', model);
    const first = await until('the DAG webview to paint', async () => {
      const st = await panelState('dbt');
      return st?.rendered && st.rendered.at >= st.sentAt ? st : undefined;
    }, 30_000);
    assert.equal(first.rendered!.totalNodes, first.sentNodes.length);
    assert.ok(!first.sentNodes.includes('model.order_summary'));

    // A new model that reads `orders`, created and saved as a user would: the DAG is rebuilt and repainted.
    const file = vscode.Uri.file(path.join(project, 'models/marts/order_summary.sql'));
    const create = new vscode.WorkspaceEdit();
    create.createFile(file, { contents: Buffer.from("select status, count(*) as n from {{ ref('orders') }} group by status\n") });
    assert.ok(await vscode.workspace.applyEdit(create));
    const added = await until('the DAG to gain model.order_summary', async () => {
      const st = await panelState('dbt');
      return st && st.sentAt > first.sentAt && st.sentNodes.includes('model.order_summary') && st.rendered && st.rendered.at >= st.sentAt ? st : undefined;
    }, 30_000);
    assert.equal(added.rendered!.totalNodes, first.sentNodes.length + 1);

    // Editing it to read `customers` too, then saving: the DAG is rebuilt (the new edge is in the graph it sends).
    const doc = await vscode.workspace.openTextDocument(file);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(file, new vscode.Range(0, 0, doc.lineCount, 0), "select c.customer_id, count(*) as n from {{ ref('orders') }} o join {{ ref('customers') }} c using (customer_id) group by 1\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await until('the DAG to be rebuilt after the save', async () => {
      const st = await panelState('dbt');
      return st && st.sentAt > added.sentAt && st.rendered && st.rendered.at >= st.sentAt ? st : undefined;
    }, 30_000);
    const rebuilt = (await vscode.commands.executeCommand('iopsdata.lineage.showDbtDag', file)) as { graph: { focus?: string; edges: Array<{ from: string; to: string }> } };
    assert.equal(rebuilt.graph.focus, 'model.order_summary');
    assert.ok(rebuilt.graph.edges.some((e) => e.from === 'model.customers' && e.to === 'model.order_summary'));

    // Deleted: the node goes away again.
    const beforeDelete = (await panelState('dbt'))!.sentAt;
    const del = new vscode.WorkspaceEdit();
    del.deleteFile(file);
    assert.ok(await vscode.workspace.applyEdit(del));
    const removed = await until('the DAG to lose model.order_summary', async () => {
      const st = await panelState('dbt');
      return st && st.sentAt > beforeDelete && !st.sentNodes.includes('model.order_summary') ? st : undefined;
    }, 30_000);
    assert.equal(removed.sentNodes.length, first.sentNodes.length);
  });

  it('re-centres the open dbt DAG on the model being edited', async () => {
    const project = path.join(root, 'lineage-it/jaffle');
    await vscode.commands.executeCommand('iopsdata.lineage.showDbtDag', vscode.Uri.file(path.join(project, 'models/marts/orders.sql')));
    const before = (await panelState('dbt'))!.sentAt;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(project, 'models/staging/stg_payments.sql')));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await until('the DAG to be re-centred and repainted', async () => {
      const s = (await vscode.commands.executeCommand('iopsdata.lineage.stateForTests')) as { panels: LineagePanelState[]; dbt?: { focus?: string } };
      const st = s.panels.find((p) => p.mode === 'dbt');
      return s.dbt?.focus === 'model.stg_payments' && st && st.sentAt > before && st.rendered && st.rendered.at >= st.sentAt ? st : undefined;
    }, 30_000);
  });
});

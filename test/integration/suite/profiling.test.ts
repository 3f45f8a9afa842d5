/**
 * Profiling inside the real VS Code extension host: `iopsdata.profile.file` on a CSV in the workspace opens the
 * profile panel and returns the profile (computed by the real DuckDB), a second run comes from the cache, "Query this
 * file" opens a .sql editor bound to the Workspace files connection, the host stays responsive while a 46 MB file is
 * profiled, and the command is contributed to the explorer context menu for data files.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileProfile } from '../../../src/core/profiling/types';

describe('profiling in the extension host', function () {
  this.timeout(120_000);
  let csv: string;

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    csv = path.join(root, 'profile-me.csv');
    fs.writeFileSync(csv, 'id,city,amount\n1,Paris,10\n2,Rome,20\n3,Paris,\n4,Oslo,40\n');
  });

  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-prof-other', { confirm: false });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(csv, { force: true });
  });

  it('profiles a workspace CSV, opens the panel and returns the profile', async () => {
    const profile = (await vscode.commands.executeCommand('iopsdata.profile.file', vscode.Uri.file(csv))) as FileProfile;
    assert.ok(profile, 'the command returns the profile');
    assert.equal(profile.rowCount, 4);
    assert.deepEqual(profile.columns.map((c) => c.name), ['id', 'city', 'amount']);
    const city = profile.columns[1];
    assert.deepEqual(city.topValues[0], { value: 'Paris', count: 2 });
    assert.equal(profile.columns[2].nullCount, 1);
    assert.equal(profile.columns[2].mean, 70 / 3);
    // The tab model is updated asynchronously after the panel is created: wait for it (bounded).
    const isProfileTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.label === 'Profile: profile-me.csv';
    for (let i = 0; i < 50 && !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some(isProfileTab); i++) await new Promise((r) => setTimeout(r, 200));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Profile: profile-me.csv'),
      `profile panel open among: ${tabs.map((t) => t.label).join(', ')}`,
    );
  });

  it('the extension host stays responsive while a large file is profiled', async function () {
    this.timeout(240_000);
    // ~1.2M rows, ~40 MB: DuckDB works on its own threads, so this host's event loop must keep turning meanwhile.
    const big = path.join(path.dirname(csv), 'profile-big.csv');
    const out = fs.createWriteStream(big);
    out.write('id,city,amount,ts\n');
    const cities = ['Paris', 'Rome', 'Oslo', 'Lima', 'Kyiv', 'Pune', 'Accra', 'Quito'];
    for (let chunk = 0; chunk < 120; chunk++) {
      const lines: string[] = [];
      for (let i = chunk * 10_000; i < (chunk + 1) * 10_000; i++) lines.push(`${i},${cities[i % 8]},${(i % 997) / 4},2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00\n`);
      if (!out.write(lines.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    try {
      const gaps: number[] = [];
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }, 20);
      const started = performance.now();
      const running = vscode.commands.executeCommand('iopsdata.profile.file', vscode.Uri.file(big)) as Thenable<FileProfile>;
      // Other commands answer while the profile runs.
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      await vscode.commands.executeCommand('iopsdata.run.stateForTests');
      const commandMs = performance.now() - t0;
      const profile = await running;
      const elapsed = performance.now() - started;
      clearInterval(ticker);
      assert.equal(profile.rowCount, 1_200_000);
      assert.equal(profile.columns.find((c) => c.name === 'city')?.distinctCount, 8);
      const worst = Math.max(...gaps);
      console.log(`profile of ${(fs.statSync(big).size / 1e6).toFixed(0)} MB took ${elapsed.toFixed(0)} ms; longest event-loop gap ${worst.toFixed(0)} ms over ${gaps.length} ticks; a command answered in ${commandMs.toFixed(0)} ms`);
      assert.ok(gaps.length > elapsed / 200, `the event loop turned only ${gaps.length} times in ${elapsed.toFixed(0)} ms`);
      assert.ok(worst < 1500, `the event loop stalled for ${worst.toFixed(0)} ms`);
      assert.ok(commandMs < 1500, `a command took ${commandMs.toFixed(0)} ms to answer`);
    } finally {
      fs.rmSync(big, { force: true });
    }
  });

  it('answers from the cache while the file is unchanged', async () => {
    const started = Date.now();
    const again = (await vscode.commands.executeCommand('iopsdata.profile.file', vscode.Uri.file(csv))) as FileProfile;
    assert.equal(again.rowCount, 4);
    assert.ok(Date.now() - started < 2000);
  });

  it('"Query this file" opens a .sql editor on the Workspace files connection that runs', async () => {
    // Another connection is the last used one, so only an explicit binding puts the new editor on Workspace files.
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-prof-other', name: 'ITest profiling other', kind: 'duckdb', path: 'itest-prof-other.duckdb' });
    await vscode.commands.executeCommand('iopsdata.connections.selectForEditor', undefined, 'itest-prof-other');
    const uri = (await vscode.commands.executeCommand('iopsdata.profile.queryFile', vscode.Uri.file(csv))) as string;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    assert.ok(doc, 'the editor is open');
    assert.equal(doc.languageId, 'sql');
    assert.match(doc.getText(), /SELECT \*\nFROM 'profile-me\.csv'/);
    // Run it: only the Workspace files (DuckDB) connection resolves a workspace-relative file path.
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.file', doc.uri)) as {
      status: string;
      error?: string;
      sets: { connectionName: string }[];
      lastResult?: { rows: unknown[][] };
    };
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.equal(outcome.sets[0]?.connectionName, 'Workspace files');
    assert.deepEqual(outcome.lastResult?.rows, [[1, 'Paris', 10], [2, 'Rome', 20], [3, 'Paris', null], [4, 'Oslo', 40]]);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('contributes Profile File to the explorer menu for data files', () => {
    const pkg = vscode.extensions.getExtension('iopsdata.iopsdata')!.packageJSON as {
      contributes: { menus: Record<string, { command: string; when?: string }[]> };
    };
    const entry = pkg.contributes.menus['explorer/context'].find((m) => m.command === 'iopsdata.profile.file');
    assert.ok(entry?.when);
    const re = /\/(.*)\/i/.exec(entry.when!)![1];
    for (const name of ['a.csv', 'b.tsv', 'c.parquet', 'd.jsonl', 'e.csv.gz', 'f.ndjson.zst']) assert.ok(new RegExp(re, 'i').test(name), name);
    for (const name of ['a.sql', 'b.csv.bak', 'c.py']) assert.ok(!new RegExp(re, 'i').test(name), name);
  });
});

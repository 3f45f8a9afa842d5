// @ts-check
/**
 * Test-only companion extension installed next to the iOpsData .vsix by test/ui/run.mjs (never shipped).
 * Without the smoke-test driver there is no extensionTestsPath, so this is how the UI test runs commands with
 * real arguments: it long-polls the runner's loopback control server (URL in IOPSDATA_UI_CONTROL, inherited
 * from code-server's environment) for {id, command, args}, executes them and posts back the outcome.
 * Arguments of the form "workspace:<relative path>" become file URIs in the opened folder.
 */
const vscode = require('vscode');
const http = require('node:http');

/** @param {string} method @param {string} url @param {unknown} [body] @returns {Promise<any>} */
function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text ? JSON.parse(text) : null));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** @param {unknown} a */
function toArg(a) {
  if (typeof a === 'string' && a.startsWith('workspace:')) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('no workspace folder is open');
    return vscode.Uri.joinPath(folder.uri, a.slice('workspace:'.length));
  }
  return a;
}

/** Built-in requests that are not VS Code commands. @type {Record<string, (...a: any[]) => unknown>} */
const builtins = {
  /** State of an installed extension, e.g. to prove the .vsix activated. */
  'hook.extensionInfo': (id) => {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) return { installed: false };
    const exports = ext.isActive ? ext.exports : undefined;
    return { installed: true, isActive: ext.isActive, extensionPath: ext.extensionPath, activationMs: exports?.activationMs };
  },
  'hook.activate': async (id) => {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(`${id} is not installed`);
    await ext.activate();
    return { isActive: ext.isActive };
  },
};

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  const base = process.env.IOPSDATA_UI_CONTROL;
  if (!base) return;
  let stopped = false;
  context.subscriptions.push({ dispose: () => (stopped = true) });
  (async () => {
    while (!stopped) {
      /** @type {{id: number, command: string, args?: unknown[]} | null} */
      let job;
      try {
        job = await request('GET', `${base}/next`);
      } catch {
        await new Promise((r) => setTimeout(r, 500)); // runner gone or restarting
        continue;
      }
      if (!job) continue; // long-poll timeout
      try {
        const args = (job.args ?? []).map(toArg);
        const fn = builtins[job.command];
        const value = fn ? await fn(...args) : await vscode.commands.executeCommand(job.command, ...args);
        await request('POST', `${base}/result`, { id: job.id, ok: true, value: safe(value) });
      } catch (e) {
        await request('POST', `${base}/result`, { id: job.id, ok: false, error: String(e instanceof Error ? e.message : e) }).catch(() => {});
      }
    }
  })();
}

/** Command results can be anything (URIs, disposables): send what JSON can carry. @param {unknown} v */
function safe(v) {
  try {
    return JSON.parse(JSON.stringify(v ?? null));
  } catch {
    return String(v);
  }
}

module.exports = { activate, deactivate() {} };

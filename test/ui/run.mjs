#!/usr/bin/env node
// @ts-check
/* global document */
/**
 * `npm run test:ui`: the extension as users get it. Packages the .vsix (scripts/package-vsix.mjs), installs it
 * with `code-server --install-extension` into a server started WITHOUT the smoke-test driver (so the workbench
 * behaves normally: notifications, no dev mode), opens the demo workspace in headless Chromium and
 *   1. checks the installed extension activates when its activity-bar container is opened,
 *   2. for every entry of test/ui/screenshots.json runs its command (through the test-only hook extension in
 *      test/ui/hook-extension, which executes commands with arguments) and saves a PNG to
 *      test-results/screenshots/<name>.png,
 *   3. fails on any Content-Security-Policy violation inside our webviews (after proving the detector sees one).
 *
 * Usage: node test/ui/run.mjs [--skip-package] [--update-readme] [filter]
 *   --skip-package   reuse dist-vsix/iopsdata-linux-x64.vsix (or IOPSDATA_UI_VSIX) instead of packaging
 *   --update-readme  copy the screens marked `readme` to media/screenshots/
 *   filter           only screens whose name contains it
 * Env: IOPSDATA_UI_TIMEOUT_MS (whole run, default 900000), IOPSDATA_DEBUG=1 (browser/server output)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import {
  EXTENSION_ID,
  HOST,
  hostTools,
  installVsix,
  launchBrowser,
  makeSandbox,
  makeWorkspace,
  repoRoot,
  sleep,
  startCodeServer,
  workbenchUrl,
} from '../integration/vscode-host.mjs';

const argv = process.argv.slice(2);
const skipPackage = argv.includes('--skip-package');
const updateReadme = argv.includes('--update-readme');
const filter = argv.find((a) => !a.startsWith('--'));
const debug = !!process.env.IOPSDATA_DEBUG;
const shotsDir = join(repoRoot, 'test-results/screenshots');
const started = Date.now();

/** @typedef {{ name: string, command: string, args?: unknown[], webview?: boolean, waitForSelector?: string,
 *              waitForText?: string[], readme?: boolean, timeoutMs?: number }} Screen */

/** @type {{name: string, ok: boolean, detail?: string}[]} */
const results = [];
/** @param {string} name @param {() => Promise<string|void>} fn */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - t0} ms)`);
    return true;
  } catch (e) {
    const msg = /** @type {Error} */ (e).message ?? String(e);
    results.push({ name, ok: false, detail: msg });
    console.log(`  ✖ ${name}: ${msg.split('\n')[0]}`);
    if (msg.includes('\n')) console.log(msg.split('\n').slice(1).map((l) => `      ${l}`).join('\n'));
    return false;
  }
}

/**
 * Loopback control channel for the hook extension: it long-polls GET /next for a job and POSTs /result.
 */
function startControlServer() {
  /** @type {{id:number, command:string, args:unknown[]}[]} */
  const queue = [];
  /** @type {import('node:http').ServerResponse|null} */
  let waiting = null;
  /** @type {Map<number, {resolve:(v:any)=>void, reject:(e:Error)=>void}>} */
  const pending = new Map();
  let nextId = 1;
  let polls = 0;
  const flush = () => {
    if (waiting && queue.length) {
      const res = waiting;
      waiting = null;
      res.end(JSON.stringify(queue.shift()));
    }
  };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/next') {
      polls++;
      if (waiting) waiting.end('null');
      waiting = res;
      const t = setTimeout(() => {
        if (waiting === res) {
          waiting = null;
          res.end('null');
        }
      }, 20_000);
      res.on('close', () => clearTimeout(t));
      flush();
      return;
    }
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const r = JSON.parse(body);
        const p = pending.get(r.id);
        pending.delete(r.id);
        if (p && r.ok) p.resolve(r.value);
        else if (p) p.reject(new Error(r.error));
        res.end('{}');
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, HOST, () => {
      const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        url: `http://${HOST}:${addr.port}`,
        connected: () => polls > 0,
        /** @param {string} command @param {unknown[]} [args] @param {number} [timeoutMs] @returns {Promise<any>} */
        run(command, args = [], timeoutMs = 60_000) {
          const id = nextId++;
          return new Promise((res, rej) => {
            const t = setTimeout(() => {
              pending.delete(id);
              rej(new Error(`${command}: no answer from the workbench within ${timeoutMs} ms`));
            }, timeoutMs);
            pending.set(id, {
              resolve: (v) => (clearTimeout(t), res(v)),
              reject: (e) => (clearTimeout(t), rej(e)),
            });
            queue.push({ id, command, args });
            flush();
          });
        },
        close() {
          waiting?.end('null');
          server.closeAllConnections?.();
          server.close();
        },
      });
    }),
  );
}

/** @param {string} msg */
function fail(msg) {
  console.error(`test:ui: ${msg}`);
  process.exit(2);
}

/** The packaged .vsix, building it unless told to reuse one. */
function vsixPath() {
  const vsix = process.env.IOPSDATA_UI_VSIX || join(repoRoot, 'dist-vsix/iopsdata-linux-x64.vsix');
  if (!skipPackage && !process.env.IOPSDATA_UI_VSIX) {
    console.log('test:ui: packaging the extension (npm run package) ...');
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package-vsix.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    const tail = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('[package]') || /error/i.test(l));
    console.log(tail.map((l) => `  ${l}`).join('\n'));
    if (r.status !== 0) fail(`packaging failed:\n${r.stdout}\n${r.stderr}`);
  }
  if (!existsSync(vsix)) fail(`${relative(repoRoot, vsix)} is missing: run \`npm run package\``);
  return vsix;
}

/** The test hook, packaged into the sandbox (it is never part of the product). @param {string} dir */
function packageHook(dir) {
  const out = join(dir, 'iopsdata-ui-test-hook.vsix');
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: join(repoRoot, 'test/ui/hook-extension'), stdio: debug ? 'inherit' : 'pipe' },
  );
  return out;
}

/** The demo workspace from `iopsdata demo`, or the small generated one if the CLI cannot make it. @param {string} dest */
function workspace(dest) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'demo', dest], { encoding: 'utf8', timeout: 180_000 });
  if (r.status === 0 && existsSync(dest)) return { dir: dest, kind: 'demo (iopsdata demo)' };
  console.log(`  (iopsdata demo failed, using a generated workspace: ${(r.stderr || r.stdout || '').trim().split('\n')[0]})`);
  rmSync(dest, { recursive: true, force: true });
  return { dir: makeWorkspace(dest), kind: 'generated' };
}

/** Our webview documents: frames whose parent is a VS Code webview host created for this extension. */
function ourWebviewFrames(/** @type {import('playwright-core').Page} */ page) {
  return page.frames().filter((f) => {
    const parent = f.parentFrame();
    return !!parent && /extensionId=iopsdata\.iopsdata/i.test(parent.url()) && !/extensionId=/.test(f.url());
  });
}

/** @param {import('playwright-core').Frame} frame */
function describeFrame(frame) {
  const p = new URL(frame.parentFrame()?.url() ?? frame.url());
  return `${p.searchParams.get('purpose') ?? 'webview'} ${p.searchParams.get('id')?.slice(0, 8) ?? ''}`.trim();
}

async function main() {
  try {
    hostTools();
  } catch (e) {
    fail(/** @type {Error} */ (e).message);
  }
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) fail('dist/cli.js is missing: run `npm run build` first.');
  const config = JSON.parse(readFileSync(join(repoRoot, 'test/ui/screenshots.json'), 'utf8'));
  /** @type {Screen[]} */
  const screens = config.screens.filter((/** @type {Screen} */ s) => !filter || s.name.includes(filter));
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const viewNames = (manifest.contributes.views?.iopsdata ?? []).map((/** @type {{name:string}} */ v) => v.name);

  const vsix = vsixPath();
  const sandbox = makeSandbox('iopsdata-ui-');
  console.log(`test:ui: installing ${relative(repoRoot, vsix)} into a fresh code-server`);
  installVsix(sandbox, vsix);
  installVsix(sandbox, packageHook(sandbox.dir));
  const ws = workspace(join(sandbox.dir, 'workspace'));
  console.log(`test:ui: workspace: ${ws.kind}`);
  mkdirSync(shotsDir, { recursive: true });

  const control = await startControlServer();
  const server = await startCodeServer({ sandbox, smokeTestDriver: false, env: { IOPSDATA_UI_CONTROL: control.url } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    // Report CSP violations from every frame (webviews included) through the console.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(
          'IOPSDATA_CSP ' +
            JSON.stringify({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample }),
        );
      });
    });
    /** @type {{frame: import('playwright-core').Frame|null, text: string, at: number}[]} */
    const cspViolations = [];
    page.on('console', (msg) => {
      const text = msg.text();
      const frame = /** @type {any} */ (msg).frame?.() ?? null; // Playwright ≥ 1.52
      if (text.startsWith('IOPSDATA_CSP ') || (msg.type() === 'error' && /Content Security Policy/i.test(text))) {
        cspViolations.push({ frame, text, at: Date.now() });
      }
      if (debug) console.error(`[browser ${msg.type()}] ${text}`);
    });
    page.on('pageerror', (e) => debug && console.error(`[page error] ${e.message}`));
    /** Violations raised inside one of our webviews since `since`. @param {number} since */
    const ourViolations = (since) =>
      cspViolations.filter((v) => v.at >= since && v.frame && ourWebviewFrames(page).includes(v.frame) && !v.text.includes('iopsdata-csp-selftest'));

    await page.goto(workbenchUrl(server.url, { folder: ws.dir }));
    await check('workbench loads and the test hook connects', async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      const deadline = Date.now() + 90_000;
      while (!control.connected()) {
        if (Date.now() > deadline) throw new Error('the test hook extension never polled the control server');
        await sleep(200);
      }
    });

    // The secondary side bar opens empty in a fresh profile: close it so screenshots show our UI larger.
    await control.run('workbench.action.closeAuxiliaryBar').catch(() => {});

    await check('the .vsix-installed extension activates and its activity-bar container shows its views', async () => {
      const before = await control.run('hook.extensionInfo', [EXTENSION_ID]);
      if (!before.installed) throw new Error(`${EXTENSION_ID} is not installed`);
      if (!before.extensionPath.startsWith(sandbox.extensionsDir)) throw new Error(`loaded from ${before.extensionPath}, not from the installed .vsix`);
      // Click the activity-bar icon like a user; the view opening is what activates the extension.
      const item = page.locator('.part.activitybar [aria-label^="iOpsData"]').first();
      await item.waitFor({ timeout: 30_000 });
      await item.click();
      for (const name of viewNames) {
        await page.locator('.part.sidebar .pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }).first().waitFor({ timeout: 30_000 });
      }
      let info = before;
      const deadline = Date.now() + 30_000;
      while (!info.isActive && Date.now() < deadline) {
        await sleep(250);
        info = await control.run('hook.extensionInfo', [EXTENSION_ID]);
      }
      if (!info.isActive) throw new Error('the extension did not activate after its views were opened');
      if (typeof info.activationMs !== 'number') throw new Error(`activate() returned no activationMs: ${JSON.stringify(info)}`);
      // Tree views show this until the extension registers their data providers during activation (innerText:
      // only what is visible; hidden views keep stale DOM).
      const sidebarText = () => page.locator('.part.sidebar').innerText();
      for (let i = 0; /no data provider registered/i.test(await sidebarText()) && i < 60; i++) await sleep(250);
      const text = await sidebarText();
      if (/no data provider registered/i.test(text)) throw new Error(`a view says "There is no data provider registered": ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
      return `activated in ${info.activationMs.toFixed(1)} ms, views: ${viewNames.join(', ')}`;
    });

    let cspSelfTested = false;
    for (const screen of screens) {
      await check(`screenshot ${screen.name} (${screen.command})`, async () => {
        const since = Date.now();
        const framesBefore = new Set(ourWebviewFrames(page));
        const timeout = screen.timeoutMs ?? 90_000;
        await control.run(screen.command, screen.args ?? [], timeout);
        for (const text of screen.waitForText ?? []) await page.getByText(text, { exact: false }).first().waitFor({ timeout });
        let frame;
        if (screen.webview) {
          const deadline = Date.now() + timeout;
          const wanted = screen.waitForSelector ?? '#root > *';
          while (!frame) {
            // The newest of our webview documents that rendered the app; else an existing one (a view that was
            // already open, e.g. Ask in the sidebar) showing the wanted element.
            const all = ourWebviewFrames(page);
            const candidates = [...all.filter((f) => !framesBefore.has(f)).reverse(), ...all.filter((f) => framesBefore.has(f)).reverse()];
            for (const f of candidates) {
              const rendered = await f.locator('#root > *').count().catch(() => 0);
              if (rendered && (await f.locator(wanted).count().catch(() => 0))) {
                frame = f;
                break;
              }
            }
            if (!frame && Date.now() > deadline) throw new Error(`no webview of ${EXTENSION_ID} rendered within ${timeout} ms`);
            if (!frame) await sleep(250);
          }
          if (screen.waitForSelector) await frame.locator(screen.waitForSelector).first().waitFor({ timeout });
        }
        await page.mouse.move(720, 860); // no hover tooltip in the picture
        await sleep(800); // let layout, fonts and charts settle
        const file = join(shotsDir, `${screen.name}.png`);
        await page.screenshot({ path: file });
        if (frame && !cspSelfTested) {
          // Prove the CSP check can fail: an image from a host the policy does not allow must be reported.
          cspSelfTested = true;
          const t0 = Date.now();
          await frame.evaluate(() => {
            const img = document.createElement('img');
            img.src = 'https://example.invalid/iopsdata-csp-selftest.png';
            document.body.appendChild(img);
            img.remove();
          });
          const deadline = Date.now() + 5000;
          while (!cspViolations.some((v) => v.at >= t0 && v.text.includes('iopsdata-csp-selftest')) && Date.now() < deadline) await sleep(100);
          if (!cspViolations.some((v) => v.at >= t0 && v.text.includes('iopsdata-csp-selftest'))) {
            throw new Error('CSP detector self-test: a blocked image inside the webview was not reported');
          }
        }
        const violations = ourViolations(since);
        if (violations.length) throw new Error(`CSP violations:\n${violations.map((v) => v.text).join('\n')}`);
        return `${relative(repoRoot, file)}${frame ? `, ${describeFrame(frame)}, no CSP violations` : ''}`;
      });
    }
    if (screens.some((s) => s.webview)) {
      await check('CSP violation detector works', async () => {
        if (!cspSelfTested) throw new Error('no webview rendered, so the detector was not exercised');
      });
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    control.close();
    await sandbox.cleanup();
  }

  if (updateReadme) {
    const dest = join(repoRoot, 'media/screenshots');
    mkdirSync(dest, { recursive: true });
    for (const s of screens.filter((x) => x.readme && results.find((r) => r.name.startsWith(`screenshot ${x.name} `))?.ok)) {
      copyFileSync(join(shotsDir, `${s.name}.png`), join(dest, `${s.name}.png`));
      console.log(`  copied ${s.name}.png to media/screenshots/`);
    }
  }
}

const timeoutMs = Number(process.env.IOPSDATA_UI_TIMEOUT_MS || 15 * 60_000);
const watchdog = setTimeout(() => {
  console.error(`test:ui: timed out after ${timeoutMs} ms`);
  process.kill(process.pid, 'SIGTERM'); // runs vscode-host's cleanup (server group, browser, sandbox)
}, timeoutMs);
try {
  await main();
} catch (e) {
  results.push({ name: 'harness', ok: false, detail: /** @type {Error} */ (e).message });
  console.error(`test:ui: ${/** @type {Error} */ (e).stack ?? e}`);
}
clearTimeout(watchdog);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
console.log(`test:ui: ${failed ? 'FAILED' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${relative(repoRoot, shotsDir)}/`);
process.exit(failed ? 1 : 0);

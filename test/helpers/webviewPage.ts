/**
 * Any webview app (webview-ui/src/<app>/main.tsx) in headless Chromium as VS Code would load it: a fresh bundle
 * (built into a temp dir, so a test never runs a stale dist/), served from a loopback HTTP server behind the real
 * page template and CSP of src/webviews/html.ts, with a stylesheet of VS Code Dark+ theme variables. Messages the
 * app posts are read from window.__iopsdataSent (the shell's fallback outside VS Code); host messages are sent with
 * window.postMessage, as the webview host does. CSP violations are recorded.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { renderWebviewHtml } from '../../src/webviews/html';

const ROOT = resolve(__dirname, '..', '..');
const bundles = new Map<string, Promise<string>>();

/** Flags this machine's closed network needs (no background fetches, no QUIC); see the env notes on Chromium. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's headless Chromium (or CHROMIUM_PATH), as every webview test and bench drives it. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Builds webview-ui/src/<app>/main.tsx once per process (production mode, like the packaged extension). */
export function buildWebviewBundle(app: string): Promise<string> {
  let p = bundles.get(app);
  if (!p) {
    p = (async () => {
      const out = mkdtempSync(join(tmpdir(), `iopsdata-webview-${app}-`));
      process.once('exit', () => rmSync(out, { recursive: true, force: true }));
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: { [app]: join(ROOT, `webview-ui/src/${app}/main.tsx`) },
        outdir: out,
        bundle: true,
        minify: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        jsx: 'automatic',
        loader: { '.css': 'css', '.svg': 'text' },
        define: { 'process.env.NODE_ENV': '"production"' },
        logLevel: 'silent',
      });
      return out;
    })();
    bundles.set(app, p);
  }
  return p;
}

/** A subset of VS Code's Dark+ theme variables, enough for our apps to look as they do in the editor. */
const DARK_THEME = `:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px; --vscode-font-weight: normal;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-editor-foreground: #d4d4d4; --vscode-editor-background: #1e1e1e;
  --vscode-descriptionForeground: #9d9d9d; --vscode-panel-border: #80808059; --vscode-focusBorder: #007fd4;
  --vscode-editorWidget-background: #252526; --vscode-editorWidget-border: #454545; --vscode-editorLineNumber-foreground: #858585;
  --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185; --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616;
  --vscode-charts-purple: #b180d7; --vscode-charts-red: #f14c4c; --vscode-editorWarning-foreground: #cca700;
  --vscode-editor-findMatchBorder: #74879f; --vscode-editor-findMatchHighlightBackground: #ea5c0055;
  --vscode-list-hoverBackground: #2a2d2e; --vscode-list-activeSelectionBackground: #04395e;
  --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff; --vscode-input-background: #3c3c3c; --vscode-input-foreground: #cccccc;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-inputValidation-errorBackground: #5a1d1d;
}`;

export interface WebviewServer {
  base: string;
  close(): Promise<void>;
}

/** Serves `app` with `initialState` at `/`; its bundle, its CSS and theme.css beside it. */
export async function serveWebview(app: string, initialState: unknown, title = app): Promise<WebviewServer> {
  const dir = await buildWebviewBundle(app);
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      return void res.end(DARK_THEME);
    }
    if (url.endsWith('.js') || url.endsWith('.css')) {
      const file = join(dir, url.replace(/^\/+/, ''));
      if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': url.endsWith('.js') ? 'text/javascript' : 'text/css' });
      return void res.end(readFileSync(file));
    }
    const html = renderWebviewHtml({ cspSource: base, scriptUri: `${base}/${app}.js`, styleUri: `${base}/${app}.css`, title, initialState }).replace(
      '</head>',
      `<link rel="stylesheet" href="${base}/theme.css">\n</head>`,
    );
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface WebviewPage {
  page: Page;
  /** Uncaught page errors. */
  errors: string[];
  /** Messages the app posted to the host so far. */
  sent<T = { type: string }>(): Promise<T[]>;
  /** Sends a host message to the app. */
  post(message: unknown): Promise<void>;
  /** Waits (bounded) for a posted message matching `pred`, newer than the first `after` messages. */
  waitForSent<T extends { type: string }>(pred: (m: T) => boolean, after?: number, timeoutMs?: number): Promise<T>;
  /** Content-Security-Policy violations the page reported. */
  cspViolations(): Promise<string[]>;
}

/** Opens the served app in a new page, in the VS Code dark theme, and waits for its `ready` message. */
export async function openWebview(browser: Browser, server: WebviewServer, viewport = { width: 1280, height: 800 }): Promise<WebviewPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Init scripts run through the DevTools protocol, outside the page's CSP.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add('vscode-dark'));
  });
  await page.goto(server.base + '/');
  const sent = <T,>() => page.evaluate(() => ((window as unknown as { __iopsdataSent?: unknown[] }).__iopsdataSent ?? []) as never) as Promise<T[]>;
  const waitForSent = async <T extends { type: string }>(pred: (m: T) => boolean, after = 0, timeoutMs = 20_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = (await sent<T>()).slice(after).find(pred);
      if (found) return found;
      if (Date.now() > end) throw new Error(`the page did not post the expected message within ${timeoutMs} ms; errors: ${errors.join('; ') || 'none'}`);
      await page.waitForTimeout(25);
    }
  };
  await waitForSent((m) => m.type === 'ready');
  return {
    page,
    errors,
    sent,
    post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message as never),
    waitForSent,
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
  };
}

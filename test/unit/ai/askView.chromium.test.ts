/**
 * The real Ask webview bundle in headless Chromium behind the real webview CSP: it says `ready`, renders the
 * conversation from host messages (SQL, explanation, inline results, token use) strictly as text, and posts the
 * user's question and button actions back to the host.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../../helpers/webviewPage';
import type { Browser } from 'playwright-core';
import { renderWebviewHtml } from '../../../src/webviews/html';
import type { AskStateMessage, AskTurn } from '../../../src/shared/protocol/ask';

const ROOT = resolve(__dirname, '..', '..', '..');
const XSS = '<img src=x onerror="window.__pwned=1">';

describe('Ask view webview (headless Chromium, real bundle and CSP)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: Server;
  let base = '';
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-ask-'));
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: { ask: join(ROOT, 'webview-ui/src/ask/main.tsx') },
      outdir: dir, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', jsx: 'automatic',
      loader: { '.css': 'css', '.svg': 'text' }, define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
    });
    server = createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (p === '/ask.js' || p === '/ask.css') {
        res.writeHead(200, { 'content-type': p.endsWith('.js') ? 'text/javascript' : 'text/css' });
        res.end(readFileSync(join(dir, p.slice(1))));
        return;
      }
      if (p !== '/') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderWebviewHtml({ cspSource: base, scriptUri: `${base}/ask.js`, styleUri: `${base}/ask.css`, title: 'Ask' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders a finished turn as text and sends questions and actions to the host', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/favicon/.test(m.location().url) && problems.push(m.text()));
    await page.goto(base + '/');
    await page.waitForFunction(() => ((window as any).__iopsdataSent ?? []).some((m: any) => m.type === 'ready'));
    const turn: AskTurn = {
      id: 't1', question: `Top customers ${XSS}`, connectionId: 'demo', connectionName: 'Demo warehouse', status: 'done',
      sql: 'SELECT customer_id, count(*) AS n FROM shop.orders GROUP BY 1', explanation: `Counts orders ${XSS}`, attempts: 2, valid: true,
      provider: 'openai', model: 'gpt-x', usage: { promptTokens: 1200, completionTokens: 45 },
      result: { columns: ['customer_id', 'n'], rows: [['7', '12'], [XSS, 'NULL']], rowCount: 2, truncated: false, elapsedMs: 4 },
    };
    const state: AskStateMessage = {
      type: 'askState', providers: [{ id: '', label: 'Configured chain', ready: true }, { id: 'openai', label: 'OpenAI', ready: true }], provider: '',
      connections: [{ id: 'demo', label: 'Demo warehouse' }], connectionId: 'demo', turns: [turn], sessionUsage: { promptTokens: 1200, completionTokens: 45 }, autoExecute: false,
    };
    await page.evaluate((m) => window.postMessage(m, '*'), state);
    await page.waitForSelector('.ask-sql');
    assert.equal(await page.textContent('.ask-sql'), turn.sql);
    assert.equal(await page.textContent('.ask-question'), turn.question);
    assert.equal(await page.textContent('.ask-explanation'), turn.explanation);
    assert.deepEqual(await page.$$eval('.ask-result td', (tds) => tds.map((t) => t.textContent)), ['7', '12', XSS, 'NULL']);
    const body = await page.textContent('body');
    assert.match(body ?? '', /2 attempts · 1,200 prompt \+ 45 completion tokens/);
    assert.match(body ?? '', /Session: 1,200 prompt \+ 45 completion tokens/);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);

    await page.fill('textarea', 'How many orders per channel?');
    await page.press('textarea', 'Enter');
    await page.getByText('Run', { exact: true }).first().click();
    const sent = await page.evaluate(() => (window as any).__iopsdataSent as any[]);
    assert.deepEqual(sent.filter((m) => m.type === 'ask'), [{ type: 'ask', question: 'How many orders per channel?' }]);
    assert.deepEqual(sent.filter((m) => m.type === 'runTurn'), [{ type: 'runTurn', turnId: 't1' }]);

    // A pending turn streams progress and can be cancelled.
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'askTurn', turn: { id: 't2', question: 'q', connectionId: 'demo', connectionName: 'Demo', status: 'pending', progress: 'Repairing: Unknown column x' }, sessionUsage: { promptTokens: 1, completionTokens: 1 } });
    await page.waitForFunction(() => document.body.textContent?.includes('Repairing: Unknown column x'), undefined, { timeout: 10_000 }).catch(async () => {
      throw new Error('progress not shown; body: ' + (await page.textContent('body')));
    });
    await page.locator('.ask-progress vscode-button').dispatchEvent('click');
    assert.ok((await page.evaluate(() => (window as any).__iopsdataSent as any[])).some((m) => m.type === 'cancel'));
    assert.deepEqual(problems, []);
    await page.close();
  });
});

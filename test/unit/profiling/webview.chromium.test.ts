/**
 * The real profile bundle (built fresh from webview-ui/src/profile) in headless Chromium behind the real webview CSP, fed a real
 * profile (profileFile on a CSV whose column names and values are HTML/script payloads): everything renders as
 * text, no payload element is created, no payload script runs, and the buttons post the right messages.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { renderWebviewHtml } from '../../../src/webviews/html';
import { buildWebviewBundle, launchChromium } from '../../helpers/webviewPage';
import { profileFile, PHASE_LABELS, type FileProfile } from '../../../src/core/profiling';
import type { ProfileInitialState, ProfileToWebview } from '../../../src/shared/protocol/profile';

const ROOT = resolve(__dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'test-results', 'screenshots');

const SCRIPT_NAME = '<script>window.__xss = "name"</script>';
const IMG_NAME = '<img src=x onerror="window.__xss = \'img\'">';
const IMG_VALUE = '<img src=y onerror="window.__xss = \'value\'">';
const B_VALUE = '<b>bold?</b>';

describe('profile webview in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server;
  let base: string;
  let dir: string;
  let profile: FileProfile;

  before(async () => {
    const out = await buildWebviewBundle('profile');
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-profile-ui-'));
    const csv = join(dir, 'hostile.csv');
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const rows = [
      [q(SCRIPT_NAME), q(IMG_NAME), 'amount'].join(','),
      [q(IMG_VALUE), q(B_VALUE), '10'].join(','),
      [q(IMG_VALUE), 'plain', '20'].join(','),
      ['safe', q(B_VALUE + ' '), '30'].join(','),
    ];
    writeFileSync(csv, rows.join('\n') + '\n');
    profile = await profileFile(csv);
    assert.deepEqual(profile.columns.map((c) => c.name), [SCRIPT_NAME, IMG_NAME, 'amount'], 'the real profiler keeps the hostile names');

    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.endsWith('.js') || url.endsWith('.css')) {
        const file = join(out, url.replace(/^\//, ''));
        if (!existsSync(file)) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': url.endsWith('.js') ? 'text/javascript' : 'text/css' });
        return void res.end(readFileSync(file));
      }
      const state: ProfileInitialState = { title: 'hostile.csv', source: 'file' };
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderWebviewHtml({ cspSource: base, scriptUri: `${base}/profile.js`, styleUri: `${base}/profile.css`, title: 'Profile', initialState: state }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + '/');
    // Outside VS Code the shell records posted messages in window.__iopsdataSent (see webview-ui/src/shell).
    for (let i = 0; i < 100 && !(await sent(page)).some((m) => m.type === 'ready'); i++) await page.waitForTimeout(50);
    return { page, errors };
  }

  function sent(page: Page): Promise<{ type: string; dialect?: Record<string, unknown> }[]> {
    return page.evaluate(() => ((window as unknown as { __iopsdataSent?: { type: string }[] }).__iopsdataSent ?? []) as never);
  }

  function post(page: Page, message: ProfileToWebview) {
    return page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  it('renders hostile names and values as text, runs none of them', async () => {
    const { page, errors } = await openPage();
    await post(page, { type: 'profile', profile, phase: 'done', phaseLabel: PHASE_LABELS.done, done: true });
    await page.waitForSelector('.card');
    // Open the detail of the script-named column and show everything.
    await page.locator('.card').first().click();
    await page.waitForSelector('.detail');
    const text = await page.evaluate(() => document.body.innerText);
    for (const s of [SCRIPT_NAME, IMG_NAME, IMG_VALUE, B_VALUE]) assert.ok(text.includes(s), `shows ${s} as text`);
    const counts = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      b: document.querySelectorAll('b').length,
      scripts: document.querySelectorAll('script').length,
      xss: (window as unknown as { __xss?: string }).__xss ?? null,
    }));
    assert.deepEqual(counts, { img: 0, b: 0, scripts: 2, xss: null });
    assert.deepEqual(errors, []);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'profile-hostile.png'), fullPage: true });
    await page.close();
  });

  it('shows a streamed partial, then the final profile; buttons post their messages', async () => {
    const { page } = await openPage();
    const partial: FileProfile = { ...structuredClone(profile), rowCount: 1234, rowCountIsEstimate: true, partial: true, findings: [] };
    partial.columns = partial.columns.map((c) => ({ ...c, topValues: [], histogram: null, distinctCount: 0 }));
    await post(page, { type: 'profile', profile: partial, phase: 'detect', phaseLabel: PHASE_LABELS.detect, done: false });
    await page.waitForSelector('.phase');
    assert.match(await page.locator('.summary').innerText(), /≈1,234/);
    assert.match(await page.locator('.phase').innerText(), /Detecting format and columns/);
    await page.getByText('Cancel', { exact: true }).click();
    await post(page, { type: 'profile', profile, phase: 'done', phaseLabel: PHASE_LABELS.done, done: true });
    await page.waitForSelector('.phase', { state: 'detached' });
    assert.match(await page.locator('.summary').innerText(), /\n3\n/);
    await page.getByText('Copy as Markdown').click();
    await page.getByText('Export JSON').click();
    await page.getByText('Query this file').click();
    // A finding links to its column: the whitespace finding selects column 2.
    await page.locator('.finding .column-link', { hasText: IMG_NAME }).first().click();
    await page.waitForSelector('.detail');
    assert.ok((await page.locator('.detail h2').innerText()).includes(IMG_NAME));
    await page.getByText('Re-profile').click();
    const messages = await sent(page);
    assert.deepEqual(
      messages.map((m) => m.type).filter((t) => t !== 'ready'),
      ['cancelProfile', 'copyMarkdown', 'exportJson', 'queryFile', 'reprofile'],
    );
    assert.deepEqual(messages.find((m) => m.type === 'reprofile')?.dialect, { delimiter: ',', quote: '"', header: true, encoding: 'utf-8' });
    await page.close();
  });

  it('shows an error sent by the host', async () => {
    const { page } = await openPage();
    await post(page, { type: 'profileError', message: 'Cannot read x.csv: <b>no</b> such file.' });
    const alert = await page.locator('[role=alert]').innerText();
    assert.equal(alert, 'Cannot read x.csv: <b>no</b> such file.');
    await page.close();
  });
});

import { strict as assert } from 'node:assert';
import { buildCsp, createNonce, jsonForScriptTag, renderWebviewHtml } from '../../../src/webviews/html';

describe('webview HTML and CSP', () => {
  it('uses a fresh nonce each time and allows scripts only with it', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9]{16,}$/);
    const csp = buildCsp('vscode-resource:', a);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${a}'(;|$)`));
    assert.doesNotMatch(csp, /script-src[^;]*unsafe/);
  });

  it('every script tag carries the nonce', () => {
    const html = renderWebviewHtml({ cspSource: 'https://x', scriptUri: 'https://x/app.js', title: 't', nonce: 'abc123abc123abc123', initialState: { a: 1 } });
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.match(s, /nonce="abc123abc123abc123"/);
  });

  it('initial state cannot break out of its script tag', () => {
    const evil = { name: '</script><script>alert(1)</script>', other: '<!-- x -->', amp: 'a&b', ls: '\u2028' };
    const html = renderWebviewHtml({ cspSource: 'c', scriptUri: 's', title: '<b>"x"</b>', initialState: evil });
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
    assert.doesNotMatch(html, /<b>/);
    assert.deepEqual(JSON.parse(jsonForScriptTag(evil)), evil);
  });
});

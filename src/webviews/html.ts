/**
 * One place that builds webview HTML: a strict CSP with a per-load nonce (`default-src 'none'`; scripts only with
 * the nonce), the app bundle and its stylesheet, and the initial state as JSON in a non-executable script tag.
 * Pure function (no vscode import) so it is unit-tested in Node.
 */
import { randomBytes } from 'node:crypto';

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
}

export interface WebviewHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(...) of dist/webview/<app>.js, as a string */
  scriptUri: string;
  /** webview.asWebviewUri(...) of dist/webview/<app>.css, when the app has CSS */
  styleUri?: string;
  title: string;
  nonce?: string;
  /** Serialisable data available to the app at start without a round trip. */
  initialState?: unknown;
}

export function buildCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    // React and the chart/graph libraries set element styles; inline style *attributes* cannot run code.
    `style-src ${cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON that is safe inside a <script type="application/json"> element: no `</script>` or `<!--` can appear. */
export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? createNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(buildCsp(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttr(o.title)}</title>
${o.styleUri ? `<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">` : ''}
</head>
<body>
<div id="root"></div>
<script type="application/json" id="iopsdata-initial-state" nonce="${nonce}">${jsonForScriptTag(o.initialState)}</script>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

// @ts-check
/* global AbortController, fetch, TextDecoder -- Node >= 18 globals in the extension host */
/**
 * Test-only extension loaded next to iOpsData by test/integration/run.mjs. It contributes the `iopsdata-test`
 * language-model vendor and registers a real LanguageModelChatProvider whose model streams its answers from the
 * loopback OpenAI-compatible server of test/helpers/llm/server.ts (Chat Completions + SSE), so everything between
 * `vscode.lm` and the extension (message conversion, streaming, cancellation, token counting) is VS Code's own.
 * The suite points it at its server with `activate()`'s API: `setBaseUrl(url)`.
 */
const vscode = require('vscode');

const VENDOR = 'iopsdata-test';

/** @type {string | undefined} */
let baseUrl;

/** @param {readonly any[]} content */
function textOf(content) {
  return content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : typeof p === 'string' ? p : '')).join('');
}

/** @param {any} m */
function roleOf(m) {
  if (m.role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  // vscode.LanguageModelChatMessageRole.System exists only as a proposal; treat anything else as the user.
  return 'user';
}

/** @type {import('vscode').LanguageModelChatProvider} */
const provider = {
  provideLanguageModelChatInformation() {
    return [
      { id: 'loopback-sql', name: 'Loopback SQL model', family: 'loopback', version: '1', maxInputTokens: 128_000, maxOutputTokens: 4_096, capabilities: {} },
    ];
  },
  async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
    if (!baseUrl) throw new Error('iopsdata-test: no loopback server (call setBaseUrl first)');
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: model.id, stream: true, messages: messages.map((m) => ({ role: roleOf(m), content: textOf(m.content) })) }),
        signal: ac.signal,
      });
      if (!res.ok || !res.body) throw new Error(`iopsdata-test: loopback server answered HTTP ${res.status}: ${await res.text()}`);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (res.body))) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') return;
          const delta = JSON.parse(data).choices?.[0]?.delta?.content;
          if (delta) progress.report(new vscode.LanguageModelTextPart(delta));
        }
      }
    } finally {
      sub.dispose();
    }
  },
  async provideTokenCount(_model, text) {
    const s = typeof text === 'string' ? text : textOf(text.content);
    return Math.max(1, Math.ceil(s.length / 4));
  },
};

/** @param {import('vscode').ExtensionContext} context */
function activate(context) {
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(VENDOR, provider));
  return {
    vendor: VENDOR,
    /** @param {string | undefined} url the loopback server's OpenAI base URL (…/v1) */
    setBaseUrl(url) {
      baseUrl = url;
    },
  };
}

module.exports = { activate, deactivate() {} };

/** The one handle on the webview API: acquireVsCodeApi may be called once per page. */
import type { CommonToHost } from '../../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** Outside VS Code (tests in plain Chromium) messages go to window.__iopsdataSent so they can be inspected. */
function fallbackApi(): VsCodeApi {
  let state: unknown;
  const w = window as unknown as { __iopsdataSent?: unknown[] };
  w.__iopsdataSent = w.__iopsdataSent ?? [];
  return {
    postMessage: (m) => w.__iopsdataSent!.push(m),
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

export function vscodeApi(): VsCodeApi {
  if (!api) api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : fallbackApi();
  return api;
}

/** Sends a typed message to the extension host. */
export function postToHost<T extends { type: string }>(message: T | CommonToHost): void {
  vscodeApi().postMessage(message);
}

/** Initial data the host embedded in the page (see src/webviews/html.ts). */
export function initialState<T>(): T | undefined {
  const el = document.getElementById('iopsdata-initial-state');
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent) as T;
  } catch {
    return undefined;
  }
}

/**
 * Host messages are collected from page load, so nothing the host sends in answer to `ready` is lost before React
 * has subscribed; the first subscribers receive what arrived earlier.
 */
type Listener = (message: { type: string }) => void;
const listeners = new Set<Listener>();
let early: { type: string }[] | undefined = [];
window.addEventListener('message', (event: MessageEvent) => {
  const data = event.data;
  if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
  if (early) early.push(data);
  for (const l of listeners) l(data);
});

export function subscribeToHost(listener: Listener): () => void {
  listeners.add(listener);
  if (early) {
    const pending = early;
    early = undefined;
    for (const m of pending) listener(m);
  }
  return () => listeners.delete(listener);
}

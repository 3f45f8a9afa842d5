/**
 * Host side of every webview (panels and sidebar views): sets the HTML with CSP + nonce, limits local resources
 * to dist/webview and media, queues messages until the app says `ready`, and handles the common messages.
 */
import * as vscode from 'vscode';
import { renderWebviewHtml } from './html';
import type { CommonToHost, CommonToWebview } from '../shared/protocol';

export interface WebviewAppOptions {
  /** Name of the app bundle: dist/webview/<app>.js */
  app: string;
  title: string;
  initialState?: unknown;
}

export class WebviewChannel<ToWebview extends { type: string }, ToHost extends { type: string }> implements vscode.Disposable {
  private ready = false;
  private queue: (ToWebview | CommonToWebview)[] = [];
  private readonly emitter = new vscode.EventEmitter<ToHost>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires for every app-specific message the webview sends. */
  readonly onMessage = this.emitter.event;

  constructor(
    readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
    private readonly app: string,
  ) {
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.emitter,
    );
  }

  private receive(raw: unknown): void {
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') return;
    const msg = raw as CommonToHost | ToHost;
    switch (msg.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.queue;
        this.queue = [];
        for (const m of pending) void this.webview.postMessage(m);
        break;
      }
      case 'copyToClipboard':
        void vscode.env.clipboard.writeText(String((msg as { text: unknown }).text ?? ''));
        break;
      case 'webviewError':
        this.log.error(`[webview ${this.app}] ${String((msg as { message: unknown }).message)}`);
        break;
    }
    // `ready` is passed on too, so an app host can (re)send its data after a webview reload.
    if (msg.type !== 'copyToClipboard' && msg.type !== 'webviewError') this.emitter.fire(msg as ToHost);
  }

  /** Posts now if the app is listening, otherwise once it says `ready`. */
  post(message: ToWebview | CommonToWebview): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** The webview reloaded (e.g. moved): messages queue again until the next `ready`. */
  reset(): void {
    this.ready = false;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Sets options and HTML for an app on any webview (panel or view). */
export function loadWebviewApp(webview: vscode.Webview, extensionUri: vscode.Uri, o: WebviewAppOptions): void {
  webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
  const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  webview.html = renderWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, `${o.app}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, `${o.app}.css`)).toString(),
    title: o.title,
    initialState: o.initialState,
  });
}

export interface PanelApp<ToWebview extends { type: string }, ToHost extends { type: string }> {
  readonly panel: vscode.WebviewPanel;
  readonly channel: WebviewChannel<ToWebview, ToHost>;
}

/** Opens an editor-area panel running a webview app. */
export function openPanelApp<ToWebview extends { type: string }, ToHost extends { type: string }>(
  extension: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  viewType: string,
  o: WebviewAppOptions & { viewColumn?: vscode.ViewColumn; preserveFocus?: boolean; retainContextWhenHidden?: boolean },
): PanelApp<ToWebview, ToHost> {
  const panel = vscode.window.createWebviewPanel(
    viewType,
    o.title,
    { viewColumn: o.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: o.preserveFocus ?? false },
    { enableScripts: true, retainContextWhenHidden: o.retainContextWhenHidden ?? true, localResourceRoots: webviewRoots(extension.extensionUri), enableFindWidget: true },
  );
  panel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'iopsdata.svg');
  const channel = new WebviewChannel<ToWebview, ToHost>(panel.webview, log, o.app);
  loadWebviewApp(panel.webview, extension.extensionUri, o);
  panel.onDidDispose(() => channel.dispose());
  return { panel, channel };
}

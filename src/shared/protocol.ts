/**
 * The only contract between the extension host and the webview apps. Each app has a pair of message unions
 * (host → webview, webview → host) in src/shared/protocol/<app>.ts; every app also speaks the common messages below.
 * Messages are plain JSON: data is rendered by the webview as text, never as HTML.
 */
export interface ReadyMessage {
  type: 'ready';
}
export interface CopyToClipboardMessage {
  type: 'copyToClipboard';
  text: string;
}
export interface WebviewErrorMessage {
  type: 'webviewError';
  message: string;
}
/** Messages any webview may send to its host. */
export type CommonToHost = ReadyMessage | CopyToClipboardMessage | WebviewErrorMessage;

/** Sent by the host to put the webview into a busy or error state. */
export interface StatusMessage {
  type: 'status';
  busy: boolean;
  text?: string;
  error?: string;
}
export type CommonToWebview = StatusMessage;

export type { } from './protocol/index';
export * from './protocol/index';

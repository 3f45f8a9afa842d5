/**
 * The React shell every webview app starts from: theme base CSS, toolkit registration, an error boundary that
 * reports to the host instead of going blank, and the `ready` handshake.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import './base.css';
import { registerToolkit } from './toolkit';
import { postToHost } from './vscodeApi';

export * from './vscodeApi';
export * from './hooks';
export * from './toolkit';

class ErrorBoundary extends React.Component<{ children: React.ReactNode }, { error?: string }> {
  override state: { error?: string } = {};
  static getDerivedStateFromError(err: unknown) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  override componentDidCatch(err: unknown) {
    postToHost({ type: 'webviewError', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="error-banner" role="alert">
          Something went wrong in this view: {this.state.error}. Close and reopen it; details are in the iOpsData log.
        </div>
      );
    }
    return this.props.children;
  }
}

/** Mounts an app and tells the host it can start sending messages. */
export function startApp(app: React.ReactElement): void {
  registerToolkit();
  window.addEventListener('error', (e) => postToHost({ type: 'webviewError', message: String(e.message) }));
  const rootEl = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  createRoot(rootEl).render(<ErrorBoundary>{app}</ErrorBoundary>);
  postToHost({ type: 'ready' });
}

import { useEffect, useRef, useState, useCallback } from 'react';
import { vscodeApi, subscribeToHost } from './vscodeApi';

/** Calls `handler` for every message the host posts; the latest handler is always used. */
export function useHostMessages<T extends { type: string }>(handler: (message: T) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    return subscribeToHost((m) => ref.current(m as T));
  }, []);
}

/**
 * State that survives the webview being hidden, moved or reloaded (vscode.setState). Keys are merged into one
 * object per webview.
 */
export function usePersistedState<T>(key: string, initial: T): [T, (value: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => {
    const saved = vscodeApi().getState() as Record<string, unknown> | undefined;
    return saved && key in saved ? (saved[key] as T) : initial;
  });
  const set = useCallback(
    (next: T | ((prev: T) => T)) => {
      setValue((prev) => {
        const resolved = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
        const saved = (vscodeApi().getState() as Record<string, unknown> | undefined) ?? {};
        vscodeApi().setState({ ...saved, [key]: resolved });
        return resolved;
      });
    },
    [key],
  );
  return [value, set];
}

/** 'light' | 'dark' | 'high-contrast' | 'high-contrast-light', following VS Code's body classes. */
export function useThemeKind(): string {
  const read = () => {
    const c = document.body.classList;
    if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
    if (c.contains('vscode-high-contrast')) return 'high-contrast';
    if (c.contains('vscode-light')) return 'light';
    return 'dark';
  };
  const [kind, setKind] = useState(read);
  useEffect(() => {
    const obs = new MutationObserver(() => setKind(read()));
    obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return () => obs.disconnect();
  }, []);
  return kind;
}

/** Reads a VS Code theme colour (e.g. '--vscode-editor-foreground') for libraries that need concrete colours. */
export function themeColor(variable: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
  return v || fallback;
}

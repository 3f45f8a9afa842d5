/**
 * The only module that touches @vscode/webview-ui-toolkit (deprecated upstream in 2025): every app uses these thin
 * wrappers, so replacing the toolkit later changes this file alone. Events are wired with addEventListener because
 * the toolkit's custom events are not React synthetic events.
 */
import React, { useEffect, useRef } from 'react';
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextField,
  vsCodeBadge,
  vsCodeDivider,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeTag,
  vsCodeLink,
} from '@vscode/webview-ui-toolkit';

let registered = false;
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeTextField(),
    vsCodeBadge(),
    vsCodeDivider(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeTag(),
    vsCodeLink(),
  );
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace React.JSX {
    interface IntrinsicElements {
      [tag: `vscode-${string}`]: any;
    }
  }
}

function useEvent(ref: React.RefObject<HTMLElement | null>, event: string, handler?: (e: Event) => void): void {
  const h = useRef(handler);
  h.current = handler;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (e: Event) => h.current?.(e);
    el.addEventListener(event, listener);
    return () => el.removeEventListener(event, listener);
  }, [ref, event]);
}

export interface ButtonProps {
  children?: React.ReactNode;
  onClick?: () => void;
  appearance?: 'primary' | 'secondary' | 'icon';
  disabled?: boolean;
  title?: string;
  'aria-label'?: string;
  id?: string;
}
export function Button({ children, onClick, appearance = 'primary', disabled, title, id, ...rest }: ButtonProps) {
  const ref = useRef<HTMLElement>(null);
  useEvent(ref, 'click', () => {
    if (!disabled) onClick?.();
  });
  return (
    <vscode-button ref={ref} id={id} appearance={appearance} disabled={disabled || undefined} title={title} aria-label={rest['aria-label']}>
      {children}
    </vscode-button>
  );
}

export interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  children?: React.ReactNode;
  type?: 'text' | 'password' | 'email' | 'search' | 'number' | 'url';
  size?: number;
  id?: string;
  onEnter?: () => void;
}
export function TextField({ value, onChange, placeholder, children, type = 'text', size, id, onEnter }: TextFieldProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useEvent(ref, 'input', (e) => onChange((e.target as HTMLInputElement).value));
  useEvent(ref, 'keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') onEnter?.();
  });
  useEffect(() => {
    if (ref.current && ref.current.value !== value) ref.current.value = value;
  }, [value]);
  return (
    <vscode-text-field ref={ref} id={id} placeholder={placeholder} type={type} size={size}>
      {children}
    </vscode-text-field>
  );
}

export interface CheckboxProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children?: React.ReactNode;
}
export function Checkbox({ checked, onChange, children }: CheckboxProps) {
  const ref = useRef<HTMLElement & { checked: boolean }>(null);
  useEvent(ref, 'change', (e) => onChange(Boolean((e.target as HTMLInputElement).checked)));
  useEffect(() => {
    if (ref.current && ref.current.checked !== checked) ref.current.checked = checked;
  }, [checked]);
  return <vscode-checkbox ref={ref}>{children}</vscode-checkbox>;
}

export interface DropdownProps {
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
  id?: string;
  title?: string;
}
export function Dropdown({ value, options, onChange, id, title }: DropdownProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useEvent(ref, 'change', (e) => onChange((e.target as HTMLSelectElement).value));
  useEffect(() => {
    if (ref.current && ref.current.value !== value) ref.current.value = value;
  }, [value, options]);
  return (
    <vscode-dropdown ref={ref} id={id} title={title}>
      {options.map((o) => (
        <vscode-option key={o.value} value={o.value} selected={o.value === value || undefined}>
          {o.label}
        </vscode-option>
      ))}
    </vscode-dropdown>
  );
}

export function ProgressRing() {
  return <vscode-progress-ring />;
}
export function Badge({ children }: { children?: React.ReactNode }) {
  return <vscode-badge>{children}</vscode-badge>;
}
export function Tag({ children }: { children?: React.ReactNode }) {
  return <vscode-tag>{children}</vscode-tag>;
}
export function Divider() {
  return <vscode-divider />;
}

export interface TabsProps {
  tabs: { id: string; label: React.ReactNode; content: React.ReactNode }[];
  activeId?: string;
  onChange?: (id: string) => void;
}
/** Tabs as the toolkit's panels; `activeId` selects the tab. */
export function Tabs({ tabs, activeId, onChange }: TabsProps) {
  const ref = useRef<HTMLElement & { activeid?: string }>(null);
  useEvent(ref, 'change', (e) => {
    const id = (e.target as HTMLElement & { activeid?: string }).activeid;
    if (id && e.target === ref.current) onChange?.(id.replace(/^tab-/, ''));
  });
  return (
    <vscode-panels ref={ref} activeid={activeId ? `tab-${activeId}` : undefined}>
      {tabs.map((t) => (
        <vscode-panel-tab key={`tab-${t.id}`} id={`tab-${t.id}`}>
          {t.label}
        </vscode-panel-tab>
      ))}
      {tabs.map((t) => (
        <vscode-panel-view key={`view-${t.id}`} id={`view-${t.id}`}>
          {t.content}
        </vscode-panel-view>
      ))}
    </vscode-panels>
  );
}

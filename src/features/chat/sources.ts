/** Where a chat command finds its input: the prompt, #file references, the editor selection or the active file. */
import * as vscode from 'vscode';

/** SQL from the prompt when it looks like SQL, else the selection, else the whole active document. */
export function sqlFromContext(prompt: string, references: readonly vscode.ChatPromptReference[] = []): { sql?: string; rest: string; uri?: vscode.Uri } {
  const fence = /```(?:sql)?\s*\n([\s\S]*?)```/i.exec(prompt);
  if (fence) return { sql: fence[1].trim(), rest: prompt.replace(fence[0], ' ').trim() };
  if (/^\s*(select|with|insert|update|delete|merge|create|alter|drop)\b/i.test(prompt)) return { sql: prompt.trim(), rest: '' };
  for (const r of references) {
    if (r.value instanceof vscode.Location) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (r.value as vscode.Location).uri.toString());
      if (doc) return { sql: doc.getText((r.value as vscode.Location).range), rest: prompt, uri: doc.uri };
    }
  }
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const text = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
    if (text.trim()) return { sql: text.trim(), rest: prompt, uri: editor.document.uri };
  }
  return { rest: prompt };
}

/** A file to work on: a #file reference, a path in the prompt, or the active editor's file. */
export async function fileFromContext(prompt: string, references: readonly vscode.ChatPromptReference[] = [], o: { orActiveEditor?: boolean } = {}): Promise<vscode.Uri | undefined> {
  for (const r of references) {
    if (r.value instanceof vscode.Uri) return r.value;
    if (r.value instanceof vscode.Location) return r.value.uri;
  }
  const token = prompt.trim().split(/\s+/).find((w) => /\.[A-Za-z0-9]{2,8}$/.test(w));
  if (token) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const candidate = token.startsWith('/') ? vscode.Uri.file(token) : folder ? vscode.Uri.joinPath(folder, token) : undefined;
    if (candidate) {
      try {
        await vscode.workspace.fs.stat(candidate);
        return candidate;
      } catch {}
    }
    const found = await vscode.workspace.findFiles(`**/${token.replace(/[{}[\]*?]/g, '')}`, '**/node_modules/**', 1);
    if (found[0]) return found[0];
  }
  if (o.orActiveEditor === false) return undefined;
  const editor = vscode.window.activeTextEditor;
  return editor && editor.document.uri.scheme === 'file' ? editor.document.uri : undefined;
}

/** SQL written in the prompt itself (a fenced block or a statement), not taken from an editor. */
export function sqlInPrompt(prompt: string): boolean {
  return /```(?:sql)?\s*\n[\s\S]*?```/i.test(prompt) || /^\s*(select|with|insert|update|delete|merge|create|alter|drop)\b/i.test(prompt);
}

/**
 * The data files (CSV/TSV/Parquet/JSON, also .gz/.zst) of the open workspace, as the "Workspace files" connection's
 * tree lists them: searched only when that node is expanded, capped, with the user's `files.exclude` (plus
 * node_modules/.git) left out, and a file watcher that tells the tree when files appear, disappear or change.
 */
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { dataFileGlob, excludeGlob, sqlPathFor } from '../../core/connections/dataFiles';

/** How many files the tree lists at most; past that it says so and the filter narrows the search. */
export const MAX_LISTED_FILES = 1000;
/** With a filter, how many files are searched for matches (so a file past the first 1,000 can still be found). */
const MAX_SEARCHED_WITH_FILTER = 50_000;

export interface DataFile {
  uri: vscode.Uri;
  /** How SQL on the Workspace files connection names the file (relative to the first folder, else absolute). */
  sqlPath: string;
  /** Path shown in the tree: relative to its workspace folder (prefixed by the folder name in multi-root). */
  relative: string;
  size?: number;
}

export interface DataFileListing {
  files: DataFile[];
  /** True when there were more files than the cap. */
  capped: boolean;
}

export class WorkspaceDataFiles implements vscode.Disposable {
  private readonly listChanged = new vscode.EventEmitter<void>();
  private readonly fileChanged = new vscode.EventEmitter<vscode.Uri>();
  /** The set of files changed (created, deleted, excluded, folders added/removed). */
  readonly onDidChangeList = this.listChanged.event;
  /** One file's content changed (its columns may have). */
  readonly onDidChangeFile = this.fileChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.listChanged, this.fileChanged];
  private timer: NodeJS.Timeout | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;

  constructor(private readonly cap = MAX_LISTED_FILES) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude')) this.scheduleListChange();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleListChange()),
    );
  }

  /** The watcher starts with the first listing: nobody pays for it until the node is expanded. */
  private ensureWatcher(): void {
    if (this.watcher) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(dataFileGlob());
    this.disposables.push(
      this.watcher,
      this.watcher.onDidCreate(() => this.scheduleListChange()),
      this.watcher.onDidDelete(() => this.scheduleListChange()),
      this.watcher.onDidChange((uri) => this.fileChanged.fire(uri)),
    );
  }

  /** Many files arrive at once (a git checkout, an unzip): redraw once after they settle. */
  private scheduleListChange(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.listChanged.fire(), 300);
  }

  /** `filter`: keep paths containing it (case-insensitive), searched over far more files than the cap. */
  async list(token?: vscode.CancellationToken, filter = ''): Promise<DataFileListing> {
    const wanted = filter.trim().toLowerCase();
    const limit = wanted ? MAX_SEARCHED_WITH_FILTER : this.cap + 1;
    this.ensureWatcher();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const root = folders[0]?.uri.fsPath;
    const multi = folders.length > 1;
    const found: DataFile[] = [];
    for (const folder of folders) {
      const exclude = excludeGlob(vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude'));
      const left = limit - found.length;
      if (left <= 0) break;
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, dataFileGlob()), new vscode.RelativePattern(folder, exclude), left, token);
      for (const uri of uris) {
        const rel = vscode.workspace.asRelativePath(uri, false);
        const relative = multi ? `${folder.name}/${rel}` : rel;
        if (!wanted || relative.toLowerCase().includes(wanted)) found.push({ uri, sqlPath: sqlPathFor(uri.fsPath, root), relative });
      }
    }
    const capped = found.length > this.cap;
    const files = found.sort((a, b) => a.relative.localeCompare(b.relative)).slice(0, this.cap);
    await Promise.all(
      files.map(async (f) => {
        try {
          f.size = (await stat(f.uri.fsPath)).size;
        } catch {}
      }),
    );
    return { files, capped };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

export function formatBytes(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * Host side of the chart webview's `exportChart` message, for every panel that embeds ChartView (results grid,
 * Ask, the standalone Chart panel): validate the payload, ask where to save, write the file.
 */
import * as vscode from 'vscode';
import { chartExportFile } from '../../core/charts/export';
import { userMessage } from '../../core/errors';

/** Returns the saved file, or undefined when the user cancelled or the payload was refused (already reported). */
export async function saveChartExport(message: unknown, log: vscode.LogOutputChannel): Promise<vscode.Uri | undefined> {
  let file;
  try {
    file = chartExportFile(message);
  } catch (err) {
    log.warn(`chart export refused: ${userMessage(err)}`);
    void vscode.window.showErrorMessage(userMessage(err));
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, file.fileName) : undefined,
    filters: file.fileName.endsWith('.png') ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    saveLabel: 'Export Chart',
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, file.bytes);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not save the chart: ${userMessage(err)}`);
    return undefined;
  }
  log.info(`chart exported to ${target.fsPath} (${file.bytes.length} bytes)`);
  return target;
}

/**
 * Clipboard text for copied cells/rows: tab-separated, one row per line, the format spreadsheets paste. Tabs and
 * newlines inside a value would break the grid, so such values are quoted the way Excel/Sheets expect.
 * NULL becomes an empty cell (the clipboard has no NULL); use `nullText` to make it visible.
 */
export function tsvCell(value: unknown, nullText = ''): string {
  if (value === null || value === undefined) return nullText;
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\t\n\r"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toTsv(rows: readonly (readonly unknown[])[], header?: readonly string[], nullText = ''): string {
  const lines: string[] = [];
  if (header) lines.push(header.map((h) => tsvCell(h)).join('\t'));
  for (const r of rows) lines.push(r.map((v) => tsvCell(v, nullText)).join('\t'));
  return lines.join('\n');
}

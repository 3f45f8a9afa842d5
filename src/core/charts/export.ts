/**
 * Host-side check of an exportChart message before anything is written: the webview is untrusted input, so the
 * format, the payload (a real PNG / an SVG document, bounded size) and the file name (no directories, no control
 * characters, the right extension) are validated here.
 */
import { UserError } from '../errors';

export const MAX_EXPORT_BYTES = 40 * 1024 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ChartExportFile {
  fileName: string;
  bytes: Buffer;
}

export function chartExportFile(msg: unknown): ChartExportFile {
  const m = (msg ?? {}) as { format?: unknown; dataBase64?: unknown; svgText?: unknown; suggestedName?: unknown };
  if (m.format !== 'png' && m.format !== 'svg') throw new UserError('Chart export failed: the format must be PNG or SVG.');
  const fileName = safeFileName(typeof m.suggestedName === 'string' ? m.suggestedName : '', m.format);
  if (m.format === 'png') {
    if (typeof m.dataBase64 !== 'string' || m.dataBase64.length === 0) throw new UserError('Chart export failed: the PNG image is missing.');
    if (m.dataBase64.length > (MAX_EXPORT_BYTES * 4) / 3 + 4) throw new UserError('Chart export failed: the image is larger than 40 MB.');
    const bytes = Buffer.from(m.dataBase64.replace(/^data:image\/png;base64,/, ''), 'base64');
    if (bytes.length < PNG_MAGIC.length || !bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) {
      throw new UserError('Chart export failed: the image is not a PNG.');
    }
    return { fileName, bytes };
  }
  if (typeof m.svgText !== 'string' || !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(m.svgText)) throw new UserError('Chart export failed: the SVG document is missing or malformed.');
  const bytes = Buffer.from(m.svgText, 'utf8');
  if (bytes.length > MAX_EXPORT_BYTES) throw new UserError('Chart export failed: the SVG is larger than 40 MB.');
  return { fileName, bytes };
}

/** "../Revenue: by/month" → "Revenue- by-month.png"; empty → "chart.png". */
export function safeFileName(name: string, ext: 'png' | 'svg'): string {
  let base = name
    .replace(/\.(png|svg)$/i, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, 120);
  if (!base) base = 'chart';
  return `${base}.${ext}`;
}

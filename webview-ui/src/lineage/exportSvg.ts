/**
 * A standalone SVG document of the laid-out graph, written from the data (not cloned from the canvas, which only
 * holds what is on screen at the current level of detail): every shown node with all its columns, every edge, the
 * current column highlight. Theme colours are resolved to concrete values so the file looks the same outside VS
 * Code; every name is XML-escaped.
 */
import type { GraphIndex } from './graphIndex';
import { cellKey } from './graphIndex';
import { HEADER, ROW, type Layout } from './layout';
import type { EdgeShape } from './geometry';

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  nodeFill: string;
  nodeBorder: string;
  edge: string;
  hot: string;
  kinds: Record<string, string>;
  font: string;
  monoFont: string;
}

export function escapeXml(s: string): string {
  // Characters XML 1.0 forbids are dropped (a name can hold anything a database allows).
  return s
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function truncate(s: string, maxChars: number): string {
  return s.length > maxChars ? s.slice(0, Math.max(1, maxChars - 1)) + '…' : s;
}

export interface ExportInput {
  ix: GraphIndex;
  layout: Layout;
  shapes: EdgeShape[];
  palette: Palette;
  title: string;
  /** Column path to highlight. */
  hot?: { cells: Set<string>; edges: Set<number> };
}

export function exportSvg({ ix, layout, shapes, palette: p, title, hot }: ExportInput): string {
  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${escapeXml(p.font)}" font-size="12">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="${escapeXml(p.background)}"/>`);
  out.push(`<g fill="none" stroke="${escapeXml(p.edge)}">`);
  for (const s of shapes) {
    const isHot = hot?.edges.has(s.index);
    const opacity = isHot ? 1 : s.column ? (hot ? 0.15 : 0.55) : 0.9;
    out.push(`<path d="${s.d}" stroke-width="${isHot ? 2.5 : s.column ? 1 : 1.4}" stroke-opacity="${opacity}"${isHot ? ` stroke="${escapeXml(p.hot)}"` : ''}/>`);
  }
  out.push(`</g>`);
  for (const n of ix.graph.nodes) {
    const pl = layout.nodes.get(n.id);
    if (!pl) continue;
    const border = p.kinds[n.kind] ?? p.nodeBorder;
    out.push(`<g class="node" transform="translate(${pl.x.toFixed(1)},${pl.y.toFixed(1)})">`);
    out.push(`<rect width="${pl.width}" height="${pl.height}" rx="4" fill="${escapeXml(p.nodeFill)}" stroke="${escapeXml(border)}" stroke-width="1.5"${n.kind === 'cte' ? ' stroke-dasharray="4 3"' : ''}/>`);
    out.push(`<text x="8" y="17" font-weight="600" fill="${escapeXml(p.foreground)}">${escapeXml(truncate(n.label, Math.floor((pl.width - 70) / 7.4)))}</text>`);
    out.push(`<text x="${pl.width - 8}" y="17" text-anchor="end" font-size="10" fill="${escapeXml(p.muted)}">${escapeXml(n.kind)}</text>`);
    n.columns.forEach((c, i) => {
      const isHot = hot?.cells.has(cellKey(n.id, c));
      out.push(
        `<text x="12" y="${HEADER + i * ROW + 13}" font-family="${escapeXml(p.monoFont)}" fill="${escapeXml(isHot ? p.hot : p.foreground)}"${isHot ? ' font-weight="700"' : ''}>${escapeXml(truncate(c, Math.floor((pl.width - 24) / 7.3)))}</text>`,
      );
    });
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join('\n');
}

/** Reads the theme's colours from VS Code's CSS variables, with neutral fallbacks outside VS Code. */
export function themePalette(read: (variable: string) => string): Palette {
  const v = (name: string, fallback: string) => read(name).trim() || fallback;
  return {
    background: v('--vscode-editor-background', '#ffffff'),
    foreground: v('--vscode-editor-foreground', '#1f1f1f'),
    muted: v('--vscode-descriptionForeground', '#717171'),
    nodeFill: v('--vscode-editorWidget-background', '#f3f3f3'),
    nodeBorder: v('--vscode-editorWidget-border', '#c8c8c8'),
    edge: v('--vscode-editorLineNumber-foreground', '#8a8a8a'),
    hot: v('--vscode-charts-orange', '#d18616'),
    kinds: {
      target: v('--vscode-charts-green', '#388a34'),
      intermediate: v('--vscode-charts-yellow', '#bf8803'),
      source: v('--vscode-charts-blue', '#1a85ff'),
      model: v('--vscode-charts-blue', '#1a85ff'),
      seed: v('--vscode-charts-purple', '#652d90'),
      path: v('--vscode-charts-purple', '#652d90'),
      result: v('--vscode-charts-green', '#388a34'),
      cte: v('--vscode-descriptionForeground', '#717171'),
      table: v('--vscode-charts-blue', '#1a85ff'),
    },
    font: v('--vscode-font-family', 'system-ui, sans-serif'),
    monoFont: v('--vscode-editor-font-family', 'monospace'),
  };
}

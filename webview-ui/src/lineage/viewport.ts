/**
 * Pan/zoom arithmetic for the graph canvas: a view is `screen = graph * k + (x, y)`. Also the culling window (the
 * part of the graph that is drawn: what is on screen plus a margin, so small pans need no re-render) and the level
 * of detail for a zoom factor.
 */
export interface View {
  x: number;
  y: number;
  k: number;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 4;

export const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** Whole graph in the viewport with a margin, never magnified beyond 1.25×. */
export function fitView(graphW: number, graphH: number, screenW: number, screenH: number): View {
  if (graphW <= 0 || graphH <= 0 || screenW <= 0 || screenH <= 0) return { x: 0, y: 0, k: 1 };
  const k = clampZoom(Math.min(1.25, (screenW - 24) / graphW, (screenH - 24) / graphH));
  return { k, x: (screenW - graphW * k) / 2, y: (screenH - graphH * k) / 2 };
}

/** Zoom by `factor` keeping the graph point under (sx, sy) where it is. */
export function zoomAt(v: View, factor: number, sx: number, sy: number): View {
  const k = clampZoom(v.k * factor);
  return { k, x: sx - ((sx - v.x) * k) / v.k, y: sy - ((sy - v.y) * k) / v.k };
}

/** Puts the graph point (gx, gy) at the centre of the screen at zoom k. */
export function centreOn(gx: number, gy: number, k: number, screenW: number, screenH: number): View {
  return { k, x: screenW / 2 - gx * k, y: screenH / 2 - gy * k };
}

/** The graph-space rectangle the screen shows. */
export function visibleRect(v: View, screenW: number, screenH: number): Rect {
  return { x0: -v.x / v.k, y0: -v.y / v.k, x1: (screenW - v.x) / v.k, y1: (screenH - v.y) / v.k };
}

/** `r` grown by `f` of its size on every side. */
export function expand(r: Rect, f: number): Rect {
  const dx = (r.x1 - r.x0) * f;
  const dy = (r.y1 - r.y0) * f;
  return { x0: r.x0 - dx, y0: r.y0 - dy, x1: r.x1 + dx, y1: r.y1 + dy };
}

export const contains = (outer: Rect, inner: Rect) => inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1;

export const intersects = (r: Rect, x0: number, y0: number, x1: number, y1: number) => x1 >= r.x0 && x0 <= r.x1 && y1 >= r.y0 && y0 <= r.y1;

/**
 * Level of detail: 2 = everything; 1 = node boxes and titles, no column rows or column edges (unreadable at that
 * size anyway, and they are most of the SVG); 0 = boxes and table edges only.
 */
export type Detail = 0 | 1 | 2;
export const detailFor = (k: number): Detail => (k >= 0.5 ? 2 : k >= 0.22 ? 1 : 0);

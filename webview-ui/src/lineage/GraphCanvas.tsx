/**
 * The graph as SVG with pan (drag, arrow keys), zoom (wheel, +/-) and culling: only nodes and edges inside a window
 * around the viewport are in the DOM, at a level of detail that drops column rows when they would be too small to
 * read. Zooming moves one transform and a drag slides the painted SVG on the compositor; the node layer re-renders
 * only when the viewport leaves its window or the level of detail changes. All data is rendered as text nodes.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { GraphIndex, ColumnPath, SearchResult } from './graphIndex';
import { cellKey } from './graphIndex';
import { HEADER, ROW, type Layout } from './layout';
import type { EdgeShape } from './geometry';
import { truncate } from './exportSvg';
import { contains, detailFor, expand, intersects, visibleRect, zoomAt, type Detail, type Rect, type View } from './viewport';

export interface CanvasActions {
  open(id: string): void;
  selectColumn(node: string, column: string): void;
  setFocus(id: string): void;
}

interface Props {
  ix: GraphIndex;
  layout: Layout;
  shapes: EdgeShape[];
  view: View;
  setView: (v: View | ((prev: View) => View)) => void;
  onSize: (w: number, h: number) => void;
  onFit: () => void;
  actions: CanvasActions;
  path?: ColumnPath;
  selected?: { node: string; column: string };
  search: SearchResult;
  current?: string;
  focus?: string;
}

const KIND_HINT: Record<string, string> = {
  source: 'source table',
  target: 'target table (written)',
  intermediate: 'intermediate table (written, then read)',
  cte: 'CTE',
  result: 'query result',
  path: 'file path',
  model: 'dbt model',
  seed: 'dbt seed',
  table: 'table',
};

/** The SVG reaches this fraction of the visible size past each edge, so a drag can slide it without blank borders. */
const PAD = 0.25;

export function GraphCanvas(p: Props) {
  const stageRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [win, setWin] = useState<{ rect: Rect; detail: Detail; layout: Layout } | undefined>();
  const drag = useRef<{ sx: number; sy: number; vx: number; vy: number; id: number; moved: boolean; dx: number; dy: number; cx: number; cy: number } | undefined>(undefined);
  // A click that ends a drag is not a click on the node under the pointer.
  const suppressClick = useRef(false);
  const viewRef = useRef(p.view);
  viewRef.current = p.view;
  const props = useRef(p);
  props.current = p;
  const pad = { x: Math.round(size.w * PAD), y: Math.round(size.h * PAD) };

  useEffect(() => {
    const stage = stageRef.current!;
    const ro = new ResizeObserver(() => {
      const r = stage.getBoundingClientRect();
      setSize({ w: r.width, h: r.height });
      props.current.onSize(r.width, r.height);
    });
    ro.observe(stage);
    // Native, non-passive: the webview must not scroll or zoom the page itself.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      if (drag.current?.moved) return;
      const r = stage.getBoundingClientRect();
      const step = e.deltaMode === 1 ? e.deltaY * 0.05 : e.deltaY * 0.0015;
      props.current.setView((v) => zoomAt(v, Math.exp(-Math.max(-0.5, Math.min(0.5, step))), e.clientX - r.left, e.clientY - r.top));
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      ro.disconnect();
      stage.removeEventListener('wheel', onWheel);
    };
  }, []);

  // Move the drawn window only when the viewport leaves it (or the detail level or layout changes).
  useEffect(() => {
    if (!size.w || !size.h) return;
    const vis = expand(visibleRect(p.view, size.w, size.h), PAD);
    const detail = detailFor(p.view.k);
    if (!win || win.layout !== p.layout || win.detail !== detail || !contains(win.rect, vis)) {
      setWin({ rect: expand(visibleRect(p.view, size.w, size.h), 0.6), detail, layout: p.layout });
    }
  }, [p.view, size, p.layout, win]);

  /**
   * A drag slides the already painted SVG with a CSS transform (the compositor moves it; nothing is repainted) and
   * only hands the offset to the view, which repaints, when the slide would uncover the SVG's edge or the drag ends.
   */
  const commitDrag = () => {
    const d = drag.current;
    if (!d || (d.dx === d.cx && d.dy === d.cy)) return;
    const x = d.vx + d.dx;
    const y = d.vy + d.dy;
    flushSync(() => p.setView((v) => ({ ...v, x, y })));
    d.cx = d.dx;
    d.cy = d.dy;
    svgRef.current!.style.transform = '';
  };

  const endDrag = (commit: boolean) => {
    if (commit) commitDrag();
    if (drag.current?.moved) {
      suppressClick.current = true;
      stageRef.current?.classList.remove('dragging');
    }
    if (svgRef.current) svgRef.current.style.transform = '';
    drag.current = undefined;
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const pan = (dx: number, dy: number) => p.setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    const zoom = (f: number) => p.setView((v) => zoomAt(v, f, size.w / 2, size.h / 2));
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(60, 0),
      ArrowRight: () => pan(-60, 0),
      ArrowUp: () => pan(0, 60),
      ArrowDown: () => pan(0, -60),
      '+': () => zoom(1.2),
      '=': () => zoom(1.2),
      '-': () => zoom(1 / 1.2),
      '0': p.onFit,
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  return (
    <div
      ref={stageRef}
      className="lineage-stage"
      role="img"
      aria-label="Lineage graph: drag to pan, wheel or +/- to zoom, 0 to fit"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        drag.current = { sx: e.clientX, sy: e.clientY, vx: viewRef.current.x, vy: viewRef.current.y, id: e.pointerId, moved: false, dx: 0, dy: 0, cx: 0, cy: 0 };
        suppressClick.current = false;
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        const dx = e.clientX - d.sx;
        const dy = e.clientY - d.sy;
        if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
        if (!d.moved) {
          d.moved = true;
          // Captured only once it is a drag: capturing on pointerdown would retarget the click away from the node.
          try {
            stageRef.current!.setPointerCapture(d.id);
          } catch {
            // The pointer is already gone (released outside the window): the drag simply ends at pointerup.
          }
          stageRef.current!.classList.add('dragging');
        }
        d.dx = dx;
        d.dy = dy;
        const tx = dx - d.cx;
        const ty = dy - d.cy;
        if (Math.abs(tx) > pad.x * 0.9 || Math.abs(ty) > pad.y * 0.9) commitDrag();
        else svgRef.current!.style.transform = `translate(${tx}px, ${ty}px)`;
      }}
      onPointerUp={() => endDrag(true)}
      onPointerCancel={() => endDrag(true)}
    >
      <svg ref={svgRef} className="lineage-canvas" style={{ left: -pad.x, top: -pad.y, width: size.w + 2 * pad.x, height: size.h + 2 * pad.y }}>
        <g className="lineage-viewport" transform={`translate(${p.view.x + pad.x},${p.view.y + pad.y}) scale(${p.view.k})`}>
          {win && win.layout === p.layout && (
            <Layer
              ix={p.ix}
              layout={p.layout}
              shapes={p.shapes}
              rect={win.rect}
              detail={win.detail}
              path={p.path}
              selected={p.selected}
              search={p.search}
              current={p.current}
              focus={p.focus}
              actions={p.actions}
              suppressClick={suppressClick}
            />
          )}
        </g>
      </svg>
    </div>
  );
}

interface LayerProps {
  ix: GraphIndex;
  layout: Layout;
  shapes: EdgeShape[];
  rect: Rect;
  detail: Detail;
  path?: ColumnPath;
  selected?: { node: string; column: string };
  search: SearchResult;
  current?: string;
  focus?: string;
  actions: CanvasActions;
  suppressClick: React.MutableRefObject<boolean>;
}

const Layer = memo(function Layer({ ix, layout, shapes, rect, detail, path, selected, search, current, focus, actions, suppressClick }: LayerProps) {
  const { tableD, columnD, hot } = useMemo(() => {
    const table: string[] = [];
    const column: string[] = [];
    const hotShapes: EdgeShape[] = [];
    for (const s of shapes) {
      if (path?.edges.has(s.index)) {
        hotShapes.push(s);
        continue;
      }
      if (s.column && detail < 2) continue;
      if (!intersects(rect, s.x0, s.y0, s.x1, s.y1)) continue;
      (s.column ? column : table).push(s.d);
    }
    return { tableD: table.join(''), columnD: column.join(''), hot: hotShapes };
  }, [shapes, rect, detail, path]);

  const matches = useMemo(() => new Set(search.nodes), [search]);
  const clickGuard = (fn: () => void) => (e: React.MouseEvent) => {
    e.stopPropagation();
    if (suppressClick.current) return;
    fn();
  };

  const nodes: React.ReactNode[] = [];
  // Overview (detail 0): every box of a kind is one <path>, so a fitted 1,000-node graph is a handful of elements.
  const overview = new Map<string, string[]>();
  for (const n of ix.graph.nodes) {
    const pl = layout.nodes.get(n.id);
    if (!pl || !intersects(rect, pl.x, pl.y, pl.x + pl.width, pl.y + pl.height)) continue;
    const marked = matches.has(n.id) || current === n.id || focus === n.id;
    if (detail === 0 && !marked) {
      const list = overview.get(n.kind) ?? [];
      list.push(`M${Math.round(pl.x)} ${Math.round(pl.y)}h${Math.round(pl.width)}v${Math.round(pl.height)}h${-Math.round(pl.width)}z`);
      overview.set(n.kind, list);
      continue;
    }
    const cls = ['lineage-node', `kind-${n.kind}`];
    if (matches.has(n.id)) cls.push('match');
    if (current === n.id) cls.push('current');
    if (focus === n.id) cls.push('focus');
    const maxTitle = Math.floor((pl.width - (detail ? 70 : 16)) / 7.4);
    nodes.push(
      <g key={n.id} className={cls.join(' ')} transform={`translate(${pl.x},${pl.y})`} data-id={n.id} onDoubleClick={clickGuard(() => actions.setFocus(n.id))}>
        <rect width={pl.width} height={pl.height} rx={4} />
        {detail > 0 && n.columns.length > 0 && <line className="lineage-node-rule" x1={0} x2={pl.width} y1={HEADER} y2={HEADER} />}
        <text
          x={8}
          y={17}
          className="lineage-node-title"
          role="link"
          tabIndex={0}
          onClick={clickGuard(() => actions.open(n.id))}
          onKeyDown={(e) => {
            // Keyboard users: Enter opens the definition, Space centres the depth controls here.
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              e.stopPropagation();
              if (e.key === 'Enter') actions.open(n.id);
              else actions.setFocus(n.id);
            }
          }}
        >
          <title>{`${n.label}\n${KIND_HINT[n.kind] ?? n.kind}. Click to open its definition; double-click to centre the depth controls here.`}</title>
          {truncate(n.label, maxTitle)}
        </text>
        {detail > 0 && (
          <text x={pl.width - 8} y={17} textAnchor="end" className="lineage-node-kind">
            {n.kind}
          </text>
        )}
        {detail === 2 &&
          n.columns.map((c, i) => {
            const k = cellKey(n.id, c);
            const ccls = ['lineage-column'];
            if (path?.cells.has(k)) ccls.push('hot');
            if (selected && selected.node === n.id && selected.column.toLowerCase() === c.toLowerCase()) ccls.push('selected');
            if (search.cells.has(k)) ccls.push('match');
            return (
              <g key={c} className={ccls.join(' ')} data-column={c} onClick={clickGuard(() => actions.selectColumn(n.id, c))}>
                <rect className="lineage-column-hit" x={1} y={HEADER + i * ROW} width={pl.width - 2} height={ROW} />
                <text x={12} y={HEADER + i * ROW + 13}>
                  {truncate(c, Math.floor((pl.width - 24) / 7.3))}
                </text>
              </g>
            );
          })}
      </g>,
    );
  }

  return (
    <>
      <path className="lineage-edges table" d={tableD} />
      {columnD && <path className="lineage-edges column" d={columnD} />}
      {hot.map((s) => (
        <path key={s.index} className="lineage-edge hot" d={s.d} />
      ))}
      {[...overview].map(([kind, d]) => (
        <path key={kind} className={`lineage-overview kind-${kind}`} d={d.join('')} />
      ))}
      {nodes}
    </>
  );
});

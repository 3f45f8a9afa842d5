/**
 * The lineage panel: tables, CTEs and targets (or dbt models) as nodes with their columns; table and column flows
 * as edges; layout, pan/zoom/fit, search, upstream/downstream depth around a centre node, click to open a node's
 * definition, click a column for its full upstream and downstream path, export SVG/PNG. Colours are VS Code theme
 * variables (lineage.css), so it follows the theme.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useHostMessages, postToHost, initialState, Button, TextField, Dropdown } from '../shell';
import type { LineageInitialState, LineageToHost, LineageToWebview, LineageViewGraph } from '../../../src/shared/protocol/lineage';
import { indexGraph, neighbourhood, columnPath, searchGraph } from './graphIndex';
import { layout as computeLayout, DAGRE_MAX_NODES, type Layout } from './layout';
import { edgeShapes } from './geometry';
import { exportSvg, themePalette } from './exportSvg';
import { GraphCanvas, type CanvasActions } from './GraphCanvas';
import { centreOn, fitView, zoomAt, type View } from './viewport';

const DEPTH_OPTIONS = ['1', '2', '3', '5', 'all'].map((d) => ({ value: d, label: d }));
const toDepth = (v: string) => (v === 'all' ? Infinity : Number(v));
/** Depth around the centre a big graph opens with: its whole extent is rarely what one wants to see first. */
const BIG_GRAPH_DEPTH = '3';

const post = (m: LineageToHost) => postToHost(m);

export function LineageApp() {
  const init = initialState<LineageInitialState>();
  const mode = init?.mode ?? 'file';
  const [title, setTitle] = useState(init?.title ?? 'Lineage');
  const [graph, setGraph] = useState<LineageViewGraph | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [cursor, setCursor] = useState(-1);
  const [focus, setFocus] = useState<string | undefined>();
  const [up, setUp] = useState('all');
  const [down, setDown] = useState('all');
  const [selected, setSelected] = useState<{ node: string; column: string } | undefined>();
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const [lay, setLay] = useState<Layout | undefined>();
  const [laying, setLaying] = useState(false);
  const size = useRef({ w: 0, h: 0 });
  const cache = useRef(new Map<string, Layout>());
  const lastTitle = useRef<string | undefined>(undefined);
  const fitPending = useRef(true);

  useHostMessages<LineageToWebview>((m) => {
    if (m.type === 'lineageGraph') {
      const sameView = lastTitle.current === m.title;
      lastTitle.current = m.title;
      cache.current.clear();
      setGraph(m.graph);
      setTitle(m.title);
      setError(undefined);
      // A refresh of the same view (a dbt file changed) keeps what the user set; a new file starts afresh.
      if (!sameView) {
        setFocus(m.graph.focus);
        setSelected(undefined);
        const big = m.graph.nodes.length > DAGRE_MAX_NODES && !!m.graph.focus;
        setUp(big ? BIG_GRAPH_DEPTH : 'all');
        setDown(big ? BIG_GRAPH_DEPTH : 'all');
        fitPending.current = true;
      } else {
        setFocus((f) => (f && m.graph.nodes.some((n) => n.id === f) ? f : m.graph.focus));
        setSelected((s) => (s && m.graph.nodes.some((n) => n.id === s.node) ? s : undefined));
      }
    } else if (m.type === 'lineageError') setError(m.message);
  });

  const ix = useMemo(() => (graph ? indexGraph(graph) : undefined), [graph]);
  const layoutKey = `${focus ?? ''}|${up}|${down}`;

  // Layout runs after the frame that shows "Laying out…", so a big graph never leaves the panel blank and frozen.
  useEffect(() => {
    if (!ix) return;
    const cached = cache.current.get(layoutKey);
    if (cached) {
      setLay(cached);
      return;
    }
    setLaying(true);
    const timer = setTimeout(() => {
      const visible = neighbourhood(ix, focus, toDepth(up), toDepth(down));
      const result = computeLayout(ix, visible);
      cache.current.set(layoutKey, result);
      setLay(result);
      setLaying(false);
    }, 0);
    return () => clearTimeout(timer);
  }, [ix, layoutKey, focus, up, down]);

  const shapes = useMemo(() => (ix && lay ? edgeShapes(ix, lay) : []), [ix, lay]);
  const path = useMemo(() => (ix && selected ? columnPath(ix, selected.node, selected.column) : undefined), [ix, selected]);
  const found = useMemo(() => (ix ? searchGraph(ix, search) : { nodes: [], cells: new Set<string>() }), [ix, search]);
  const shownMatches = useMemo(() => found.nodes.filter((id) => lay?.nodes.has(id)), [found, lay]);
  const current = cursor >= 0 ? shownMatches[cursor % Math.max(1, shownMatches.length)] : undefined;

  const fit = useCallback(() => {
    if (lay) setView(fitView(lay.width, lay.height, size.current.w, size.current.h));
  }, [lay]);

  const centreNode = useCallback(
    (id: string, minZoom: number) => {
      const p = lay?.nodes.get(id);
      if (p) setView((v) => centreOn(p.x + p.width / 2, p.y + p.height / 2, Math.max(v.k, minZoom), size.current.w, size.current.h));
    },
    [lay],
  );

  // First view of a new graph or depth: fit it, or, when that would be too small to read, centre on the focus node.
  const initialView = useCallback(() => {
    if (!lay || !fitPending.current || size.current.w <= 0) return;
    fitPending.current = false;
    const fitted = fitView(lay.width, lay.height, size.current.w, size.current.h);
    const f = focus ? lay.nodes.get(focus) : undefined;
    setView(fitted.k < 0.3 && f ? centreOn(f.x + f.width / 2, f.y + f.height / 2, 0.8, size.current.w, size.current.h) : fitted);
  }, [lay, focus]);

  useEffect(() => {
    if (!lay || !ix) return;
    initialView();
    // Tell the host what is on screen once it is painted (tests and the benchmark wait for this).
    let raf = requestAnimationFrame(() => {
      raf = requestAnimationFrame(() =>
        post({ type: 'rendered', title: lastTitle.current ?? title, nodes: lay.nodes.size, totalNodes: ix.graph.nodes.length, edges: ix.graph.edges.length, layoutMs: lay.ms, engine: lay.engine }),
      );
    });
    return () => cancelAnimationFrame(raf);
  }, [lay]);

  useEffect(() => {
    fitPending.current = true;
  }, [layoutKey]);

  const actions = useMemo<CanvasActions>(
    () => ({
      open: (id) => post({ type: 'openNode', id }),
      selectColumn: (node, column) => setSelected((s) => (s && s.node === node && s.column.toLowerCase() === column.toLowerCase() ? undefined : { node, column })),
      setFocus: (id) => setFocus(id),
    }),
    [],
  );

  const onSize = useCallback(
    (w: number, h: number) => {
      size.current = { w, h };
      initialView();
    },
    [initialView],
  );

  const nextMatch = () => {
    if (!shownMatches.length) return;
    const next = (cursor + 1) % shownMatches.length;
    setCursor(next);
    centreNode(shownMatches[next], 0.8);
  };

  const buildSvg = () => {
    if (!ix || !lay) return undefined;
    const style = getComputedStyle(document.documentElement);
    return exportSvg({ ix, layout: lay, shapes, palette: themePalette((v) => style.getPropertyValue(v)), title, hot: path });
  };

  const onExport = (format: 'svg' | 'png') => {
    const svg = buildSvg();
    if (!svg || !lay) return;
    if (format === 'svg') return post({ type: 'exportImage', format, data: svg });
    // Rasterised at up to 2× but within what a canvas can hold (about 32 megapixels, 16k per side).
    const scale = Math.min(2, Math.sqrt(32e6 / (lay.width * lay.height)), 16000 / lay.width, 16000 / lay.height);
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(lay.width * scale));
      canvas.height = Math.max(1, Math.round(lay.height * scale));
      const ctx = canvas.getContext('2d')!;
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      post({ type: 'exportImage', format, data: canvas.toDataURL('image/png') });
    };
    img.onerror = () => setError('Could not render the graph as PNG; export it as SVG instead.');
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
  };

  if (error) return <div className="error-banner" role="alert">{error}</div>;
  if (!graph || !ix) return <div className="lineage-empty">Analysing…</div>;

  const focusNode = focus ? ix.byId.get(focus) : undefined;
  const selectedNode = selected ? ix.byId.get(selected.node) : undefined;
  const hiddenMatches = found.nodes.length - shownMatches.length;

  return (
    <div className={`lineage-app mode-${mode}${path ? ' has-path' : ''}`}>
      <div className="lineage-toolbar" role="toolbar">
        <strong className="lineage-title" title={title}>{title}</strong>
        <div className="lineage-search">
          <TextField
            placeholder="Search tables or columns"
            value={search}
            onChange={(v) => {
              setSearch(v);
              setCursor(-1);
            }}
            onEnter={nextMatch}
          />
          {search.trim() && (
            <span className="lineage-search-count" aria-live="polite">
              {shownMatches.length ? `${cursor >= 0 ? `${(cursor % shownMatches.length) + 1} of ` : ''}${shownMatches.length} match${shownMatches.length === 1 ? '' : 'es'}` : 'no match'}
              {hiddenMatches > 0 ? ` (+${hiddenMatches} beyond the depth)` : ''}
            </span>
          )}
        </div>
        <span className="lineage-depth" title="Double-click a node to centre the depth controls on it">
          Centre: <span className="lineage-centre-name">{focusNode ? focusNode.label : 'none'}</span>
          <label>
            Upstream <Dropdown id="lineage-up" title="Upstream depth" value={up} options={DEPTH_OPTIONS} onChange={setUp} />
          </label>
          <label>
            Downstream <Dropdown id="lineage-down" title="Downstream depth" value={down} options={DEPTH_OPTIONS} onChange={setDown} />
          </label>
        </span>
        <span className="lineage-buttons">
          <Button appearance="secondary" onClick={() => setView((v) => zoomAt(v, 1 / 1.25, size.current.w / 2, size.current.h / 2))} title="Zoom out (-)">−</Button>
          <Button appearance="secondary" onClick={() => setView((v) => zoomAt(v, 1.25, size.current.w / 2, size.current.h / 2))} title="Zoom in (+)">+</Button>
          <Button appearance="secondary" onClick={fit} title="Fit the graph (0)">Fit</Button>
          <Button appearance="secondary" onClick={() => onExport('svg')}>Export SVG</Button>
          <Button appearance="secondary" onClick={() => onExport('png')}>Export PNG</Button>
        </span>
      </div>
      {graph.summary.length > 0 && (
        <details className="lineage-summary" open={mode === 'statement' || graph.summary.length <= 3}>
          <summary>{mode === 'dbt' ? graph.summary[0] : `${graph.summary.length} statement${graph.summary.length === 1 ? '' : 's'}`}</summary>
          {mode !== 'dbt' && (
            <ol>
              {graph.summary.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
          )}
        </details>
      )}
      {graph.problems.length > 0 && (
        <details className="lineage-problems">
          <summary>{`${graph.problems.length} analysed only partly`}</summary>
          <ul>
            {graph.problems.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
        </details>
      )}
      {selected && path && (
        <div className="lineage-impact" role="status">
          <span>
            <strong>{`${selectedNode?.label ?? selected.node}.${selected.column}`}</strong>
            {`: ${path.upstream} upstream column${path.upstream === 1 ? '' : 's'}, ${path.downstream} downstream`}
          </span>
          <Button appearance="secondary" onClick={() => setSelected(undefined)}>Clear highlight</Button>
        </div>
      )}
      {graph.nodes.length === 0 ? (
        <div className="lineage-empty">No tables or columns found{mode === 'dbt' ? ' in this project' : ' in this SQL'}.</div>
      ) : lay ? (
        <GraphCanvas
          ix={ix}
          layout={lay}
          shapes={shapes}
          view={view}
          setView={setView}
          onSize={onSize}
          onFit={fit}
          actions={actions}
          path={path}
          selected={selected}
          search={found}
          current={current}
          focus={focus}
        />
      ) : (
        <div className="lineage-empty">Laying out {graph.nodes.length} nodes…</div>
      )}
      <div className="lineage-status">
        {lay ? `${lay.nodes.size} of ${graph.nodes.length} nodes shown · ${graph.edges.length} edges · layout ${lay.ms} ms (${lay.engine})` : ''}
        {laying ? ' · laying out…' : ''}
      </div>
    </div>
  );
}

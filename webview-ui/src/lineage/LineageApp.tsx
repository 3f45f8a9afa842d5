/**
 * The lineage graph: dagre layout drawn as SVG; pan (drag), zoom (wheel), fit, search, upstream/downstream depth,
 * click a node to open its file, click a column to highlight its full path (impact analysis), export SVG/PNG.
 * Colours come from VS Code theme variables, so it follows the theme.
 */
import { useMemo, useRef, useState, useCallback, useEffect } from 'react';
import { useHostMessages, postToHost, initialState, Button, TextField, Dropdown } from '../shell';
import type { LineageInitialState, LineageToWebview, LineageViewGraph } from '../../../src/shared/protocol/lineage';
import { layout, neighbourhood, columnPath, HEADER, ROW, WIDTH } from './layout';

const DEPTH_OPTIONS = ['1', '2', '3', '5', 'all'].map((d) => ({ value: d, label: d }));
const toDepth = (v: string) => (v === 'all' ? Infinity : Number(v));

export function LineageApp() {
  const init = initialState<LineageInitialState>();
  const [title, setTitle] = useState(init?.title ?? 'Lineage');
  const [graph, setGraph] = useState<LineageViewGraph | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [focus, setFocus] = useState<string | undefined>();
  const [up, setUp] = useState('all');
  const [down, setDown] = useState('all');
  const [selected, setSelected] = useState<{ node: string; column: string } | undefined>();
  const [view, setView] = useState({ x: 0, y: 0, k: 1 });
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);

  useHostMessages<LineageToWebview>((m) => {
    if (m.type === 'lineageGraph') {
      setGraph(m.graph);
      setTitle(m.title);
      setError(undefined);
      setFocus(m.graph.focus);
      setSelected(undefined);
    } else if (m.type === 'lineageError') setError(m.message);
  });

  const visible = useMemo(() => (graph ? neighbourhood(graph, focus, toDepth(up), toDepth(down)) : new Set<string>()), [graph, focus, up, down]);
  const placed = useMemo(() => (graph ? layout(graph, visible) : new Map()), [graph, visible]);
  const highlight = useMemo(() => (graph && selected ? columnPath(graph, selected.node, selected.column) : undefined), [graph, selected]);
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!graph || !q) return new Set<string>();
    return new Set(graph.nodes.filter((n) => n.label.toLowerCase().includes(q) || n.columns.some((c) => c.toLowerCase().includes(q))).map((n) => n.id));
  }, [graph, search]);

  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (!svg || !placed.size) return;
    let maxX = 0;
    let maxY = 0;
    for (const p of placed.values()) {
      maxX = Math.max(maxX, p.x + p.width);
      maxY = Math.max(maxY, p.y + p.height);
    }
    const { width, height } = svg.getBoundingClientRect();
    const k = Math.min(2, Math.max(0.05, Math.min(width / (maxX + 40), height / (maxY + 40))));
    setView({ x: 20, y: 20, k });
  }, [placed]);
  useEffect(fit, [fit]);

  const exportSvg = () => {
    const svg = svgRef.current;
    if (!svg) return;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    // Resolve theme variables to concrete colours so the file renders outside VS Code.
    const style = getComputedStyle(document.documentElement);
    const text = new XMLSerializer().serializeToString(clone).replace(/var\((--[\w-]+)\)/g, (_, v: string) => style.getPropertyValue(v).trim() || '#888');
    return text;
  };
  const onExport = (format: 'svg' | 'png') => {
    const text = exportSvg();
    if (!text) return;
    if (format === 'svg') return postToHost({ type: 'exportImage', format, data: text });
    const img = new Image();
    const rect = svgRef.current!.getBoundingClientRect();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = rect.width * 2;
      canvas.height = rect.height * 2;
      const ctx = canvas.getContext('2d')!;
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      postToHost({ type: 'exportImage', format, data: canvas.toDataURL('image/png') });
    };
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
  };

  if (error) return <div className="error-banner" role="alert">{error}</div>;
  if (!graph) return <div className="lineage-empty">Analysing…</div>;

  const colY = (id: string, column: string) => {
    const p = placed.get(id);
    const n = graph.nodes.find((x) => x.id === id);
    const i = n ? n.columns.findIndex((c) => c.toLowerCase() === column.toLowerCase()) : -1;
    return p ? p.y + (i < 0 ? HEADER / 2 : HEADER + i * ROW + ROW / 2) : 0;
  };

  return (
    <div className="lineage-app">
      <div className="lineage-toolbar">
        <strong className="lineage-title">{title}</strong>
        <TextField placeholder="Search tables or columns" value={search} onChange={setSearch} />
        <label>Upstream <Dropdown title="Upstream depth" value={up} options={DEPTH_OPTIONS} onChange={setUp} /></label>
        <label>Downstream <Dropdown title="Downstream depth" value={down} options={DEPTH_OPTIONS} onChange={setDown} /></label>
        <Button appearance="secondary" onClick={fit}>Fit</Button>
        <Button appearance="secondary" onClick={() => setSelected(undefined)}>Clear highlight</Button>
        <Button appearance="secondary" onClick={() => onExport('svg')}>Export SVG</Button>
        <Button appearance="secondary" onClick={() => onExport('png')}>Export PNG</Button>
      </div>
      {graph.summary.length > 0 && <div className="lineage-summary">{graph.summary.map((s, i) => <div key={i}>{s}</div>)}</div>}
      {graph.problems.length > 0 && <div className="lineage-problems">{graph.problems.map((s, i) => <div key={i}>{s}</div>)}</div>}
      <svg
        ref={svgRef}
        className="lineage-canvas"
        role="img"
        aria-label="Lineage graph"
        onWheel={(e) => {
          const k = Math.min(4, Math.max(0.05, view.k * (e.deltaY < 0 ? 1.1 : 0.9)));
          const r = svgRef.current!.getBoundingClientRect();
          const mx = e.clientX - r.left;
          const my = e.clientY - r.top;
          setView({ k, x: mx - ((mx - view.x) * k) / view.k, y: my - ((my - view.y) * k) / view.k });
        }}
        onMouseDown={(e) => (drag.current = { x: e.clientX - view.x, y: e.clientY - view.y })}
        onMouseMove={(e) => drag.current && setView({ ...view, x: e.clientX - drag.current.x, y: e.clientY - drag.current.y })}
        onMouseUp={() => (drag.current = undefined)}
        onMouseLeave={() => (drag.current = undefined)}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--vscode-editorLineNumber-foreground)" />
          </marker>
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          {graph.edges.map((e, i) => {
            const a = placed.get(e.from);
            const b = placed.get(e.to);
            if (!a || !b) return null;
            const column = e.fromColumn !== undefined;
            if (column && (!e.toColumn)) return null;
            const y1 = column ? colY(e.from, e.fromColumn!) : a.y + a.height / 2;
            const y2 = column ? colY(e.to, e.toColumn!) : b.y + b.height / 2;
            const x1 = a.x + WIDTH;
            const x2 = b.x;
            const hot = column && highlight?.has(`${e.from}\u0000${e.fromColumn!.toLowerCase()}`) && highlight?.has(`${e.to}\u0000${e.toColumn!.toLowerCase()}`);
            return (
              <path
                key={i}
                className={`lineage-edge ${column ? 'column' : 'table'} ${hot ? 'hot' : ''} ${highlight && !hot && column ? 'dim' : ''}`}
                d={`M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2} ${y2}`}
                markerEnd={column ? undefined : 'url(#arrow)'}
              />
            );
          })}
          {graph.nodes.map((n) => {
            const p = placed.get(n.id);
            if (!p) return null;
            return (
              <g key={n.id} transform={`translate(${p.x},${p.y})`} className={`lineage-node kind-${n.kind} ${matches.has(n.id) ? 'match' : ''} ${focus === n.id ? 'focus' : ''}`}>
                <rect width={p.width} height={p.height} rx={4} />
                <text
                  x={8}
                  y={17}
                  className="lineage-node-title"
                  onClick={() => postToHost({ type: 'openNode', id: n.id })}
                  onDoubleClick={() => setFocus(n.id)}
                >
                  <title>{`${n.kind}: ${n.label} — click to open, double-click to centre the depth controls here`}</title>
                  {n.label.length > 30 ? n.label.slice(0, 29) + '…' : n.label}
                </text>
                <text x={p.width - 8} y={17} textAnchor="end" className="lineage-node-kind">{n.kind}</text>
                {n.columns.map((c, i) => {
                  const hot = highlight?.has(`${n.id}\u0000${c.toLowerCase()}`);
                  return (
                    <text key={c} x={12} y={HEADER + i * ROW + 13} className={`lineage-column ${hot ? 'hot' : ''}`} onClick={() => setSelected({ node: n.id, column: c })}>
                      {c}
                    </text>
                  );
                })}
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}

/**
 * The virtualized result grid. Only the rows and columns on screen exist in the DOM: React draws the header and
 * keeps the selection, the scrolling body is GridBody (plain DOM, updated from the scroll event). Row data comes in
 * blocks from the host (PageCache), which also sorts and filters on its DuckDB store. Values are written as text
 * nodes — never as HTML.
 */
import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { postToHost, useHostMessages } from '../shell';
import type { ResultCell, ResultColumn, ResultSetSummary, ResultSort, ResultsToHost, ResultsToWebview } from '../../../src/shared/protocol/results';
import { PageCache } from './pageCache';
import { defaultWidth, formatCount } from './format';
import { toTsv } from '../../../src/core/run/tsv';
import { GridBody, HEADER_HEIGHT, ROWNUM_WIDTH, contentHeight } from './gridBody';

export { ROW_HEIGHT } from './gridBody';

interface Cell {
  row: number;
  col: number;
}
interface Selection {
  anchor: Cell;
  focus: Cell;
}

export interface GridProps {
  set: ResultSetSummary;
  pageSize: number;
  sort?: ResultSort;
  filter: string;
  onSort: (sort: ResultSort | undefined) => void;
  /** Rows matching the filter, for the footer. */
  onTotal: (total: number | undefined) => void;
  onSelectionText: (text: string) => void;
}

function send(m: ResultsToHost) {
  postToHost(m);
}

const HeaderCell = React.memo(function HeaderCell(props: {
  column: ResultColumn;
  index: number;
  width: number;
  sort?: ResultSort;
  onSort: (index: number) => void;
  onResize: (index: number, width: number) => void;
}) {
  const { column, index, width, sort } = props;
  const startResize = (e: React.PointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => props.onResize(index, Math.max(40, width + ev.clientX - startX));
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const arrow = sort?.column === index ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : '';
  return (
    <div
      className={`hcell ${column.kind === 'number' ? 'num' : ''}`}
      style={{ width }}
      role="columnheader"
      aria-sort={sort?.column === index ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
      title={`${column.name} (${column.type}) — click to sort`}
      onClick={() => props.onSort(index)}
    >
      <span className="hname">{column.name}</span>
      <span className="htype">{column.type}</span>
      <span className="harrow">{arrow}</span>
      <span className="resizer" onPointerDown={startResize} onClick={(e) => e.stopPropagation()} title="Drag to resize" />
    </div>
  );
});

/** The same array while the columns stay the same: a streaming result sends a new summary every few hundred ms. */
function useStableColumns(columns: ResultColumn[]): ResultColumn[] {
  const ref = useRef({ key: '', columns });
  const key = JSON.stringify(columns);
  if (ref.current.key !== key) ref.current = { key, columns };
  return ref.current.columns;
}

export function Grid({ set, pageSize, sort, filter, onSort, onTotal, onSelectionText }: GridProps) {
  const columns = useStableColumns(set.columns);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const numsRef = useRef<HTMLDivElement>(null);
  const body = useRef<GridBody | undefined>(undefined);
  const viewKey = `${set.id}|${sort?.column ?? ''}|${sort?.direction ?? ''}|${filter}`;
  const cache = useMemo(() => new PageCache(pageSize), [viewKey, pageSize]);
  const [total, setTotal] = useState<number | undefined>(filter ? undefined : set.rowCount);
  const [error, setError] = useState<string>();
  const [widths, setWidths] = useState<number[]>(() => columns.map((c) => defaultWidth(c.name, c.kind)));
  const [selection, setSelection] = useState<Selection>();

  // GridBody calls back outside React's render: it reads the current view through this ref.
  const current = useRef({ cache, total, sort, filter, setId: set.id });
  current.current = { cache, total, sort, filter, setId: set.id };

  /** Asks for whatever is on screen and not loaded; with no total yet (new filter), for the first block. */
  const request = useCallback((first: number, last: number) => {
    const v = current.current;
    const reqs = v.total === undefined ? v.cache.missing(0, 0, 1) : v.cache.missing(first, last, v.total);
    for (const r of reqs) {
      send({ type: 'results/requestPage', setId: v.setId, requestId: r.requestId, offset: r.offset, limit: r.limit, sort: v.sort, filter: v.filter || undefined });
    }
  }, []);
  const requestDrawn = useCallback(() => {
    const d = body.current?.drawnRows;
    if (d) request(d.first, Math.max(d.first, d.last));
  }, [request]);

  useEffect(() => setWidths(columns.map((c) => defaultWidth(c.name, c.kind))), [columns]);
  useEffect(() => {
    setTotal(filter ? undefined : set.rowCount);
    setError(undefined);
    setSelection(undefined);
  }, [viewKey]);
  // While the result is still streaming into the store, the plain view grows with it.
  useEffect(() => {
    if (!filter && !sort) setTotal((t) => (t === undefined || set.rowCount > t ? set.rowCount : t));
  }, [set.rowCount]);
  useEffect(() => onTotal(total), [total, onTotal]);

  const onCellDownRef = useRef<(e: MouseEvent, row: number, col: number) => void>(() => {});
  useLayoutEffect(() => {
    const b = new GridBody(scrollRef.current!, bodyRef.current!, numsRef.current!, {
      row: (i) => current.current.cache.row(i),
      onVisibleRows: request,
      onCellDown: (e, row, col) => onCellDownRef.current(e, row, col),
    });
    body.current = b;
    return () => {
      b.dispose();
      body.current = undefined;
    };
  }, [request]);
  useLayoutEffect(() => body.current?.setColumns(columns, widths), [columns, widths]);
  useLayoutEffect(() => {
    const count = total ?? 0;
    // Blocks cut short by the end of the rows stored at the time can now be filled further.
    if (cache.dropIncomplete(count)) body.current?.invalidate();
    body.current?.setCount(count);
    requestDrawn();
  }, [total, cache, requestDrawn]);
  useLayoutEffect(() => {
    body.current?.invalidate();
    requestDrawn();
  }, [cache, requestDrawn]);

  useHostMessages<ResultsToWebview>((m) => {
    if (m.type === 'results/page' && m.setId === set.id) {
      if (cache.receive(m.requestId, m.rows, body.current?.drawnRows.first ?? 0)) {
        setTotal(m.totalRows);
        body.current?.invalidate(m.offset, m.offset + Math.max(pageSize, m.rows.length) - 1);
      }
    } else if (m.type === 'results/pageError' && m.setId === set.id) {
      if (cache.fail(m.requestId)) setError(m.message);
    }
  });

  const count = total ?? 0;

  const onSortClick = useCallback(
    (index: number) => {
      if (sort?.column !== index) onSort({ column: index, direction: 'asc' });
      else if (sort.direction === 'asc') onSort({ column: index, direction: 'desc' });
      else onSort(undefined);
    },
    [sort, onSort],
  );
  const onResize = useCallback((index: number, width: number) => {
    setWidths((w) => w.map((x, i) => (i === index ? width : x)));
  }, []);

  onCellDownRef.current = (e: MouseEvent, row: number, col: number) => {
    if (e.button !== 0) return;
    scrollRef.current?.focus({ preventScroll: true });
    const wholeRow = col < 0;
    const c0 = wholeRow ? 0 : col;
    const c1 = wholeRow ? columns.length - 1 : col;
    setSelection((prev) =>
      e.shiftKey && prev
        ? { anchor: prev.anchor, focus: { row, col: wholeRow ? (prev.anchor.col === 0 ? columns.length - 1 : 0) : col } }
        : { anchor: { row, col: c0 }, focus: { row, col: c1 } },
    );
  };

  const range = useMemo(
    () =>
      selection && {
        r0: Math.min(selection.anchor.row, selection.focus.row),
        r1: Math.max(selection.anchor.row, selection.focus.row),
        c0: Math.min(selection.anchor.col, selection.focus.col),
        c1: Math.max(selection.anchor.col, selection.focus.col),
      },
    [selection],
  );
  useLayoutEffect(() => body.current?.setSelection(range), [range]);

  useEffect(() => {
    if (!range) return onSelectionText('');
    const rows = range.r1 - range.r0 + 1;
    const cols = range.c1 - range.c0 + 1;
    onSelectionText(rows * cols === 1 ? '1 cell selected' : `${formatCount(rows)} × ${cols} selected`);
  }, [range]);

  const copy = useCallback(
    (withHeader: boolean) => {
      if (!range) return;
      const { r0, r1, c0, c1 } = range;
      // Rows already here are copied at once; anything larger/unloaded is assembled by the host from the store.
      if (r1 - r0 < 5000 && cache.hasRows(r0, r1)) {
        const rows: ResultCell[][] = [];
        for (let r = r0; r <= r1; r++) rows.push((cache.row(r) ?? []).slice(c0, c1 + 1));
        const header = withHeader ? columns.slice(c0, c1 + 1).map((c) => c.name) : undefined;
        postToHost({ type: 'copyToClipboard', text: toTsv(rows, header) });
      } else {
        send({ type: 'results/copyRange', setId: set.id, rowStart: r0, rowEnd: r1, colStart: c0, colEnd: c1, withHeader, sort, filter: filter || undefined });
      }
    },
    [range, cache, columns, set.id, sort, filter],
  );

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      copy(e.shiftKey);
    } else if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      if (count > 0) setSelection({ anchor: { row: 0, col: 0 }, focus: { row: count - 1, col: columns.length - 1 } });
    } else if (selection && ['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(e.key)) {
      e.preventDefault();
      const f = selection.focus;
      const next = {
        row: Math.max(0, Math.min(count - 1, f.row + (e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0))),
        col: Math.max(0, Math.min(columns.length - 1, f.col + (e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0))),
      };
      setSelection(e.shiftKey ? { anchor: selection.anchor, focus: next } : { anchor: next, focus: next });
      body.current?.scrollToRow(next.row);
    }
  };

  const totalWidth = ROWNUM_WIDTH + widths.reduce((a, b) => a + b, 0);

  return (
    <div className="grid-wrap">
      {error && (
        <div className="error-banner" role="alert">
          Could not load rows: {error}
        </div>
      )}
      <div ref={scrollRef} className="grid-scroll" tabIndex={0} role="grid" aria-rowcount={count + 1} aria-colcount={columns.length} onKeyDown={onKeyDown}>
        <div className="grid-inner" style={{ width: totalWidth, height: HEADER_HEIGHT + contentHeight(count) }}>
          <div className="ghead" role="row" style={{ width: totalWidth }}>
            <div className="hcell rownum" style={{ width: ROWNUM_WIDTH }} title="Select all (Ctrl/Cmd+A)" onClick={() => count && setSelection({ anchor: { row: 0, col: 0 }, focus: { row: count - 1, col: columns.length - 1 } })}>
              #
            </div>
            {columns.map((c, i) => (
              <HeaderCell key={i} column={c} index={i} width={widths[i]} sort={sort} onSort={onSortClick} onResize={onResize} />
            ))}
          </div>
          {/* Filled by GridBody, never by React. */}
          <div ref={numsRef} className="gnums" aria-hidden="true" />
          <div ref={bodyRef} className="gbody" role="rowgroup" />
        </div>
        {total === 0 && <div className="empty-note muted">{filter ? 'No rows match the filter.' : 'The query returned no rows.'}</div>}
      </div>
      <div className="copy-actions">
        <button className="linkish" disabled={!range} onClick={() => copy(false)} title="Copy selection as TSV (Ctrl/Cmd+C)">
          Copy
        </button>
        <button className="linkish" disabled={!range} onClick={() => copy(true)} title="Copy selection with column names (Ctrl/Cmd+Shift+C)">
          Copy with headers
        </button>
      </div>
    </div>
  );
}

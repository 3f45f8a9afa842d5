/**
 * The virtualized result grid. Only the rows on screen exist in the DOM (@tanstack/react-virtual); their data
 * comes in blocks from the host (PageCache), which also sorts and filters on its DuckDB store. Values are rendered
 * as React text children — never as HTML.
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { postToHost, useHostMessages } from '../shell';
import type { ResultCell, ResultColumn, ResultSetSummary, ResultSort, ResultsToHost, ResultsToWebview } from '../../../src/shared/protocol/results';
import { PageCache } from './pageCache';
import { defaultWidth, formatCell, formatCount } from './format';
import { toTsv } from '../../../src/core/run/tsv';

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;
const ROWNUM_WIDTH = 64;
/** More than the rows that can be on screen at once (plus overscan), so slot keys never collide. */
const ROW_SLOTS = 512;

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

const Row = React.memo(function Row(props: {
  index: number;
  top: number;
  data: ResultCell[] | undefined;
  columns: ResultColumn[];
  widths: number[];
  selFrom: number;
  selTo: number;
  rowWidth: number;
  onCellDown: (e: React.MouseEvent, row: number, col: number) => void;
}) {
  const { index, top, data, columns, widths, selFrom, selTo, rowWidth } = props;
  return (
    <div className={`grow ${index % 2 ? 'odd' : ''}`} role="row" aria-rowindex={index + 2} style={{ transform: `translateY(${top}px)`, width: rowWidth }}>
      <div className="cell rownum" style={{ width: ROWNUM_WIDTH }} onMouseDown={(e) => props.onCellDown(e, index, -1)}>
        {index + 1}
      </div>
      {columns.map((c, ci) => {
        const d = formatCell(data ? data[ci] : undefined, c.kind, c.type);
        const selected = ci >= selFrom && ci <= selTo;
        return (
          <div
            key={ci}
            role="gridcell"
            className={selected ? `${d.className} selected` : d.className}
            style={{ width: widths[ci] }}
            title={d.title}
            onMouseDown={(e) => props.onCellDown(e, index, ci)}
          >
            {d.text}
          </div>
        );
      })}
    </div>
  );
});

export function Grid({ set, pageSize, sort, filter, onSort, onTotal, onSelectionText }: GridProps) {
  const columns = set.columns;
  const scrollRef = useRef<HTMLDivElement>(null);
  const viewKey = `${set.id}|${sort?.column ?? ''}|${sort?.direction ?? ''}|${filter}`;
  const cache = useMemo(() => new PageCache(pageSize), [viewKey, pageSize]);
  const [total, setTotal] = useState<number | undefined>(filter ? undefined : set.rowCount);
  const [, setTick] = useState(0);
  const [error, setError] = useState<string>();
  const [widths, setWidths] = useState<number[]>(() => columns.map((c) => defaultWidth(c.name, c.kind)));
  const [selection, setSelection] = useState<Selection>();

  useEffect(() => setWidths(columns.map((c) => defaultWidth(c.name, c.kind))), [set.id, columns]);
  useEffect(() => {
    setTotal(filter ? undefined : set.rowCount);
    setError(undefined);
    setSelection(undefined);
  }, [viewKey]);
  useEffect(() => onTotal(total), [total, onTotal]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;

  useHostMessages<ResultsToWebview>((m) => {
    if (m.type === 'results/page' && m.setId === set.id) {
      if (cache.receive(m.requestId, m.rows, first)) {
        setTotal(m.totalRows);
        setTick((t) => t + 1);
      }
    } else if (m.type === 'results/pageError' && m.setId === set.id) {
      if (cache.fail(m.requestId)) setError(m.message);
    }
  });

  // Ask for whatever is on screen and not loaded; with no total yet (new filter), ask for the first block.
  useEffect(() => {
    const reqs = total === undefined ? cache.missing(0, 0, 1) : cache.missing(first, last, total);
    for (const r of reqs) {
      send({ type: 'results/requestPage', setId: set.id, requestId: r.requestId, offset: r.offset, limit: r.limit, sort, filter: filter || undefined });
    }
  });

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

  const onCellDown = useCallback(
    (e: React.MouseEvent, row: number, col: number) => {
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
    },
    [columns.length],
  );

  const range = selection && {
    r0: Math.min(selection.anchor.row, selection.focus.row),
    r1: Math.max(selection.anchor.row, selection.focus.row),
    c0: Math.min(selection.anchor.col, selection.focus.col),
    c1: Math.max(selection.anchor.col, selection.focus.col),
  };

  useEffect(() => {
    if (!range) return onSelectionText('');
    const rows = range.r1 - range.r0 + 1;
    const cols = range.c1 - range.c0 + 1;
    onSelectionText(rows * cols === 1 ? '1 cell selected' : `${formatCount(rows)} × ${cols} selected`);
  }, [range?.r0, range?.r1, range?.c0, range?.c1]);

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
      virtualizer.scrollToIndex(next.row);
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
        <div className="grid-inner" style={{ width: totalWidth, height: HEADER_HEIGHT + virtualizer.getTotalSize() }}>
          <div className="ghead" role="row" style={{ width: totalWidth }}>
            <div className="hcell rownum" style={{ width: ROWNUM_WIDTH }} title="Select all (Ctrl/Cmd+A)" onClick={() => count && setSelection({ anchor: { row: 0, col: 0 }, focus: { row: count - 1, col: columns.length - 1 } })}>
              #
            </div>
            {columns.map((c, i) => (
              <HeaderCell key={i} column={c} index={i} width={widths[i]} sort={sort} onSort={onSortClick} onResize={onResize} />
            ))}
          </div>
          {items.map((vi) => {
            const inSel = range && vi.index >= range.r0 && vi.index <= range.r1;
            return (
              <Row
                // Keyed by slot, not by row: scrolling re-uses the same DOM rows and only their text changes.
                key={vi.index % ROW_SLOTS}
                index={vi.index}
                top={HEADER_HEIGHT + vi.start}
                data={cache.row(vi.index)}
                columns={columns}
                widths={widths}
                selFrom={inSel ? range.c0 : -1}
                selTo={inSel ? range.c1 : -2}
                rowWidth={totalWidth}
                onCellDown={onCellDown}
              />
            );
          })}
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

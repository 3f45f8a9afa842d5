/**
 * The grid's scrolling body, drawn without React. Scrolling a million-row result must cost a few DOM writes per
 * frame, so the body is a fixed pool of row elements updated straight from the scroll event (which runs before
 * the frame is painted): a row that stays on screen is not touched, a row that scrolls in has only its cell
 * texts rewritten, and only the columns inside the horizontal viewport have cell elements at all. React keeps
 * the header, selection state and toolbar; it talks to this class through a handful of setters.
 *
 * Rows sit at their natural offset (index × ROW_HEIGHT) so the browser scrolls them as they are. Past
 * MAX_SCROLL_PX (the browser's limit for an element's height is ~33M px) the scroll range is compressed and every
 * visible row is placed relative to the scroll position instead.
 */
import type { ResultCell, ResultColumn } from '../../../src/shared/protocol/results';
import { formatCell } from './format';

export const ROW_HEIGHT = 22;
export const HEADER_HEIGHT = 26;
export const ROWNUM_WIDTH = 64;
/** Rows drawn above and below the viewport, so a wheel step rarely reveals an empty row. */
const OVERSCAN_ROWS = 6;
/** Pixels of columns drawn left and right of the viewport. */
const OVERSCAN_PX = 240;
const MAX_SCROLL_PX = 30_000_000;

/** Height of the scrolled rows area for `count` rows. */
export function contentHeight(count: number): number {
  return Math.min(count * ROW_HEIGHT, MAX_SCROLL_PX);
}

export interface CellRange {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export interface GridBodyHost {
  /** The row's values when loaded. */
  row(index: number): ResultCell[] | undefined;
  /** The rows on screen changed (the host asks for missing pages). */
  onVisibleRows(first: number, last: number): void;
  /** Mouse down on a cell; col -1 is the row-number column. */
  onCellDown(e: MouseEvent, row: number, col: number): void;
}

interface Slot {
  row: HTMLDivElement;
  num: HTMLDivElement;
  cells: HTMLDivElement[];
  /** What each cell shows now, so unchanged cells are not written again. */
  texts: string[];
  classes: string[];
  titles: (string | undefined)[];
  index: number;
  hidden: boolean;
  loaded: boolean;
  top: number;
  /** Column window the cells were laid out for. */
  c0: number;
  c1: number;
  selKey: string;
}

export class GridBody {
  private columns: ResultColumn[] = [];
  private widths: number[] = [];
  private lefts: number[] = [0];
  private count = 0;
  private sel: CellRange | undefined;
  private slots: Slot[] = [];
  private first = 0;
  private last = -1;
  private c0 = 0;
  private c1 = -1;
  private reported = '';
  private readonly resize: ResizeObserver;
  private readonly bySlotEl = new Map<HTMLElement, Slot>();

  constructor(
    private readonly scroller: HTMLElement,
    /** Holds the data rows; positioned right of the row numbers and under the header. */
    private readonly body: HTMLElement,
    /** Holds the row numbers; sticky on the left. */
    private readonly nums: HTMLElement,
    private readonly host: GridBodyHost,
  ) {
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    body.addEventListener('mousedown', this.onMouseDown);
    nums.addEventListener('mousedown', this.onMouseDown);
    this.resize = new ResizeObserver(() => this.update());
    this.resize.observe(scroller);
  }

  dispose(): void {
    this.scroller.removeEventListener('scroll', this.onScroll);
    this.body.removeEventListener('mousedown', this.onMouseDown);
    this.nums.removeEventListener('mousedown', this.onMouseDown);
    this.resize.disconnect();
  }

  setColumns(columns: ResultColumn[], widths: number[]): void {
    this.columns = columns;
    this.widths = widths;
    this.lefts = [0];
    for (const w of widths) this.lefts.push(this.lefts[this.lefts.length - 1] + w);
    this.body.style.width = `${this.colsWidth}px`;
    for (const s of this.slots) s.c1 = -2; // lay out every cell again
    this.update();
  }

  get colsWidth(): number {
    return this.lefts[this.lefts.length - 1];
  }

  /** The height of the scrolled content below the header. */
  get contentHeight(): number {
    return contentHeight(this.count);
  }

  setCount(count: number): void {
    if (count === this.count) return;
    this.count = count;
    this.body.style.height = this.nums.style.height = `${this.contentHeight}px`;
    this.update();
  }

  setSelection(sel: CellRange | undefined): void {
    this.sel = sel;
    this.render(true);
  }

  /** Rows in [from, to] changed (their page arrived, or the view was replaced): draw them again. */
  invalidate(from = 0, to = Number.MAX_SAFE_INTEGER): void {
    for (const s of this.slots) if (s.index >= from && s.index <= to) s.index = -1;
    this.update();
  }

  /** Scrolls the least needed to show the row. */
  scrollToRow(index: number): void {
    const { top, bottom } = this.rowBounds(index);
    const view = this.scroller.scrollTop;
    const h = this.scroller.clientHeight - HEADER_HEIGHT;
    if (top < view) this.scroller.scrollTop = top;
    else if (bottom > view + h) this.scroller.scrollTop = bottom - h;
  }

  private rowBounds(index: number): { top: number; bottom: number } {
    if (!this.compressed) return { top: index * ROW_HEIGHT, bottom: (index + 1) * ROW_HEIGHT };
    const view = this.scroller.clientHeight - HEADER_HEIGHT;
    const top = (index / Math.max(1, this.count - this.fittingRows)) * Math.max(0, this.contentHeight - view);
    return { top, bottom: top + ROW_HEIGHT };
  }

  private get compressed(): boolean {
    return this.count * ROW_HEIGHT > MAX_SCROLL_PX;
  }

  /** Rows that fit the viewport, fractional. */
  private get fittingRows(): number {
    return Math.max(0, this.scroller.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT;
  }

  private get visibleRows(): number {
    return Math.ceil(Math.max(0, this.scroller.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT);
  }

  private readonly onScroll = () => this.update();

  private readonly onMouseDown = (e: MouseEvent) => {
    const t = e.target as HTMLElement;
    const rowEl = t.closest('.grow, .rownum') as HTMLElement | null;
    const slot = rowEl && this.bySlotEl.get(rowEl);
    if (!slot || slot.index < 0) return;
    if (rowEl!.classList.contains('rownum')) return this.host.onCellDown(e, slot.index, -1);
    const cell = t.closest('.cell') as HTMLElement | null;
    const j = cell ? slot.cells.indexOf(cell as HTMLDivElement) : -1;
    if (j >= 0) this.host.onCellDown(e, slot.index, slot.c0 + j);
  };

  /** Recomputes what is on screen and draws it. */
  update(): void {
    this.render(false);
  }

  private render(selectionChanged: boolean): void {
    const sc = this.scroller;
    const scrollTop = sc.scrollTop;
    const viewRows = this.visibleRows;
    let firstExact: number;
    if (this.compressed) {
      // The scroll range maps linearly onto [0, count - rows that fit]: at the end the last row ends at the bottom.
      const range = Math.max(1, this.contentHeight - (sc.clientHeight - HEADER_HEIGHT));
      firstExact = (Math.min(scrollTop, range) / range) * Math.max(0, this.count - this.fittingRows);
    } else {
      firstExact = scrollTop / ROW_HEIGHT;
    }
    const first = Math.max(0, Math.floor(firstExact) - OVERSCAN_ROWS);
    const last = Math.min(this.count - 1, Math.floor(firstExact) + viewRows + OVERSCAN_ROWS);
    // Columns whose box meets the horizontal viewport (plus overscan).
    const left = sc.scrollLeft - OVERSCAN_PX;
    const right = sc.scrollLeft + sc.clientWidth - ROWNUM_WIDTH + OVERSCAN_PX;
    let c0 = 0;
    while (c0 < this.columns.length - 1 && this.lefts[c0 + 1] <= left) c0++;
    let c1 = c0;
    while (c1 < this.columns.length - 1 && this.lefts[c1 + 1] < right) c1++;
    if (this.columns.length === 0) c1 = -1;
    this.first = first;
    this.last = last;
    this.c0 = c0;
    this.c1 = c1;

    const need = viewRows + 2 * OVERSCAN_ROWS + 2;
    if (need > this.slots.length) this.grow(need);
    const pool = this.slots.length;
    const visible = last - first + 1;
    // Slot i % pool holds row i: consecutive rows never share a slot, and a row that stays on screen keeps its slot.
    const used = new Uint8Array(pool);
    for (let i = first; i <= last; i++) {
      const slot = this.slots[i % pool];
      used[i % pool] = 1;
      const top = this.compressed ? scrollTop + (i - firstExact) * ROW_HEIGHT : i * ROW_HEIGHT;
      this.fill(slot, i, top, selectionChanged);
    }
    for (let p = 0; p < pool; p++) {
      const s = this.slots[p];
      if (!used[p] && !s.hidden) {
        s.index = -2;
        s.hidden = true;
        // visibility, not display: showing a display:none row again rebuilds its layout objects, and Chromium then
        // lays out the whole document instead of just the row.
        s.row.style.visibility = s.num.style.visibility = 'hidden';
      }
    }
    const key = visible > 0 ? `${first}:${last}` : '';
    if (key !== this.reported) {
      this.reported = key;
      if (visible > 0) this.host.onVisibleRows(first, last);
    }
  }

  private grow(n: number): void {
    while (this.slots.length < n) {
      const row = document.createElement('div');
      row.setAttribute('role', 'row');
      const num = document.createElement('div');
      num.className = 'rownum';
      num.appendChild(document.createTextNode(''));
      const slot: Slot = { row, num, cells: [], texts: [], classes: [], titles: [], index: -2, hidden: true, loaded: false, top: -1, c0: 0, c1: -2, selKey: '' };
      row.style.visibility = num.style.visibility = 'hidden';
      this.body.appendChild(row);
      this.nums.appendChild(num);
      this.bySlotEl.set(row, slot);
      this.bySlotEl.set(num, slot);
      this.slots.push(slot);
    }
    // A bigger pool maps rows to other slots: draw everything again.
    for (const s of this.slots) s.index = -1;
  }

  private fill(slot: Slot, i: number, top: number, selectionChanged: boolean): void {
    const data = this.host.row(i);
    const sel = this.sel;
    const inSel = !!sel && i >= sel.r0 && i <= sel.r1;
    const selKey = inSel ? `${sel!.c0}:${sel!.c1}` : '';
    const sameRow = slot.index === i && slot.loaded === !!data;
    const sameCols = slot.c0 === this.c0 && slot.c1 === this.c1;
    if (sameRow && sameCols && slot.top === top && (!selectionChanged || slot.selKey === selKey)) return;

    if (slot.hidden) {
      slot.hidden = false;
      slot.row.style.visibility = slot.num.style.visibility = '';
    }
    if (slot.top !== top) {
      slot.top = top;
      slot.row.style.transform = slot.num.style.transform = `translateY(${top}px)`;
    }
    if (slot.index !== i) {
      slot.row.className = i % 2 ? 'grow odd' : 'grow';
      slot.row.setAttribute('aria-rowindex', String(i + 2));
      (slot.num.firstChild as Text).nodeValue = String(i + 1);
    }
    if (sameRow && sameCols && slot.selKey === selKey) {
      slot.index = i;
      return;
    }
    slot.index = i;
    slot.loaded = !!data;
    slot.selKey = selKey;
    if (!sameCols) this.layoutCells(slot);
    const cols = this.columns;
    for (let j = 0, k = this.c0; k <= this.c1; j++, k++) {
      const c = cols[k];
      const d = formatCell(data ? data[k] : undefined, c.kind, c.type);
      const cls = inSel && k >= sel!.c0 && k <= sel!.c1 ? `${d.className} selected` : d.className;
      const cell = slot.cells[j];
      if (slot.texts[j] !== d.text) {
        slot.texts[j] = d.text;
        (cell.firstChild as Text).nodeValue = d.text;
      }
      if (slot.classes[j] !== cls) {
        slot.classes[j] = cls;
        cell.className = cls;
      }
      if (slot.titles[j] !== d.title) {
        slot.titles[j] = d.title;
        if (d.title === undefined) cell.removeAttribute('title');
        else cell.title = d.title;
      }
    }
  }

  /** Creates/positions the cell elements for the current column window. */
  private layoutCells(slot: Slot): void {
    const n = Math.max(0, this.c1 - this.c0 + 1);
    while (slot.cells.length < n) {
      const cell = document.createElement('div');
      cell.setAttribute('role', 'gridcell');
      cell.appendChild(document.createTextNode(''));
      slot.row.appendChild(cell);
      slot.cells.push(cell);
      slot.texts.push('');
      slot.classes.push('');
      slot.titles.push(undefined);
    }
    while (slot.cells.length > n) {
      slot.cells.pop()!.remove();
      slot.texts.pop();
      slot.classes.pop();
      slot.titles.pop();
    }
    for (let j = 0; j < n; j++) {
      const k = this.c0 + j;
      const st = slot.cells[j].style;
      st.left = `${this.lefts[k]}px`;
      st.width = `${this.widths[k]}px`;
      slot.cells[j].setAttribute('aria-colindex', String(k + 2));
    }
    slot.row.style.width = `${this.colsWidth}px`;
    slot.c0 = this.c0;
    slot.c1 = this.c1;
  }

  /** First and last row drawn (overscan included). */
  get drawnRows(): { first: number; last: number } {
    return { first: this.first, last: this.last };
  }
}

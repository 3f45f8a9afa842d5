/**
 * The webview's window onto a result: fixed-size blocks of rows fetched from the host by offset, a bounded number
 * kept (far-away blocks are dropped), and a generation number so answers for an old sort/filter are ignored.
 */
import type { ResultCell } from '../../../src/shared/protocol/results';

export interface BlockRequest {
  requestId: number;
  offset: number;
  limit: number;
}

let nextRequestId = 1;

export class PageCache {
  private blocks = new Map<number, ResultCell[][]>();
  private pending = new Map<number, number>(); // requestId → block
  private pendingBlocks = new Set<number>();
  /** Blocks whose request failed: not asked again for this view (the error is shown instead of a retry storm). */
  private failed = new Set<number>();

  constructor(
    readonly blockSize: number,
    private readonly maxBlocks = 60,
  ) {}

  row(index: number): ResultCell[] | undefined {
    return this.blocks.get(Math.floor(index / this.blockSize))?.[index % this.blockSize];
  }

  hasRows(start: number, end: number): boolean {
    for (let b = Math.floor(start / this.blockSize); b <= Math.floor(end / this.blockSize); b++) if (!this.blocks.has(b)) return false;
    return true;
  }

  /** Requests for the blocks covering [start, end] that are neither loaded nor on their way. */
  missing(start: number, end: number, total: number): BlockRequest[] {
    const out: BlockRequest[] = [];
    if (total <= 0) return out;
    const last = Math.floor(Math.min(end, total - 1) / this.blockSize);
    for (let b = Math.floor(Math.max(0, start) / this.blockSize); b <= last; b++) {
      if (this.blocks.has(b) || this.pendingBlocks.has(b) || this.failed.has(b)) continue;
      const requestId = nextRequestId++;
      this.pending.set(requestId, b);
      this.pendingBlocks.add(b);
      out.push({ requestId, offset: b * this.blockSize, limit: this.blockSize });
    }
    return out;
  }

  /** Stores an answer; false when it was not asked for by this cache (old view, another grid). */
  receive(requestId: number, rows: ResultCell[][], near: number): boolean {
    const b = this.pending.get(requestId);
    if (b === undefined) return false;
    this.pending.delete(requestId);
    this.pendingBlocks.delete(b);
    this.blocks.set(b, rows);
    if (this.blocks.size > this.maxBlocks) {
      const center = Math.floor(near / this.blockSize);
      const far = [...this.blocks.keys()].sort((x, y) => Math.abs(y - center) - Math.abs(x - center));
      for (const k of far.slice(0, this.blocks.size - this.maxBlocks)) this.blocks.delete(k);
    }
    return true;
  }

  /**
   * Drops blocks that came back shorter than a block while the result was still streaming in and that `total`
   * rows can now fill further; true when any was dropped (they are asked for again).
   */
  dropIncomplete(total: number): boolean {
    let dropped = false;
    for (const [b, rows] of this.blocks) {
      if (rows.length < this.blockSize && b * this.blockSize + rows.length < total) {
        this.blocks.delete(b);
        dropped = true;
      }
    }
    return dropped;
  }

  fail(requestId: number): boolean {
    const b = this.pending.get(requestId);
    if (b === undefined) return false;
    this.pending.delete(requestId);
    this.pendingBlocks.delete(b);
    this.failed.add(b);
    return true;
  }
}

/**
 * Schema context for the model: a snapshot of the connection's catalog (tables, columns, types, keys, comments and,
 * when allowed, a few sample values), ranked by relevance to the question and cut to a token budget, so a
 * 1,000-table warehouse still fits in a prompt. Snapshots are cached per connection and refreshed on demand.
 */
import { throwIfAborted } from '../errors';
import type { CatalogColumn, CatalogTable, Connection } from '../connections/types';

export interface SnapshotTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  comment?: string;
  rowEstimate?: number;
  columns: CatalogColumn[];
  /** column name → a few distinct values (only when sample values are allowed). */
  samples?: Record<string, string[]>;
}

export interface CatalogSnapshot {
  dialect: string;
  tables: SnapshotTable[];
  loadedAt: number;
}

export interface LoadCatalogOptions {
  signal?: AbortSignal;
  /** Stop listing after this many tables (very large warehouses). */
  maxTables?: number;
  /** Parallel listColumns calls (default 1: adapters serialise on one session anyway, and some do not like overlap). */
  concurrency?: number;
}

const SYSTEM_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'pg_toast']);

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

export async function loadCatalog(connection: Connection, o: LoadCatalogOptions = {}): Promise<CatalogSnapshot> {
  const maxTables = o.maxTables ?? 5000;
  const schemas = (await connection.listSchemas(o.signal)).filter((s) => !SYSTEM_SCHEMAS.has(s.name.toLowerCase()));
  const tables: CatalogTable[] = [];
  for (const s of schemas) {
    throwIfAborted(o.signal);
    if (tables.length >= maxTables) break;
    tables.push(...(await connection.listTables(s, o.signal)).slice(0, maxTables - tables.length));
  }
  const withColumns = await mapLimit(tables, o.concurrency ?? 1, async (t): Promise<SnapshotTable> => {
    throwIfAborted(o.signal);
    const columns = t.columns ?? (await connection.listColumns(t, o.signal));
    return { schema: t.schema, name: t.name, kind: t.kind, comment: t.comment, rowEstimate: t.rowEstimate, columns };
  });
  return { dialect: connection.dialect, tables: withColumns, loadedAt: Date.now() };
}

/** Cached snapshots per connection id; `refresh` forces a reload. */
export class SchemaCache {
  private readonly entries = new Map<string, Promise<CatalogSnapshot>>();
  constructor(private readonly ttlMs = 10 * 60_000) {}

  async get(key: string, load: () => Promise<CatalogSnapshot>, refresh = false): Promise<CatalogSnapshot> {
    const existing = this.entries.get(key);
    if (existing && !refresh) {
      const snap = await existing.catch(() => undefined);
      if (snap && Date.now() - snap.loadedAt < this.ttlMs) return snap;
    }
    const p = load();
    this.entries.set(key, p);
    p.catch(() => this.entries.delete(key));
    return p;
  }

  invalidate(key?: string): void {
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------- relevance ranking

const STOP = new Set(
  'a an the of for in on at to by with from and or not is are was were be been what which who whom whose how many much per each all any show list give me my our their top most least than more less there that this these those do does did have has had get find tell please want would could should can will as into over under between during about only also just its it total number count'.split(' '),
);

/** Lower-case word stems: plurals folded so "customers" meets customer_id. */
export function stems(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map((w) => (w.endsWith('ies') && w.length > 4 ? w.slice(0, -3) + 'y' : w.endsWith('sses') ? w.slice(0, -2) : w.endsWith('s') && !w.endsWith('ss') && w.length > 3 ? w.slice(0, -1) : w));
}

export interface RankedTable {
  table: SnapshotTable;
  score: number;
}

/** What ranking needs from a table, independent of the question: computed once per snapshot, not per question. */
interface TableTerms {
  name: string[];
  /** The table's name as a join target: `customers` → `customer`. */
  joinKey: string;
  /** Stems of every column name, in column order (repeats kept: each one counts). */
  columns: string[];
  comment?: Set<string>;
  columnComments: Set<string>[];
  /** Tables this one points at through `<x>_id` columns, as join keys. */
  references: string[];
}

const termsCache = new WeakMap<CatalogSnapshot, TableTerms[]>();
const collator = new Intl.Collator();

function termsOf(snapshot: CatalogSnapshot): TableTerms[] {
  let terms = termsCache.get(snapshot);
  if (terms && terms.length === snapshot.tables.length) return terms;
  terms = snapshot.tables.map((table) => {
    const name = stems(table.name);
    const references: string[] = [];
    for (const c of table.columns) {
      const m = /^(.+?)_?id$/i.exec(c.name);
      if (m) references.push(stems(m[1]).join('_'));
    }
    return {
      name,
      joinKey: name.join('_'),
      columns: table.columns.flatMap((c) => stems(c.name)),
      comment: table.comment ? new Set(stems(table.comment)) : undefined,
      columnComments: table.columns.filter((c) => c.comment).map((c) => new Set(stems(c.comment!))),
      references,
    };
  });
  termsCache.set(snapshot, terms);
  return terms;
}

/**
 * Scores tables by overlap between the question and the table's name (strongest), column names and comments, then
 * pulls in tables the best ones join to (a `customer_id` column brings `customers`), so joins stay possible.
 * The question-independent part (stems of names and comments) is cached per snapshot: a 1,000-table catalog is
 * ranked for every question against the same cached snapshot.
 */
export function rankTables(snapshot: CatalogSnapshot, question: string): RankedTable[] {
  const q = new Set(stems(question));
  const terms = termsOf(snapshot);
  const scored = snapshot.tables.map((table, i) => {
    const t = terms[i];
    let score = 0;
    for (const s of t.name) if (q.has(s)) score += 4;
    if (t.name.length && t.name.every((s) => q.has(s))) score += 3;
    let columnHits = 0;
    for (const s of t.columns) if (q.has(s)) columnHits++;
    score += Math.min(columnHits, 6);
    if (t.comment) for (const s of t.comment) if (q.has(s)) score += 0.5;
    for (const set of t.columnComments) for (const s of set) if (q.has(s)) score += 0.25;
    return { table, score };
  });
  // Join neighbours: a relevant table's <x>_id column points at table x (or xs).
  const byStem = new Map<string, RankedTable[]>();
  scored.forEach((r, i) => {
    const list = byStem.get(terms[i].joinKey);
    if (list) list.push(r);
    else byStem.set(terms[i].joinKey, [r]);
  });
  const bonus = new Map<RankedTable, number>();
  scored.forEach((r, i) => {
    if (r.score <= 0) return;
    for (const key of terms[i].references) {
      for (const target of byStem.get(key) ?? []) {
        if (target !== r) bonus.set(target, Math.max(bonus.get(target) ?? 0, r.score * 0.3));
      }
    }
  });
  for (const [r, b] of bonus) r.score += b;
  return scored.sort((a, b) => b.score - a.score || a.table.columns.length - b.table.columns.length || collator.compare(a.table.name, b.table.name));
}

// ---------------------------------------------------------------------------------------------- rendering

/** About four characters per token for English and SQL identifiers; good enough for budgeting. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const renderCache = new WeakMap<SnapshotTable, string>();

export function renderTable(t: SnapshotTable, includeSamples = false): string {
  // Sample values are added to a table later (addSampleValues), so only the plain rendering is cached.
  if (!includeSamples) {
    let text = renderCache.get(t);
    if (text === undefined) renderCache.set(t, (text = renderTableText(t, false)));
    return text;
  }
  return renderTableText(t, true);
}

function renderTableText(t: SnapshotTable, includeSamples: boolean): string {
  const head = `TABLE ${t.schema}.${t.name}${t.kind === 'view' ? ' (view)' : ''}${t.rowEstimate !== undefined ? ` -- ~${t.rowEstimate} rows` : ''}${t.comment ? ` -- ${t.comment}` : ''}`;
  const cols = t.columns.map((c) => {
    const parts = [`  ${c.name} ${c.type}`];
    if (c.primaryKey) parts.push('PRIMARY KEY');
    if (!c.nullable && !c.primaryKey) parts.push('NOT NULL');
    const notes: string[] = [];
    if (c.comment) notes.push(c.comment);
    const s = includeSamples ? t.samples?.[c.name] : undefined;
    if (s?.length) notes.push(`e.g. ${s.map((v) => `'${v}'`).join(', ')}`);
    return parts.join(' ') + (notes.length ? ` -- ${notes.join('; ')}` : '');
  });
  return [head, ...cols].join('\n');
}

export interface SchemaContext {
  text: string;
  tables: SnapshotTable[];
  omitted: number;
  tokens: number;
}

/** Renders the most relevant tables that fit in `budgetTokens`; always at least one table. */
export function buildSchemaContext(snapshot: CatalogSnapshot, question: string, o: { budgetTokens?: number; includeSamples?: boolean } = {}): SchemaContext {
  const budgetTokens = o.budgetTokens ?? 6000;
  const ranked = rankTables(snapshot, question);
  const chosen: SnapshotTable[] = [];
  const parts: string[] = [];
  let tokens = 0;
  for (const { table } of ranked) {
    const text = renderTable(table, o.includeSamples);
    const cost = estimateTokens(text) + 1;
    if (tokens + cost > budgetTokens) {
      if (chosen.length === 0) {
        // One huge table: keep its head and as many columns as fit.
        const cut = text.slice(0, budgetTokens * 4);
        parts.push(cut.slice(0, cut.lastIndexOf('\n') > 0 ? cut.lastIndexOf('\n') : cut.length));
        chosen.push(table);
        tokens = budgetTokens;
      }
      continue;
    }
    parts.push(text);
    chosen.push(table);
    tokens += cost;
  }
  return { text: parts.join('\n\n'), tables: chosen, omitted: snapshot.tables.length - chosen.length, tokens };
}

/**
 * Adds up to `perColumn` distinct values for the text columns of the given tables (only with the user's consent:
 * values are data). Failures are ignored: samples are a nicety.
 */
export async function addSampleValues(
  connection: Connection,
  tables: SnapshotTable[],
  o: { perColumn?: number; maxColumnsPerTable?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const per = o.perColumn ?? 4;
  for (const t of tables) {
    throwIfAborted(o.signal);
    const textCols = t.columns.filter((c) => /char|text|string|enum|varchar/i.test(c.type)).slice(0, o.maxColumnsPerTable ?? 6);
    if (!textCols.length) continue;
    t.samples ??= {};
    for (const c of textCols) {
      const col = connection.quoteIdent(c.name);
      const sql = `SELECT DISTINCT ${col} FROM ${connection.quoteIdent(t.schema)}.${connection.quoteIdent(t.name)} WHERE ${col} IS NOT NULL LIMIT ${per}`;
      try {
        const res = await connection.query(sql, { maxRows: per, timeoutMs: 5000, signal: o.signal });
        t.samples[c.name] = res.rows.map((r) => String(r[0]).slice(0, 40));
      } catch {
        // Permissions or exotic types: skip this column.
      }
    }
  }
}

/**
 * Column lineage across the models of a dbt project: `model.a.col → model.b.col` edges and each node's output
 * columns, on top of the model DAG from dbt.ts.
 *
 * Each model is traced on its own with the single-statement engine (columns.ts); the table names it reads are then
 * mapped back to graph nodes. When target/manifest.json holds a model's compiled SQL we trace that (it is what dbt
 * really runs, macros expanded) and map fully-qualified relation names ("db"."schema"."alias") back through the
 * manifest; otherwise the model's own file is rendered with ref()/source() turned into names we map the same way.
 * Models are traced in topological order, so a `select *` from an upstream model expands to that model's outputs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '../errors';
import { splitStatements } from '../connections/splitter';
import { parseDialect, type Dialect, DIALECTS } from './dialects';
import { renderJinja } from './jinja';
import { tokenize, matchParen } from './tokens';
import { scanTables } from './tables';
import { traceQuery, MAX_PARSE_DEPTH } from './columns';
import { analyzeStatement } from './analyze';
import { parseYamlLite, type YamlValue } from './yamlLite';
import type { ProjectGraph } from './dbt';
import type { SchemaMap } from './types';

export interface ColumnFlow {
  /** `<nodeId>.<column>`; the column is `*` when an upstream `select *` could not be expanded. */
  from: string;
  to: string;
}

export interface ColumnGraph {
  /**
   * Output columns per node: in select-list order for traced models (`*` when an upstream `select *` could not be
   * expanded); declared columns plus those read downstream for sources, seeds and models without SQL.
   */
  columns: Record<string, string[]>;
  columnEdges: ColumnFlow[];
  /** Models traced only partly or not at all, with the reason. */
  problems: Array<{ node: string; message: string }>;
}

type Traced = Array<{ name: string; sources: string[] }>;

/**
 * Per-model traces keyed by the model's SQL, dialect and the upstream columns its `*` expands to: after an edit only
 * that model is traced again, plus the downstream models whose expanded upstream columns changed with it.
 */
export class ColumnGraphCache {
  readonly models = new Map<string, { key: string; traced: Traced; problem?: string }>();
  /** Rendered query and the tables it reads, per model, keyed by the model's text: tokenising is most of a rebuild. */
  readonly prepared = new Map<string, { raw: string; sql?: string; sources: string[] }>();
  traced = 0;
}

export interface ColumnGraphOptions {
  dialect?: string;
  signal?: AbortSignal;
  cache?: ColumnGraphCache;
}

interface ManifestNode {
  name?: string;
  resource_type?: string;
  source_name?: string;
  identifier?: string;
  alias?: string;
  database?: string;
  schema?: string;
  relation_name?: string;
  compiled_code?: string;
  compiled_sql?: string;
  raw_code?: string;
  raw_sql?: string;
  checksum?: { name?: string; checksum?: string };
  columns?: Record<string, { name?: string }>;
}

interface Manifest {
  nodes?: Record<string, ManifestNode>;
  sources?: Record<string, ManifestNode>;
  metadata?: { adapter_type?: string };
}

/** `"db"."Schema".[t]` → `db.schema.t`: quotes dropped and case folded, as relation names compare in practice. */
export function normaliseRelation(name: string): string {
  return name.replace(/["`[\]]/g, '').toLowerCase().trim();
}

/** Graph node id for a manifest unique id (`model.pkg.name`, `seed.pkg.name`, `source.pkg.src.table`). */
function nodeIdOf(uid: string, n: ManifestNode): string | undefined {
  const type = uid.split('.')[0];
  if (type === 'model' || type === 'seed') return `${type}.${n.name ?? uid.split('.').pop()}`;
  if (type === 'source') return n.source_name && n.name ? `source.${n.source_name}.${n.name}` : `source.${uid.split('.').slice(-2).join('.')}`;
  return undefined;
}

/**
 * Relation name → node id. Each relation is known by its full name and by its shorter suffixes (`schema.alias`,
 * `alias`), the short ones only while they stay unambiguous, since SQL may qualify a relation less than dbt does.
 */
class RelationIndex {
  private readonly exact = new Map<string, string>();
  private readonly suffix = new Map<string, string | null>();

  add(name: string, id: string): void {
    const parts = normaliseRelation(name).split('.').filter(Boolean);
    if (!parts.length) return;
    this.exact.set(parts.join('.'), id);
    for (let k = 1; k < parts.length; k++) {
      const key = parts.slice(k).join('.');
      const old = this.suffix.get(key);
      this.suffix.set(key, old === undefined || old === id ? id : null);
    }
  }

  resolve(name: string): string | undefined {
    const key = normaliseRelation(name);
    return this.exact.get(key) ?? this.suffix.get(key) ?? undefined;
  }
}

/** Node ids in dependency order; nodes on a cycle come last, in their original order (traced without upstream stars). */
function topoOrder(ids: string[], edges: Array<{ from: string; to: string }>): string[] {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!indeg.has(e.from) || !indeg.has(e.to)) continue;
    indeg.set(e.to, indeg.get(e.to)! + 1);
    (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const out: string[] = [];
  for (let k = 0; k < queue.length; k++) {
    out.push(queue[k]);
    for (const n of next.get(queue[k]) ?? []) {
      indeg.set(n, indeg.get(n)! - 1);
      if (indeg.get(n) === 0) queue.push(n);
    }
  }
  if (out.length < ids.length) {
    const done = new Set(out);
    out.push(...ids.filter((id) => !done.has(id)));
  }
  return out;
}

function field(obj: YamlValue | undefined, key: string): YamlValue | undefined {
  return obj && typeof obj === 'object' && !Array.isArray(obj) ? obj[key] : undefined;
}

function namesOf(list: YamlValue | undefined): string[] {
  return Array.isArray(list) ? list.map((c) => field(c, 'name')).filter((n): n is string => typeof n === 'string') : [];
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Case-insensitive ordered set of column names. */
class ColumnList {
  private readonly keys = new Set<string>();
  readonly names: string[] = [];
  add(name: string): void {
    const k = name.toLowerCase();
    if (!this.keys.has(k)) {
      this.keys.add(k);
      this.names.push(name);
    }
  }
}

/** Splits `a.b.col` into table `a.b` and column `col`. */
function splitRef(ref: string): [string, string] | undefined {
  const k = ref.lastIndexOf('.');
  return k > 0 ? [ref.slice(0, k), ref.slice(k + 1)] : undefined;
}

/**
 * Longest model traced as one parse. Longer ones go through the statement analysis, which parses a leading WITH list
 * one CTE at a time (node-sql-parser is super-linear in statement length) and guards against pathological input;
 * it names only the output columns that have a source, so literal-only columns of such models are not listed.
 */
const ONE_PARSE_CHARS = 20_000;

/** Model files read at once. */
const FILE_CONCURRENCY = 32;

function parenDepth(sql: string): number {
  let depth = 0;
  let max = 0;
  for (let k = 0; k < sql.length; k++) {
    const c = sql.charCodeAt(k);
    if (c === 40) max = Math.max(max, ++depth);
    else if (c === 41) depth--;
  }
  return max;
}

const EPHEMERAL_CTE = /^__dbt__cte__(.+)$/i;

/**
 * dbt inlines an ephemeral model into the compiled SQL of its consumers as `WITH __dbt__cte__<name> AS (…)`. Tracing
 * through that CTE would skip the ephemeral model's node, so its definitions are cut out and the CTE name is then read
 * as a reference to model.<name> (traced on its own, from its own compiled SQL).
 */
export function detachEphemeralCtes(sql: string, dialect: Dialect): string {
  if (!/__dbt__cte__/i.test(sql)) return sql;
  const t = tokenize(sql, { dialect });
  const cuts: Array<[number, number]> = [];
  for (let i = 1; i + 2 < t.length; i++) {
    const prev = t[i - 1];
    const afterWith = prev.kind === 'word' && prev.upper === 'WITH';
    if (!(afterWith || (prev.kind === 'punct' && prev.value === ','))) continue;
    if (!EPHEMERAL_CTE.test(t[i].value) || t[i + 1].upper !== 'AS' || t[i + 2].value !== '(') continue;
    const close = matchParen(t, i + 2);
    if (close >= t.length) break;
    const next = t[close + 1];
    if (!afterWith) cuts.push([prev.start, t[close].end]);
    else if (next?.kind === 'punct' && next.value === ',') cuts.push([t[i].start, next.end]);
    else cuts.push([prev.start, t[close].end]); // the only CTE: the WITH goes too
    i = close;
  }
  let out = sql;
  for (const [a, b] of cuts.reverse()) out = out.slice(0, a) + ' '.repeat(b - a) + out.slice(b);
  return out;
}

/** The model's query: the last statement that reads data (pre-hooks and `set` statements before it carry no lineage). */
function modelQuery(sql: string, dialect: Dialect): string | undefined {
  const ranges = splitStatements(sql, { dialect });
  for (let k = ranges.length - 1; k >= 0; k--) {
    if (/\b(select|from)\b/i.test(ranges[k].text)) return ranges[k].text;
  }
  return undefined;
}

function traceModel(sql: string, dialect: Dialect, sources: string[], schema: SchemaMap): { traced: Traced; problem?: string } {
  const whole = sql.length <= ONE_PARSE_CHARS && parenDepth(sql) <= MAX_PARSE_DEPTH ? traceQuery(sql, dialect, { type: 'select', sources, targets: [], schema }) : undefined;
  if (whole && !('problem' in whole)) return { traced: whole.columns };
  // Too long for one parse, or it does not parse as one query: the CTE-by-CTE analysis may still trace most.
  const st = analyzeStatement(sql, 0, dialect, { schema });
  const byName = new Map<string, { name: string; sources: string[] }>();
  for (const e of st.columnLineage) {
    const k = e.target.toLowerCase();
    (byName.get(k) ?? byName.set(k, { name: e.target, sources: [] }).get(k)!).sources.push(e.source);
  }
  const problem = st.error ?? (whole ? `partly analysed: ${whole.problem}` : undefined);
  return { traced: [...byName.values()], ...(problem ? { problem } : {}) };
}

export async function buildColumnGraph(graph: ProjectGraph, options: ColumnGraphOptions = {}): Promise<ColumnGraph> {
  const cache = options.cache ?? new ColumnGraphCache();
  const result: ColumnGraph = { columns: {}, columnEdges: [], problems: [] };
  if (!graph.isDbt) return result;
  const root = graph.root;
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  const declared = new Map<string, ColumnList>();
  const declare = (id: string) => declared.get(id) ?? declared.set(id, new ColumnList()).get(id)!;

  // Relation names a model's SQL may use for each node: ref/source spellings, then the manifest's real relations.
  const relations = new RelationIndex();
  for (const n of graph.nodes) {
    if (n.kind === 'model' || n.kind === 'seed') relations.add(n.name, n.id);
    if (n.kind === 'model') relations.add(`__dbt__cte__${n.name}`, n.id);
    else if (n.kind === 'source') relations.add(n.name, n.id);
  }
  const compiled = new Map<string, { code: string; raw?: string; sha256?: string }>();
  let manifestDialect: string | undefined;
  const manifestText = await readText(join(root, 'target', 'manifest.json'));
  if (manifestText !== undefined) {
    let manifest: Manifest | undefined;
    try {
      manifest = JSON.parse(manifestText) as Manifest;
    } catch {
      manifest = undefined; // dbt.ts already reports the broken manifest.
    }
    const adapter = manifest?.metadata?.adapter_type;
    if (adapter && (DIALECTS as readonly string[]).includes(adapter)) manifestDialect = adapter;
    for (const [uid, n] of Object.entries({ ...(manifest?.nodes ?? {}), ...(manifest?.sources ?? {}) })) {
      const id = nodeIdOf(uid, n);
      if (!id || !nodeIds.has(id)) continue;
      const ident = n.identifier ?? n.alias ?? n.name;
      if (n.relation_name) relations.add(n.relation_name, id);
      if (ident) relations.add([n.database, n.schema, ident].filter(Boolean).join('.'), id);
      const code = n.compiled_code ?? n.compiled_sql;
      if (typeof code === 'string' && code.trim() && id.startsWith('model.')) {
        compiled.set(id, { code, raw: n.raw_code ?? n.raw_sql, sha256: n.checksum?.name === 'sha256' ? n.checksum.checksum : undefined });
      }
      // Documented columns; a traced model's select list replaces them, a model without SQL keeps them for `*`.
      for (const [key, c] of Object.entries(n.columns ?? {})) declare(id).add(c.name ?? key);
    }
  }
  const dialect = parseDialect(options.dialect ?? manifestDialect);

  // Declared columns of sources (`columns:` in the sources yml) and seeds (the CSV header).
  const ymlPaths = new Set(graph.nodes.filter((n) => n.kind === 'source' && n.path?.match(/\.ya?ml$/i)).map((n) => n.path!));
  for (const p of ymlPaths) {
    const text = await readText(join(root, p));
    if (text === undefined) continue;
    const doc = parseYamlLite(text);
    const sources = field(doc, 'sources');
    for (const s of Array.isArray(sources) ? sources : []) {
      const tables = field(s, 'tables');
      for (const t of Array.isArray(tables) ? tables : []) {
        const id = `source.${String(field(s, 'name'))}.${String(field(t, 'name'))}`;
        if (!nodeIds.has(id)) continue;
        for (const c of namesOf(field(t, 'columns'))) declare(id).add(c);
        const ident = field(t, 'identifier');
        const schema = field(s, 'schema');
        if (typeof ident === 'string' || typeof schema === 'string') {
          relations.add(`${typeof schema === 'string' ? schema : String(field(s, 'name'))}.${typeof ident === 'string' ? ident : String(field(t, 'name'))}`, id);
        }
      }
    }
  }
  for (const n of graph.nodes) {
    if (n.kind !== 'seed' || !n.path || !/\.(csv|tsv)$/i.test(n.path)) continue;
    const text = await readText(join(root, n.path));
    const header = text?.split(/\r?\n/, 1)[0];
    if (header) for (const c of header.split(n.path.toLowerCase().endsWith('.tsv') ? '\t' : ',')) if (c.trim()) declare(n.id).add(c.trim().replace(/^"|"$/g, ''));
  }

  const outputs = new Map<string, string[]>();
  for (const [id, list] of declared) outputs.set(id, list.names);
  const used = new Map<string, ColumnList>();
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string) => {
    const k = `${from}\u0000${to}`.toLowerCase();
    if (!edgeKeys.has(k)) {
      edgeKeys.add(k);
      result.columnEdges.push({ from, to });
    }
  };

  const models = graph.nodes.filter((n) => n.kind === 'model');
  const byId = new Map(models.map((n) => [n.id, n]));
  // Model files read up front, a bounded number at a time, so the reads overlap instead of queueing one by one.
  const texts = new Map<string, string | undefined>();
  const paths = models.filter((n) => n.path?.toLowerCase().endsWith('.sql')).map((n) => [n.id, n.path!] as const);
  let nextPath = 0;
  const reader = async () => {
    while (nextPath < paths.length) {
      throwIfAborted(options.signal);
      const [id, path] = paths[nextPath++];
      texts.set(id, await readText(join(root, path)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, paths.length) }, reader));
  for (const id of topoOrder(models.map((n) => n.id), graph.edges)) {
    throwIfAborted(options.signal);
    const node = byId.get(id)!;
    const fileText = texts.get(id);
    // Compiled SQL is what dbt runs, but only as of the last compile: a model file edited since then wins.
    const comp = compiled.get(id);
    const stale = comp !== undefined && fileText !== undefined && (comp.raw !== undefined
      ? comp.raw.replace(/\r\n/g, '\n') !== fileText.replace(/\r\n/g, '\n')
      : comp.sha256 !== undefined && comp.sha256 !== createHash('sha256').update(fileText).digest('hex'));
    const useCompiled = comp !== undefined && !stale;
    const raw = useCompiled ? comp.code : fileText;
    if (raw === undefined) continue; // a package model known only from the manifest, not compiled yet
    const rawKey = `${useCompiled ? 'compiled' : 'file'}\u0000${dialect}\u0000${raw}`;
    let prep = cache.prepared.get(id);
    if (prep?.raw !== rawKey) {
      const query = modelQuery(useCompiled ? detachEphemeralCtes(raw, dialect) : renderJinja(raw, { thisName: node.name }).sql, dialect);
      const reads = query ? scanTables(tokenize(query, { dialect })).reads.map((r) => r.name) : [];
      prep = { raw: rawKey, sql: query, sources: [...new Set(reads)] };
      cache.prepared.set(id, prep);
    }
    const { sql, sources } = prep;
    if (!sql) continue;
    // Upstream outputs known so far expand `select *`; a name that is not a project node stays unexpanded.
    const schema: SchemaMap = {};
    for (const s of sources) {
      const up = relations.resolve(s);
      const cols = up && up !== id ? outputs.get(up) : undefined;
      if (cols?.length && !cols.includes('*')) schema[s] = cols;
    }
    const key = `${dialect}\u0000${JSON.stringify(schema)}\u0000${sql}`;
    let hit = cache.models.get(id);
    if (hit?.key !== key) {
      hit = { key, ...traceModel(sql, dialect, sources, schema) };
      cache.models.set(id, hit);
      cache.traced++;
    }
    const traced = hit.traced;
    if (hit.problem) result.problems.push({ node: id, message: hit.problem });

    const own = new ColumnList();
    for (const c of traced) {
      own.add(c.name);
      for (const src of c.sources) {
        const parts = splitRef(src);
        const up = parts && relations.resolve(parts[0]);
        if (!parts || !up || up === id) continue;
        addEdge(`${up}.${parts[1]}`, `${id}.${c.name}`);
        if (parts[1] !== '*') (used.get(up) ?? used.set(up, new ColumnList()).get(up)!).add(parts[1]);
      }
    }
    outputs.set(id, own.names);
  }

  for (const n of graph.nodes) {
    if (n.kind === 'model' && outputs.has(n.id)) {
      result.columns[n.id] = outputs.get(n.id)!;
      continue;
    }
    // Sources, seeds, and models we have no SQL for (a missing ref, an uncompiled package model): what is declared
    // plus what downstream models read from them.
    const list = new ColumnList();
    for (const c of outputs.get(n.id) ?? []) list.add(c);
    for (const c of used.get(n.id)?.names ?? []) list.add(c);
    if (list.names.length) result.columns[n.id] = list.names;
  }
  return result;
}

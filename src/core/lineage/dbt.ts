/**
 * dbt project graph: models (`*.sql` under the model paths of dbt_project.yml), sources and seeds declared in
 * `*.yml`, seed files, and edges from `ref()`/`source()` calls; `target/manifest.json`, when present, adds what only
 * dbt knows (package models, compiled SQL). Without dbt_project.yml, a folder of plain SQL scripts becomes a table
 * graph (`table.<name>` nodes, edges from read to written tables).
 *
 * A ProjectGraphCache keeps each file's parse keyed by mtime and size, so re-building after one edit re-reads the
 * directory listing but re-analyses only the changed file.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, basename, extname, sep } from 'node:path';
import { UserError, throwIfAborted } from '../errors';
import { renderJinja, type DbtRef } from './jinja';
import { analyzeScript } from './analyze';
import { parseYamlLite, type YamlValue } from './yamlLite';

export type GraphNodeKind = 'model' | 'source' | 'seed' | 'table';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** File path relative to the project directory (models, seeds, source yml), with forward slashes. */
  path?: string;
  name: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface ProjectGraph {
  root: string;
  isDbt: boolean;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Files that could not be read or parsed, with the reason (the graph is built from the rest). */
  problems: Array<{ path: string; message: string }>;
}

interface FileEntry {
  mtimeMs: number;
  size: number;
  refs: DbtRef[];
  /** Plain SQL mode: tables read and written by the script. */
  reads: string[];
  writes: string[];
  /** Plain SQL mode: per statement, read → written table pairs. */
  flows: Array<[string, string]>;
  sources: Array<{ source: string; table: string }>;
  seeds: string[];
}

/** Per-file analysis cache; `analysed` counts files actually (re-)parsed, for tests and the benchmark. */
export class ProjectGraphCache {
  readonly files = new Map<string, FileEntry>();
  analysed = 0;
}

export interface GraphOptions {
  cache?: ProjectGraphCache;
  signal?: AbortSignal;
}

/** File system calls in flight while reading a project. */
const FILE_CONCURRENCY = 32;

const SKIP_DIRS = new Set(['node_modules', 'target', 'dbt_packages', 'dbt_modules', '.git', 'logs', '.venv', 'venv', '__pycache__']);

/** Collects files by extension group in one pass: `groups[k]` receives the files ending in one of `exts[k]`. */
async function walk(dir: string, exts: string[][], groups: string[][], signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const subdirs: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) subdirs.push(p);
      continue;
    }
    const lower = e.name.toLowerCase();
    const k = exts.findIndex((group) => group.some((x) => lower.endsWith(x)));
    if (k >= 0) groups[k].push(p);
  }
  for (const d of subdirs) await walk(d, exts, groups, signal);
}

/**
 * `fn` over `items` with at most `limit` in flight, results in input order. File stats and reads overlap in libuv's
 * thread pool instead of waiting for each other (a 1,000-model project is 2,000 file system calls).
 */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      throwIfAborted(signal);
      const k = next++;
      out[k] = await fn(items[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

async function settle<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

function asList(v: YamlValue | undefined, fallback: string[]): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return [v];
  return fallback;
}

function field(obj: YamlValue | undefined, key: string): YamlValue | undefined {
  return obj && typeof obj === 'object' && !Array.isArray(obj) ? obj[key] : undefined;
}

function rel(root: string, p: string): string {
  return relative(root, p).split(sep).join('/');
}

async function readEntry(path: string, cache: ProjectGraphCache, parse: (text: string) => Omit<FileEntry, 'mtimeMs' | 'size'>): Promise<FileEntry | undefined> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  const hit = cache.files.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const text = await readFile(path, 'utf8');
  cache.analysed++;
  const entry: FileEntry = { mtimeMs: st.mtimeMs, size: st.size, ...parse(text) };
  cache.files.set(path, entry);
  return entry;
}

function parseModel(text: string): Omit<FileEntry, 'mtimeMs' | 'size'> {
  return { refs: renderJinja(text).refs, reads: [], writes: [], flows: [], sources: [], seeds: [] };
}

function parseYml(text: string): Omit<FileEntry, 'mtimeMs' | 'size'> {
  const doc = parseYamlLite(text);
  const sources: FileEntry['sources'] = [];
  const seeds: string[] = [];
  const declared = field(doc, 'sources');
  for (const s of Array.isArray(declared) ? declared : []) {
    const sourceName = field(s, 'name');
    if (typeof sourceName !== 'string') continue;
    const tables = field(s, 'tables');
    if (Array.isArray(tables)) for (const t of tables) {
      const tn = field(t, 'name');
      if (typeof tn === 'string') sources.push({ source: sourceName, table: tn });
    }
  }
  const seedDecl = field(doc, 'seeds');
  if (Array.isArray(seedDecl)) for (const s of seedDecl) {
    const n = field(s, 'name');
    if (typeof n === 'string') seeds.push(n);
  }
  return { refs: [], reads: [], writes: [], flows: [], sources, seeds };
}

function parsePlainSql(text: string): Omit<FileEntry, 'mtimeMs' | 'size'> {
  const r = analyzeScript(text, { tablesOnly: true });
  const flows: Array<[string, string]> = [];
  for (const st of r.statements) for (const a of st.sources) for (const b of st.targets) flows.push([a, b]);
  return { refs: [], reads: r.sources, writes: [...r.targets, ...r.intermediates], flows, sources: [], seeds: [] };
}

export async function buildProjectGraph(dir: string, options: GraphOptions = {}): Promise<ProjectGraph> {
  const cache = options.cache ?? new ProjectGraphCache();
  const signal = options.signal;
  let dirStat;
  try {
    dirStat = await stat(dir);
  } catch {
    throw new UserError(`No such directory: ${dir}.`);
  }
  if (!dirStat.isDirectory()) throw new UserError(`${dir} is not a directory.`);
  let projectText: string | undefined;
  try {
    projectText = await readFile(join(dir, 'dbt_project.yml'), 'utf8');
  } catch {
    projectText = undefined;
  }
  return projectText === undefined ? plainGraph(dir, cache, signal) : dbtGraph(dir, projectText, cache, signal);
}

async function dbtGraph(root: string, projectText: string, cache: ProjectGraphCache, signal?: AbortSignal): Promise<ProjectGraph> {
  const project = parseYamlLite(projectText);
  const modelPaths = asList(field(project, 'model-paths') ?? field(project, 'source-paths'), ['models']);
  const seedPaths = asList(field(project, 'seed-paths') ?? field(project, 'data-paths'), ['seeds', 'data']);
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const problems: ProjectGraph['problems'] = [];
  const addNode = (n: GraphNode) => {
    const old = nodes.get(n.id);
    if (!old || (!old.path && n.path)) nodes.set(n.id, n);
  };
  const addEdge = (from: string, to: string) => {
    const k = `${from}\u0000${to}`;
    if (!edgeKeys.has(k) && from !== to) {
      edgeKeys.add(k);
      edges.push({ from, to });
    }
  };

  const sqlFiles: string[] = [];
  const ymlFiles: string[] = [];
  for (const mp of modelPaths) await walk(join(root, mp), [['.sql'], ['.yml', '.yaml']], [sqlFiles, ymlFiles], signal);
  const seedFiles: string[] = [];
  for (const sp of seedPaths) await walk(join(root, sp), [['.csv', '.tsv', '.csv.gz'], ['.yml', '.yaml']], [seedFiles, ymlFiles], signal);
  for (const f of seedFiles) {
    const name = basename(f).replace(/\.(csv|tsv)(\.gz)?$/i, '');
    addNode({ id: `seed.${name}`, kind: 'seed', name, path: rel(root, f) });
  }
  const ymlEntries = await mapLimit(ymlFiles, FILE_CONCURRENCY, (f) => settle(readEntry(f, cache, parseYml)), signal);
  ymlFiles.forEach((f, k) => {
    const r = ymlEntries[k];
    if (!r.ok) problems.push({ path: rel(root, f), message: r.message });
    else for (const s of r.value?.sources ?? []) addNode({ id: `source.${s.source}.${s.table}`, kind: 'source', name: `${s.source}.${s.table}`, path: rel(root, f) });
  });
  const models = new Map<string, { path: string; refs: DbtRef[] }>();
  const sqlEntries = await mapLimit(sqlFiles, FILE_CONCURRENCY, (f) => settle(readEntry(f, cache, parseModel)), signal);
  sqlFiles.forEach((f, k) => {
    const r = sqlEntries[k];
    if (!r.ok) {
      problems.push({ path: rel(root, f), message: r.message });
      return;
    }
    const name = basename(f, extname(f));
    models.set(name, { path: rel(root, f), refs: r.value?.refs ?? [] });
    addNode({ id: `model.${name}`, kind: 'model', name, path: rel(root, f) });
  });
  for (const [name, m] of models) {
    for (const r of m.refs) {
      if (r.kind === 'source') {
        const id = `source.${r.args[0]}.${r.args[1]}`;
        addNode({ id, kind: 'source', name: `${r.args[0]}.${r.args[1]}` });
        addEdge(id, `model.${name}`);
      } else {
        const target = r.relation;
        const id = models.has(target) || !nodes.has(`seed.${target}`) ? `model.${target}` : `seed.${target}`;
        addNode({ id, kind: id.startsWith('seed.') ? 'seed' : 'model', name: target });
        addEdge(id, `model.${name}`);
      }
    }
  }
  await mergeManifest(root, addNode, addEdge, problems);
  return { root, isDbt: true, nodes: [...nodes.values()], edges, problems };
}

/** Adds package models and dependencies dbt resolved (target/manifest.json from `dbt compile`/`dbt run`). */
async function mergeManifest(root: string, addNode: (n: GraphNode) => void, addEdge: (a: string, b: string) => void, problems: ProjectGraph['problems']): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(root, 'target', 'manifest.json'), 'utf8');
  } catch {
    return;
  }
  let manifest: { nodes?: Record<string, ManifestNode>; sources?: Record<string, ManifestNode> };
  try {
    manifest = JSON.parse(text);
  } catch {
    problems.push({ path: 'target/manifest.json', message: 'not valid JSON; ignored' });
    return;
  }
  const idOf = (uid: string, n?: ManifestNode): string | undefined => {
    const [type] = uid.split('.');
    if (type === 'model' || type === 'seed') return `${type}.${n?.name ?? uid.split('.').pop()}`;
    if (type === 'source') return n ? `source.${n.source_name}.${n.name}` : `source.${uid.split('.').slice(-2).join('.')}`;
    return undefined;
  };
  for (const [uid, n] of Object.entries(manifest.sources ?? {})) {
    const id = idOf(uid, n);
    if (id) addNode({ id, kind: 'source', name: `${n.source_name}.${n.name}`, path: n.original_file_path });
  }
  const all = { ...(manifest.nodes ?? {}), ...(manifest.sources ?? {}) };
  for (const [uid, n] of Object.entries(manifest.nodes ?? {})) {
    const id = idOf(uid, n);
    if (!id) continue;
    addNode({ id, kind: id.startsWith('seed.') ? 'seed' : 'model', name: n.name ?? id, path: n.original_file_path });
    for (const dep of n.depends_on?.nodes ?? []) {
      const from = idOf(dep, all[dep]);
      if (from) addEdge(from, id);
    }
  }
}

interface ManifestNode {
  name?: string;
  source_name?: string;
  original_file_path?: string;
  depends_on?: { nodes?: string[] };
}

async function plainGraph(root: string, cache: ProjectGraphCache, signal?: AbortSignal): Promise<ProjectGraph> {
  const files: string[] = [];
  await walk(root, [['.sql']], [files], signal);
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const problems: ProjectGraph['problems'] = [];
  const node = (name: string, path?: string) => {
    const id = `table.${name}`;
    const old = nodes.get(id);
    if (!old || (!old.path && path)) nodes.set(id, { id, kind: 'table', name, ...(path ? { path } : {}) });
    return id;
  };
  const entries = await mapLimit(files, FILE_CONCURRENCY, (f) => settle(readEntry(f, cache, parsePlainSql)), signal);
  files.forEach((f, k) => {
    const outcome = entries[k];
    if (!outcome.ok) {
      problems.push({ path: rel(root, f), message: outcome.message });
      return;
    }
    const entry = outcome.value;
    if (!entry) return;
    for (const w of entry.writes) node(w, rel(root, f));
    for (const r of entry.reads) node(r);
    for (const [r, w] of entry.flows) {
      node(r);
      const key = `${r}\u0000${w}`;
      if (!seen.has(key) && r !== w) {
        seen.add(key);
        edges.push({ from: `table.${r}`, to: `table.${w}` });
      }
    }
  });
  return { root, isDbt: false, nodes: [...nodes.values()], edges, problems };
}

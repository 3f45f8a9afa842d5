import { readFile } from 'node:fs/promises';
import { UserError } from '../../core/errors';
import { analyzeScript, DIALECTS, parseDialect, type ScriptLineage } from '../../core/lineage';
import type { CliCommand } from '../types';

/** The public JSON contract of `iopsdata lineage --json`: exactly these fields, in this order. */
export function lineageJson(result: ScriptLineage): unknown {
  return {
    dialect: result.dialect,
    statements: result.statements.map((s) => ({
      index: s.index,
      type: s.type,
      sources: s.sources,
      targets: s.targets,
      ctes: s.ctes,
      columnLineage: s.columnLineage.map((e) => ({ source: e.source, target: e.target })),
      ...(s.error ? { error: s.error } : {}),
    })),
    sources: result.sources,
    targets: result.targets,
    intermediates: result.intermediates,
  };
}

function lineageText(result: ScriptLineage): string {
  const lines: string[] = [];
  for (const s of result.statements) {
    lines.push(`#${s.index} ${s.type}: ${s.sources.join(', ') || '-'} -> ${s.targets.join(', ') || '-'}${s.error ? `  (${s.error})` : ''}`);
    for (const e of s.columnLineage) lines.push(`    ${e.source} -> ${e.target}`);
  }
  lines.push(`sources: ${result.sources.join(', ') || '-'}`);
  lines.push(`targets: ${result.targets.join(', ') || '-'}`);
  if (result.intermediates.length) lines.push(`intermediates: ${result.intermediates.join(', ')}`);
  return lines.join('\n');
}

async function readSchema(path: string | undefined): Promise<Record<string, string[]> | undefined> {
  if (!path) return undefined;
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read schema file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    parsed = undefined;
  }
  // Every value must be a list of column names: anything else would be expanded character by character.
  const valid = parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    && Object.values(parsed).every((cols) => Array.isArray(cols) && cols.every((c) => typeof c === 'string'));
  if (!valid) throw new UserError(`Schema file ${path} must be JSON like {"db.table": ["col1", "col2"]}.`);
  return parsed as Record<string, string[]>;
}

export const lineageCommand: CliCommand = {
  name: 'lineage',
  summary: 'Table and column lineage of a SQL script or dbt model.',
  usage: 'iopsdata lineage <file.sql|-> [--dialect D] [--schema schema.json] [--json]',
  options: {
    dialect: { type: 'string', description: `SQL dialect: ${DIALECTS.join(', ')} (default ansi).` },
    schema: { type: 'string', description: 'JSON file {"table": ["col", …]} used to expand SELECT *.' },
  },
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UserError('Give a .sql file to analyse, or - to read SQL from stdin.');
    const dialect = parseDialect(ctx.options.dialect as string | undefined);
    const schema = await readSchema(ctx.options.schema as string | undefined);
    let sql: string;
    if (file === '-') sql = await ctx.readStdin();
    else {
      try {
        sql = await readFile(file, 'utf8');
      } catch (err) {
        throw new UserError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
      }
    }
    const thisName = file === '-' ? undefined : file.replace(/^.*[\\/]/, '').replace(/\.sql$/i, '');
    const result = analyzeScript(sql, { dialect, schema, thisName, signal: ctx.signal });
    ctx.stdout(ctx.json ? JSON.stringify(lineageJson(result), null, 2) : lineageText(result));
    return 0;
  },
};

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: 'Model DAG of a dbt project (models, sources, seeds); --columns adds column lineage across models.',
  usage: 'iopsdata graph <dir> [--columns] [--dialect D] [--json]',
  options: {
    columns: { type: 'boolean', description: 'Also trace column lineage across models (adds "columns" and "columnEdges").' },
    dialect: { type: 'string', description: `SQL dialect of the models for --columns (default: the manifest's adapter, else ansi).` },
  },
  async run(ctx) {
    const dir = ctx.positionals[0];
    if (!dir) throw new UserError('Give the dbt project directory (the one with dbt_project.yml).');
    const dialect = ctx.options.dialect === undefined ? undefined : parseDialect(ctx.options.dialect as string);
    const { buildProjectGraph } = await import('../../core/lineage/dbt');
    const graph = await buildProjectGraph(dir, { signal: ctx.signal });
    const json: Record<string, unknown> = { nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, ...(n.path ? { path: n.path } : {}) })), edges: graph.edges };
    // Column lineage re-reads and traces every model (about twice the graph's own time), so it is asked for.
    const columns = ctx.options.columns ? await (await import('../../core/lineage/crossModel')).buildColumnGraph(graph, { dialect, signal: ctx.signal }) : undefined;
    if (columns) {
      json.columns = columns.columns;
      json.columnEdges = columns.columnEdges;
      if (columns.problems.length) json.columnProblems = columns.problems;
    }
    if (ctx.json) ctx.stdout(JSON.stringify(json, null, 2));
    else {
      const lines = [`${graph.nodes.length} nodes, ${graph.edges.length} edges${columns ? `, ${columns.columnEdges.length} column edges` : ''}`];
      for (const e of graph.edges) lines.push(`  ${e.from} -> ${e.to}`);
      if (columns) {
        lines.push('columns:');
        for (const e of columns.columnEdges) lines.push(`  ${e.from} -> ${e.to}`);
        for (const p of columns.problems) lines.push(`  ${p.node}: ${p.message}`);
      }
      ctx.stdout(lines.join('\n'));
    }
    return 0;
  },
};

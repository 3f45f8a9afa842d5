/**
 * Lineage speed: a 500-line dbt model analysed (tables + column lineage), a generated 1,000-model dbt project graph
 * built cold, and the same graph rebuilt after editing one model (the cache re-analyses one file).
 * Run: npm run bench -- lineage   or   npx tsx test/bench/lineage.bench.ts (prints the JSON result).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScript, clearParseCache } from '../../src/core/lineage';
import { buildProjectGraph, ProjectGraphCache } from '../../src/core/lineage/dbt';
import { buildColumnGraph, ColumnGraphCache } from '../../src/core/lineage/crossModel';
import { setFastSelect } from '../../src/core/lineage/columns';
import type { BenchReport } from './report';

/** A dbt model of about `lines` lines: a chain of CTEs with joins, CASE, window functions and aggregates. */
export function bigModel(lines: number): string {
  const out: string[] = ["{{ config(materialized='table') }}", 'with'];
  let cte = 0;
  while (out.length < lines - 12) {
    const prev = cte === 0 ? "{{ source('raw', 'events') }}" : `step_${cte - 1}`;
    out.push(
      `step_${cte} as (`,
      '    select',
      '        e.event_id,',
      '        e.user_id,',
      `        e.amount * ${cte + 1} as amount,`,
      "        case when e.kind = 'purchase' then e.amount else 0 end as purchase_amount,",
      '        row_number() over (partition by e.user_id order by e.event_id) as rn,',
      '        coalesce(u.country, \'unknown\') as country,',
      '        e.kind',
      `    from ${prev} e`,
      "    left join {{ ref('dim_users') }} u on u.user_id = e.user_id",
      `    where e.amount > ${cte}`,
      '),',
    );
    cte++;
  }
  out.push(
    'final as (',
    '    select user_id, country, sum(amount) as total, sum(purchase_amount) as purchases, max(rn) as events',
    `    from step_${cte - 1}`,
    '    group by user_id, country',
    ')',
    'select * from final',
  );
  return out.join('\n');
}

function writeProject(dir: string, models: number): void {
  writeFileSync(join(dir, 'dbt_project.yml'), "name: bench\nversion: '1.0'\nmodel-paths: ['models']\n");
  mkdirSync(join(dir, 'models/staging'), { recursive: true });
  mkdirSync(join(dir, 'models/marts'), { recursive: true });
  const tables = Array.from({ length: 20 }, (_, i) => `      - name: t${i}`).join('\n');
  writeFileSync(join(dir, 'models/staging/sources.yml'), `version: 2\nsources:\n  - name: raw\n    tables:\n${tables}\n`);
  for (let i = 0; i < models; i++) {
    const deps = i < 20 ? [`{{ source('raw', 't${i}') }}`] : [1, 7, 13].map((k) => `{{ ref('m${Math.floor(i / (k + 1))}') }}`);
    const sql = [
      `{{ config(materialized='view') }}`,
      `with a as (select id, v from ${deps[0]}),`,
      `b as (select id, sum(v) as v from ${deps[deps.length - 1]} group by id)`,
      `select a.id, a.v + coalesce(b.v, 0) as v from a left join b using (id)`,
      ...(deps.length > 2 ? [`union all select id, v from ${deps[1]}`] : []),
    ].join('\n');
    writeFileSync(join(dir, `models/${i < 20 ? 'staging' : 'marts'}/m${i}.sql`), sql);
  }
}

export async function run(report: BenchReport): Promise<void> {
  // 1. One 500-line model. Cold: the parse cache is emptied before every run (the grammar is loaded and the code
  // JIT-compiled by the warm-up runs). Edited: one CTE's text changes between runs, so only that CTE is parsed again.
  const model = bigModel(500);
  let edges = 0;
  const cold = await report.measure('500-line model, cold (tables + column lineage)', () => {
    clearParseCache();
    edges = analyzeScript(model, { dialect: 'postgres' }).statements[0].columnLineage.length;
  }, { iterations: 15, warmup: 3 });
  report.record('500-line model: lines', model.split('\n').length);
  report.record('500-line model: column edges', edges);
  report.target('500-line model, cold (tables + column lineage) median', cold.medianMs, 50);
  // Baseline in the same run: every statement through node-sql-parser (the fast SELECT reader off).
  setFastSelect(false);
  let parserOnly;
  try {
    parserOnly = await report.measure('500-line model, cold, node-sql-parser only (baseline)', () => {
      clearParseCache();
      analyzeScript(model, { dialect: 'postgres' });
    }, { iterations: 3 });
  } finally {
    setFastSelect(true);
  }
  report.record('500-line model cold: node-sql-parser only / fast reader', parserOnly.medianMs / cold.medianMs, 'ratio');
  const tablesOnly = await report.measure('500-line model, tables only (token scan)', () => analyzeScript(model, { dialect: 'postgres', tablesOnly: true }), { iterations: 15, warmup: 3 });
  report.target('500-line model, tables only median', tablesOnly.medianMs, 50);
  let edit = 0;
  const edited = await report.measure('500-line model after editing one CTE (parse cache)', () => {
    analyzeScript(model.replace('e.amount > 3', `e.amount > ${1000 + edit++}`), { dialect: 'postgres' });
  }, { iterations: 15, warmup: 3 });
  report.target('500-line model after editing one CTE median', edited.medianMs, 50);

  // 2. and 3. A generated 1,000-model project, cold and after one edit.
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-bench-lineage-'));
  try {
    writeProject(dir, 1000);
    let nodes = 0;
    let edgeCount = 0;
    const graphCold = await report.measure('1,000-model dbt project graph (cold)', async () => {
      const g = await buildProjectGraph(dir, { cache: new ProjectGraphCache() });
      nodes = g.nodes.length;
      edgeCount = g.edges.length;
    }, { iterations: 5 });
    report.record('1,000-model graph: nodes', nodes);
    report.record('1,000-model graph: edges', edgeCount);
    report.target('1,000-model dbt project graph (cold) median', graphCold.medianMs, 2000);

    const cache = new ProjectGraphCache();
    await buildProjectGraph(dir, { cache });
    let i = 0;
    let reanalysed = 0;
    const file = join(dir, 'models/marts/m500.sql');
    const warm = await report.measure('1,000-model graph after editing one model (cached)', async () => {
      writeFileSync(file, `select id, v from {{ ref('m${++i}') }}`);
      utimesSync(file, new Date(), new Date(Date.now() + i * 1000));
      const before = cache.analysed;
      await buildProjectGraph(dir, { cache });
      reanalysed = cache.analysed - before;
    }, { iterations: 5 });
    report.record('1,000-model graph after one edit: files re-analysed', reanalysed);
    report.target('1,000-model graph after editing one model median', warm.medianMs, 2000);
    report.record('incremental / cold graph build', warm.medianMs / graphCold.medianMs, 'ratio');

    // Column lineage across the 1,000 models (what the dbt DAG panel draws), against the graph it builds on.
    const graph = await buildProjectGraph(dir, { cache: new ProjectGraphCache() });
    let columnEdges = 0;
    const columnsCold = await report.measure('1,000-model column lineage across models (cold)', async () => {
      columnEdges = (await buildColumnGraph(graph, { cache: new ColumnGraphCache() })).columnEdges.length;
    }, { iterations: 5 });
    report.record('1,000-model column lineage: column edges', columnEdges);
    report.record('column lineage / graph build (cold)', columnsCold.medianMs / graphCold.medianMs, 'ratio');
    report.target('1,000-model column lineage across models (cold) median', columnsCold.medianMs, 2000);
    const columnCache = new ColumnGraphCache();
    await buildColumnGraph(graph, { cache: columnCache });
    const columnsWarm = await report.measure('1,000-model column lineage after editing one model (cached)', async () => {
      writeFileSync(file, `select id, v from {{ ref('m${++i}') }}`);
      utimesSync(file, new Date(), new Date(Date.now() + i * 1000));
      await buildColumnGraph(await buildProjectGraph(dir, { cache }), { cache: columnCache });
    }, { iterations: 5 });
    report.record('column lineage incremental / cold', columnsWarm.medianMs / columnsCold.medianMs, 'ratio');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'lineage', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}

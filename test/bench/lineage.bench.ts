/**
 * Lineage speed: a 500-line dbt model analysed (tables + column lineage), a generated 1,000-model dbt project graph
 * built cold, and the same graph rebuilt after editing one model (the cache re-analyses one file).
 * Run alone with `npx tsx test/bench/lineage.bench.ts` (prints JSON) or through the bench runner via `run(report)`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScript, clearParseCache } from '../../src/core/lineage';
import { buildProjectGraph, ProjectGraphCache } from '../../src/core/lineage/dbt';

export interface LineageBenchResult {
  name: string;
  medianMs: number;
  runs: number;
  budgetMs: number;
  withinBudget: boolean;
  detail?: Record<string, number | string>;
}

/** Whatever the shared runner passes: we call the first recording method it has. */
interface ReportLike {
  add?: (r: LineageBenchResult) => void;
  record?: (r: LineageBenchResult) => void;
  push?: (r: LineageBenchResult) => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

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

export async function run(report?: ReportLike): Promise<LineageBenchResult[]> {
  const results: LineageBenchResult[] = [];
  const emit = (r: LineageBenchResult) => {
    results.push(r);
    const fn = report?.add ?? report?.record ?? report?.push;
    fn?.call(report, r);
  };

  // 1. One 500-line model. Cold: the parse cache is emptied before every run (the grammar itself is loaded once
  // before timing). Edited: one CTE's text changes between runs, so only that CTE is parsed again.
  const model = bigModel(500);
  analyzeScript(model, { dialect: 'postgres' });
  const cold: number[] = [];
  let edges = 0;
  for (let i = 0; i < 7; i++) {
    clearParseCache();
    const t0 = performance.now();
    const r = analyzeScript(model, { dialect: 'postgres' });
    cold.push(performance.now() - t0);
    edges = r.statements[0].columnLineage.length;
  }
  emit({ name: 'lineage: 500-line model, cold (tables + column lineage)', medianMs: median(cold), runs: cold.length, budgetMs: 50, withinBudget: median(cold) < 50, detail: { lines: model.split('\n').length, columnEdges: edges } });
  const tablesOnly: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    analyzeScript(model, { dialect: 'postgres', tablesOnly: true });
    tablesOnly.push(performance.now() - t0);
  }
  emit({ name: 'lineage: 500-line model, tables only (token scan)', medianMs: median(tablesOnly), runs: tablesOnly.length, budgetMs: 50, withinBudget: median(tablesOnly) < 50 });
  const edited: number[] = [];
  for (let i = 0; i < 7; i++) {
    const changed = model.replace('e.amount > 3', `e.amount > ${1000 + i}`);
    const t0 = performance.now();
    analyzeScript(changed, { dialect: 'postgres' });
    edited.push(performance.now() - t0);
  }
  emit({ name: 'lineage: 500-line model after editing one CTE (parse cache)', medianMs: median(edited), runs: edited.length, budgetMs: 50, withinBudget: median(edited) < 50 });

  // 2. and 3. A generated 1,000-model project, cold and after one edit.
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-bench-lineage-'));
  try {
    writeProject(dir, 1000);
    const cold: number[] = [];
    let nodes = 0;
    let edgeCount = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const g = await buildProjectGraph(dir, { cache: new ProjectGraphCache() });
      cold.push(performance.now() - t0);
      nodes = g.nodes.length;
      edgeCount = g.edges.length;
    }
    emit({ name: 'lineage: 1,000-model dbt project graph (cold)', medianMs: median(cold), runs: cold.length, budgetMs: 2000, withinBudget: median(cold) < 2000, detail: { nodes, edges: edgeCount } });

    const cache = new ProjectGraphCache();
    await buildProjectGraph(dir, { cache });
    const warm: number[] = [];
    let reanalysed = 0;
    for (let i = 0; i < 5; i++) {
      const file = join(dir, 'models/marts/m500.sql');
      writeFileSync(file, `select id, v from {{ ref('m${i + 1}') }}`);
      utimesSync(file, new Date(), new Date(Date.now() + (i + 1) * 1000));
      const before = cache.analysed;
      const t0 = performance.now();
      await buildProjectGraph(dir, { cache });
      warm.push(performance.now() - t0);
      reanalysed = cache.analysed - before;
    }
    emit({ name: 'lineage: same project after editing one model (cached)', medianMs: median(warm), runs: warm.length, budgetMs: 2000, withinBudget: median(warm) < 2000, detail: { filesReanalysed: reanalysed } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (require.main === module) {
  run().then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (err) => {
      process.stderr.write(`lineage bench failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}

/**
 * Profiling benchmark: the full profile vs bare DuckDB `SUMMARIZE` on the same generated taxi-like CSV, in the same
 * run, interleaved. Each measurement runs in its own child process so its peak RSS (maxRSS) is its own.
 * Sizes: 100k and 1M rows by default; add 10M (≈1 GB) with BENCH_PROFILING_FULL=1. Data: .cache/bench-data.
 * Targets: profile ≤ 1.3 × SUMMARIZE, peak RSS < 600 MB, first partial (rows/columns/types) < 2 s.
 * Opt-in pandas baseline (BENCH_PROFILING_PANDAS=1): read_csv + describe(include='all') on the same file in a python3
 * child, interleaved too, time and peak RSS in the same report; skipped with a message when pandas is not installed
 * (e.g. `apt-get install python3-pandas`). Nothing else depends on it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { BenchReport } from './report';
import { ensureTaxiCsv } from './data/taxiCsv';

const ROOT = resolve(__dirname, '..', '..');
const DATA = join(ROOT, '.cache', 'bench-data');

interface ChildResult {
  ms: number;
  firstMs?: number;
  rssMb: number;
  rows?: number;
  /** The profile's own phase timings (ms). */
  timings?: Record<string, number>;
}

/** $PYTHON, else the first python3 that has pandas: a pyenv shim may shadow the system one (Debian's python3-pandas). */
const PYTHONS = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
let PYTHON = PYTHONS[0];

/** The whole pandas baseline, timed from before `import pandas` (DuckDB's import is inside the other timings too). */
const PANDAS_SCRIPT = `
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd
df = pd.read_csv(sys.argv[1], on_bad_lines='skip', low_memory=False)
df.describe(include='all')
print(json.dumps({'ms': (time.perf_counter() - t0) * 1000, 'rssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'rows': len(df)}))
`;

/** Why the pandas baseline cannot run here, or undefined when it can. */
function pandasMissing(): string | undefined {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (!r.error && r.status === 0) {
      PYTHON = python;
      return undefined;
    }
  }
  return `pandas is not installed for ${PYTHONS.join(' or ')} (apt-get install python3-pandas)`;
}

function spawnPandas(path: string): ChildResult {
  const out = execFileSync(PYTHON, ['-c', PANDAS_SCRIPT, path], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 30 * 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** Child mode: `tsx profiling.bench.ts --child summarize|profile <path>` prints one JSON line. */
async function child(mode: string, path: string): Promise<void> {
  const started = performance.now();
  const threads = 2;
  if (mode === 'summarize') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const conn = await inst.connect();
    // ignore_errors: bare read_csv stops at the generator's malformed lines.
    await conn.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv('${path}', ignore_errors=true)`);
  } else {
    const { profileFile } = await import('../../src/core/profiling');
    let firstMs: number | undefined;
    const p = await profileFile(path, { threads }, { onProgress: () => (firstMs ??= performance.now() - started) });
    process.stdout.write(JSON.stringify({ ms: performance.now() - started, firstMs, rssMb: process.resourceUsage().maxRSS / 1024, rows: p.rowCount, timings: p.timings }) + '\n');
    return;
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function spawnChild(mode: string, path: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, path], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20, timeout: 20 * 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

function med(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function run(report: BenchReport): Promise<void> {
  const sizes = [100_000, 1_000_000, ...(process.env.BENCH_PROFILING_FULL ? [10_000_000] : [])];
  let withPandas = Boolean(process.env.BENCH_PROFILING_PANDAS);
  if (withPandas) {
    const missing = pandasMissing();
    if (missing) {
      report.log(`pandas baseline skipped: ${missing}`);
      report.record('pandas baseline', `skipped: ${missing}`);
      withPandas = false;
    }
  }
  for (const rows of sizes) {
    const label = rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`;
    report.log(`generating ${label} rows…`);
    const path = await ensureTaxiCsv(DATA, rows);
    const iterations = rows >= 10_000_000 ? 1 : 3;
    const sum: ChildResult[] = [];
    const prof: ChildResult[] = [];
    const pandas: ChildResult[] = [];
    // Interleaved so all see the same machine load.
    for (let i = 0; i < iterations; i++) {
      sum.push(spawnChild('summarize', path));
      prof.push(spawnChild('profile', path));
      if (withPandas) pandas.push(spawnPandas(path));
      report.log(
        `${label} run ${i + 1}: SUMMARIZE ${Math.round(sum[i].ms)} ms, profile ${Math.round(prof[i].ms)} ms (first partial ${Math.round(prof[i].firstMs ?? NaN)} ms, ${Math.round(prof[i].rssMb)} MB)` +
          (withPandas ? `, pandas ${Math.round(pandas[i].ms)} ms (${Math.round(pandas[i].rssMb)} MB)` : '') +
          `; phases ${JSON.stringify(prof[i].timings ?? {})}`,
      );
    }
    const s = med(sum.map((r) => r.ms));
    const p = med(prof.map((r) => r.ms));
    report.record(`${label} SUMMARIZE median`, Math.round(s), 'ms');
    report.record(`${label} profile median`, Math.round(p), 'ms');
    report.record(`${label} SUMMARIZE peak RSS`, Math.round(Math.max(...sum.map((r) => r.rssMb))), 'MB');
    report.record(`${label} profile rows`, prof[0].rows ?? 0);
    for (const phase of Object.keys(prof[0].timings ?? {})) report.record(`${label} profile phase ${phase} median`, Math.round(med(prof.map((r) => r.timings?.[phase] ?? 0))), 'ms');
    report.target(`${label} profile / SUMMARIZE`, Math.round((p / s) * 100) / 100, 1.3, 'x');
    report.target(`${label} profile peak RSS`, Math.round(Math.max(...prof.map((r) => r.rssMb))), 600, 'MB');
    report.target(`${label} first partial`, Math.round(med(prof.map((r) => r.firstMs ?? Infinity))), 2000, 'ms');
    if (withPandas) {
      const pd = med(pandas.map((r) => r.ms));
      report.record(`${label} pandas read_csv+describe median`, Math.round(pd), 'ms');
      report.record(`${label} pandas peak RSS`, Math.round(Math.max(...pandas.map((r) => r.rssMb))), 'MB');
      report.record(`${label} profile / pandas`, Math.round((p / pd) * 100) / 100, 'x');
    }
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--child');
  if (i > 0) {
    child(process.argv[i + 1], process.argv[i + 2]).catch((err) => {
      process.stderr.write(String(err) + '\n');
      process.exit(1);
    });
  } else {
    void import('./report').then(async ({ createReport }) => {
      const result = { bench: 'profiling', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
      await run(createReport(result, (l) => console.error(l)));
      console.log(JSON.stringify(result, null, 2));
    });
  }
}

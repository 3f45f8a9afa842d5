/**
 * `npm run bench [-- <filter>...]`: runs every test/bench/*.bench.ts (or those whose name contains a filter),
 * one after the other in this process, each exporting `run(report: BenchReport)` (see report.ts), then writes
 * bench-results/report.json and prints a summary. Exit code 1 if a bench threw; missed targets are reported
 * (and fail the run with --strict).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchReport, type BenchResult, PeakRss, createReport } from './report';

const benchDir = __dirname;
const root = resolve(benchDir, '../..');

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const strict = argv.includes('--strict');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.error(`bench: no test/bench/*.bench.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
    return 2;
  }
  const results: BenchResult[] = [];
  const started = new Date();
  for (const file of files) {
    const bench = basename(file, '.bench.ts');
    const result: BenchResult = { bench, file: `test/bench/${file}`, ok: false, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    console.log(`\n▶ ${bench}`);
    const rss = new PeakRss();
    rss.start();
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { run?: (r: BenchReport) => Promise<void> };
      const runFn = mod.run ?? (mod as { default?: { run?: (r: BenchReport) => Promise<void> } }).default?.run;
      if (typeof runFn !== 'function') throw new Error(`${file} does not export run(report)`);
      await runFn(createReport(result, (line) => console.log(line)));
      result.ok = true;
    } catch (e) {
      result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`  ✖ ${bench} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    result.durationMs = Math.round(performance.now() - t0);
    result.peakRssMb = rss.stopMb();
    console.log(`  (${(result.durationMs / 1000).toFixed(1)} s, peak RSS ${result.peakRssMb} MB)`);
    results.push(result);
  }

  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const report = {
    startedAt: started.toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    benches: results,
  };
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');

  console.log('\n=== bench summary ===');
  for (const r of results) {
    console.log(`${r.ok ? '✔' : '✖'} ${r.bench} (${(r.durationMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb} MB)`);
    for (const [name, t] of Object.entries(r.timings)) console.log(`    ${name}: median ${t.medianMs} ms, p90 ${t.p90Ms} ms, min ${t.minMs} ms`);
    for (const t of r.targets) console.log(`    ${t.met ? 'met   ' : 'MISSED'} ${t.key}: ${t.value} ${t.unit} (≤ ${t.limit})`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const missed = results.flatMap((r) => r.targets).filter((t) => !t.met).length;
  console.log(`report: bench-results/report.json; ${results.length - failed} passed, ${failed} failed${missed ? `, ${missed} target(s) missed` : ''}`);
  return failed > 0 || (strict && missed > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);

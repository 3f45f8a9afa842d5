/**
 * Activation cost of the extension in a real VS Code (code-server + headless Chromium, as the integration tests),
 * against an empty extension (test/fixtures/empty-extension) in the same run as a baseline. Each sample is a fresh
 * server and window; test/bench/activation/probe.js activates the extension from the extension host and reports
 *   - activationMs: what activate() itself measures and returns (target: median < 50 ms),
 *   - activateCallMs: the wall time of ext.activate() seen from outside (loading dist/extension.js + activate()).
 * IOPSDATA_BENCH_RUNS (default 3) samples per extension. Needs `npm run build` and the VS Code host.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median, type BenchReport } from './report';

interface Sample {
  wasActive: boolean;
  activateCallMs: number;
  activationMs: number;
}

interface VscodeHost {
  runExtensionTests(o: {
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    extensionEnvironment?: Record<string, string>;
    timeoutMs?: number;
    onLine?: (line: string, kind: 'test' | 'host') => void;
  }): Promise<{ exitCode: number; timedOut: boolean }>;
}

const root = resolve(__dirname, '../..');

async function sample(host: VscodeHost, extensionPath: string, id: string): Promise<Sample> {
  let found: Sample | undefined;
  const hostLines: string[] = [];
  const r = await host.runExtensionTests({
    extensionDevelopmentPath: extensionPath,
    extensionTestsPath: join(root, 'test/bench/activation/probe.js'),
    extensionEnvironment: { IOPSDATA_PROBE_EXTENSION_ID: id },
    timeoutMs: 180_000,
    onLine: (line, kind) => {
      const m = /^IOPSDATA_ACTIVATION (\{.*\})$/.exec(line.trim());
      if (m) found = JSON.parse(m[1]);
      else if (kind === 'host') hostLines.push(line);
    },
  });
  if (r.exitCode !== 0 || !found) {
    throw new Error(`activation probe for ${id} failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}):\n${hostLines.slice(-20).join('\n')}`);
  }
  if (typeof found.activationMs !== 'number') throw new Error(`${id}: activate() returned no activationMs`);
  return found;
}

export async function run(report: BenchReport): Promise<void> {
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const host = (await import(join(root, 'test/integration/vscode-host.mjs'))) as VscodeHost;
  const runs = Math.max(1, Number(process.env.IOPSDATA_BENCH_RUNS || 3));
  const subjects = [
    { key: 'iopsdata', path: root, id: 'iopsdata.iopsdata' },
    { key: 'empty', path: join(root, 'test/fixtures/empty-extension'), id: 'iopsdata-test.empty-extension' },
  ];
  const samples: Record<string, Sample[]> = { iopsdata: [], empty: [] };
  // Interleave the two so machine load affects both alike.
  for (let i = 0; i < runs; i++) {
    for (const s of subjects) {
      const x = await sample(host, s.path, s.id);
      samples[s.key].push(x);
      report.log(`run ${i + 1}/${runs} ${s.key}: activate() ${x.activationMs.toFixed(2)} ms, ext.activate() call ${x.activateCallMs.toFixed(1)} ms${x.wasActive ? ' (already active)' : ''}`);
    }
  }
  const med = (k: string, f: keyof Sample) => median(samples[k].map((x) => Number(x[f])));
  const ours = med('iopsdata', 'activationMs');
  const oursCall = med('iopsdata', 'activateCallMs');
  const emptyCall = med('empty', 'activateCallMs');
  report.record('iopsdata activate() median', ours, 'ms');
  report.record('iopsdata ext.activate() call median', oursCall, 'ms');
  report.record('empty extension activate() median', med('empty', 'activationMs'), 'ms');
  report.record('empty extension ext.activate() call median', emptyCall, 'ms');
  report.record('ext.activate() call ratio iopsdata/empty', oursCall / emptyCall);
  report.record('runs per extension', runs);
  report.target('iopsdata activate() median', ours, 50);
}

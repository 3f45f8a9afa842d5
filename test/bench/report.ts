/**
 * What every benchmark gets from test/bench/run.ts. A bench file exports
 *   export async function run(report: BenchReport): Promise<void>
 * and uses `measure` for timings, `record` for any other figure and `target` for a budget it should meet.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface MeasureOptions {
  /** Timed runs (default 10). */
  iterations?: number;
  /** Untimed runs first, to warm caches/JIT (default 1). */
  warmup?: number;
}

export interface Timing {
  iterations: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export interface Target {
  key: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
}

export interface BenchReport {
  /** Name of the bench being run (file name without .bench.ts). */
  readonly bench: string;
  /** Runs `fn` warmup + iterations times, sequentially; records and returns the timing statistics. */
  measure(name: string, fn: () => unknown, options?: MeasureOptions): Promise<Timing>;
  /** Records a figure (a count, a size, a ratio, a timing taken elsewhere). */
  record(key: string, value: number | string | boolean, unit?: string): void;
  /** Records `value` against an upper `limit` (e.g. activation median < 50 ms); shown as met/missed. */
  target(key: string, value: number, limit: number, unit?: string): boolean;
  /** A progress line under the bench's name. */
  log(message: string): void;
}

export interface BenchResult {
  bench: string;
  file: string;
  ok: boolean;
  error?: string;
  durationMs: number;
  /** Peak resident set size of the bench runner process while this bench ran. */
  peakRssMb: number;
  timings: Record<string, Timing>;
  records: Record<string, { value: number | string | boolean; unit?: string }>;
  targets: Target[];
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function timingOf(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    iterations: s.length,
    medianMs: round(median(s)),
    p90Ms: round(percentile(s, 90)),
    minMs: round(s[0]),
    maxMs: round(s[s.length - 1]),
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/**
 * Peak RSS of this process since the last reset. Linux keeps it in /proc/self/status (VmHWM) and resets it when
 * "5" is written to /proc/self/clear_refs; elsewhere we fall back to sampling process.memoryUsage().
 */
export class PeakRss {
  private sampled = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {}
    this.sampled = process.memoryUsage().rss;
    this.timer = setInterval(() => (this.sampled = Math.max(this.sampled, process.memoryUsage().rss)), 25);
    this.timer.unref();
  }

  stopMb(): number {
    clearInterval(this.timer);
    let bytes = Math.max(this.sampled, process.memoryUsage().rss);
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (hwm) bytes = Math.max(bytes, Number(hwm[1]) * 1024);
    } catch {}
    return Math.round((bytes / 1024 / 1024) * 10) / 10;
  }
}

/** The BenchReport handed to one bench, collecting into `result`. */
export function createReport(result: BenchResult, print: (line: string) => void): BenchReport {
  return {
    bench: result.bench,
    async measure(name, fn, options = {}) {
      const iterations = options.iterations ?? 10;
      if (!(iterations >= 1)) throw new Error(`measure(${name}): iterations must be >= 1`);
      for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
      const samples: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
      const t = timingOf(samples);
      result.timings[name] = t;
      print(`  ${name}: median ${t.medianMs.toFixed(2)} ms, p90 ${t.p90Ms.toFixed(2)} ms, min ${t.minMs.toFixed(2)} ms (n=${t.iterations})`);
      return t;
    },
    record(key, value, unit) {
      result.records[key] = unit ? { value, unit } : { value };
      print(`  ${key}: ${typeof value === 'number' ? Math.round(value * 1000) / 1000 : value}${unit ? ` ${unit}` : ''}`);
    },
    target(key, value, limit, unit = 'ms') {
      const met = value <= limit;
      result.targets.push({ key, value, limit, unit, met });
      print(`  ${met ? '✔' : '✖'} ${key}: ${Math.round(value * 1000) / 1000} ${unit} (target ≤ ${limit} ${unit})`);
      return met;
    },
    log(message) {
      print(`  ${message}`);
    },
  };
}

/**
 * profileTable: the same plan pushed down to a database table through the Connection contract (PostgreSQL,
 * Snowflake, DuckDB): only aggregates travel back, never the rows.
 */
import type { Connection } from '../connections/types';
import { throwIfAborted } from '../errors';
import { profileRelation, type SqlRunner } from './engine';
import { computeFindings } from './findings';
import { columnKind, type SqlDialectName } from './sql';
import type { FileProfile, ProfileOptions, ProfileRunControls } from './types';

export interface TableRef {
  database?: string;
  schema?: string;
  table: string;
}

/** Adapts a Connection to the engine's runner; keys are lower-cased because Snowflake upper-cases aliases. */
export function connectionRunner(connection: Connection): SqlRunner {
  const name: SqlDialectName = connection.kind === 'postgres' ? 'postgres' : connection.kind === 'snowflake' ? 'snowflake' : 'duckdb';
  return {
    dialect: { name, quoteIdent: (n) => connection.quoteIdent(n) },
    async query(sql, signal) {
      const r = await connection.query(sql, { signal });
      const keys = r.columns.map((c) => c.name.toLowerCase());
      return r.rows.map((row) => Object.fromEntries(keys.map((k, i) => [k, row[i]])));
    },
  };
}

export function tableRelation(connection: Connection, ref: TableRef): string {
  return [ref.database, ref.schema, ref.table].filter((p): p is string => Boolean(p)).map((p) => connection.quoteIdent(p)).join('.');
}

export async function profileTable(connection: Connection, ref: TableRef, options: ProfileOptions = {}, controls: ProfileRunControls = {}): Promise<FileProfile> {
  const started = performance.now();
  const { signal, onProgress } = controls;
  throwIfAborted(signal);
  const relation = tableRelation(connection, ref);
  const runner = connectionRunner(connection);
  const label = [ref.database, ref.schema, ref.table].filter(Boolean).join('.');

  let t = performance.now();
  const sample = await connection.query(`SELECT * FROM ${relation} LIMIT ${options.sampleRows ?? 100}`, { signal });
  const planColumns = sample.columns.map((c) => ({ name: c.name, type: c.type, kind: columnKind(c.type) }));
  const profile: FileProfile = {
    path: label,
    format: 'table',
    rowCount: 0,
    rowCountIsEstimate: true,
    columns: [],
    findings: [],
    sample: { columns: sample.columns.map((c) => c.name), rows: sample.rows },
    timings: { detect: Math.round(performance.now() - t) },
    elapsedMs: 0,
    partial: true,
    source: { connection: connection.displayName, database: ref.database, schema: ref.schema, table: ref.table },
  };
  onProgress?.('detect', structuredClone(profile));

  t = performance.now();
  const rel = await profileRelation(runner, relation, planColumns, {
    bins: options.bins ?? 20,
    exactQuantileMaxRows: options.exactQuantileMaxRows ?? 500_000,
    signal,
    onPhase: (phase, columns, rowCount) => {
      profile.rowCount = rowCount;
      profile.rowCountIsEstimate = false;
      profile.columns = columns;
      onProgress?.(phase, structuredClone(profile));
    },
  });
  Object.assign(profile.timings, rel.timings);
  profile.rowCount = rel.rowCount;
  profile.rowCountIsEstimate = false;
  profile.columns = rel.columns.map((c, i) => ({ ...c, sampleValues: [...new Set(sample.rows.map((r) => r[i]).filter((v) => v !== null))].slice(0, 5) }));
  profile.duplicateRowCount = rel.duplicateRowCount;
  profile.findings = computeFindings({ ...rel, format: 'table' });
  profile.timings.findings = Math.round(performance.now() - t);
  profile.partial = false;
  profile.elapsedMs = Math.round(performance.now() - started);
  onProgress?.('done', structuredClone(profile));
  return profile;
}

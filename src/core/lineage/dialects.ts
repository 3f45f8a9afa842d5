/** Dialect names accepted by `iopsdata lineage --dialect` and their node-sql-parser grammar. */
import { UserError } from '../errors';

export const DIALECTS = [
  'ansi', 'postgres', 'snowflake', 'bigquery', 'duckdb', 'mysql', 'mariadb', 'tsql', 'redshift', 'hive', 'sparksql',
  'databricks', 'trino', 'athena', 'sqlite', 'db2', 'oracle',
] as const;
export type Dialect = (typeof DIALECTS)[number];

const ALIASES: Record<string, Dialect> = {
  postgresql: 'postgres', pg: 'postgres', spark: 'sparksql', mssql: 'tsql', sqlserver: 'tsql', transactsql: 'tsql',
  presto: 'trino', sql: 'ansi', default: 'ansi',
};

/** Normalises a user-supplied dialect name, or throws a one-line UserError listing the accepted names. */
export function parseDialect(name: string | undefined): Dialect {
  if (!name) return 'ansi';
  const key = name.trim().toLowerCase();
  if ((DIALECTS as readonly string[]).includes(key)) return key as Dialect;
  if (ALIASES[key]) return ALIASES[key];
  throw new UserError(`Unknown SQL dialect '${name}'. Use one of: ${DIALECTS.join(', ')}.`);
}

/**
 * The node-sql-parser grammar closest to each dialect. DuckDB and ANSI SQL are PostgreSQL-like; Spark and Databricks
 * share Hive's grammar; Oracle has none, PostgreSQL's is the nearest for the SELECT subset we analyse.
 */
export const PARSER_DATABASE: Record<Dialect, string> = {
  ansi: 'PostgresQL', postgres: 'PostgresQL', duckdb: 'PostgresQL', oracle: 'PostgresQL', snowflake: 'Snowflake',
  bigquery: 'BigQuery', mysql: 'MySQL', mariadb: 'MariaDB', tsql: 'TransactSQL', redshift: 'Redshift', hive: 'Hive',
  sparksql: 'Hive', databricks: 'Hive', trino: 'Trino', athena: 'Trino', sqlite: 'Sqlite', db2: 'DB2',
};

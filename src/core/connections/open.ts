/**
 * The one place a Connection is made from a config + secrets. Adapters are required lazily so that importing this
 * module (the CLI, the extension's activation) does not load pg, DuckDB or snowflake-sdk until a connection opens.
 */
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { ConnectionConfig, ConnectionSecrets } from './config';
import type { Connection } from './types';

export function openConnection(config: ConnectionConfig, secrets: ConnectionSecrets = {}, log: Logger = nullLogger): Connection {
  switch (config.kind) {
    case 'duckdb': {
      const { DuckDbConnection } = require('./duckdb') as typeof import('./duckdb');
      return new DuckDbConnection(config, log);
    }
    case 'postgres': {
      const { PostgresConnection } = require('./postgres') as typeof import('./postgres');
      return new PostgresConnection(config, secrets, log);
    }
    case 'snowflake': {
      const { SnowflakeConnection } = require('./snowflake') as typeof import('./snowflake');
      return new SnowflakeConnection(config, secrets, log);
    }
  }
}

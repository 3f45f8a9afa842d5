/** A small real DuckDB database file for the connections and run suites (orders table with PK/NOT NULL, a view). */
import * as fs from 'node:fs';

export async function makeDuckDbFile(file: string): Promise<void> {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  fs.rmSync(file, { force: true });
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer VARCHAR NOT NULL, amount DOUBLE);
    INSERT INTO orders VALUES (1, 'ada', 10.5), (2, 'bob', NULL), (3, 'cy', 7);
    COMMENT ON TABLE orders IS 'one row per order';
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 8;`);
  conn.closeSync();
  instance.closeSync();
}

import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

describe('test helper: real PostgreSQL server', function () {
  this.timeout(90_000);
  let pg: PostgresServer;
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });
  it('accepts password connections on loopback', async () => {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    const r = await c.query('select 1 + 1 as two');
    assert.equal(r.rows[0].two, 2);
    await c.end();
    assert.equal(pg.psql('select 40 + 2').trim(), '42');
  });
});

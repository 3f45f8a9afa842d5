import { strict as assert } from 'node:assert';
import { describeDefinition, parseDefinitions, secretKey, slugId, splitUrlPassword, toConnectionConfig, validateDefinition, workspaceFilesDefinition } from '../../../src/core/run/connectionDefinitions';

describe('run: connection definitions (settings without secrets)', () => {
  it('cleans a valid PostgreSQL definition and drops unknown keys', () => {
    const def = validateDefinition({ id: 'pg', name: ' Prod ', kind: 'postgres', host: 'db.local', port: '5433', database: 'app', user: 'ro', extra: 1 });
    assert.deepEqual(def, { id: 'pg', name: 'Prod', kind: 'postgres', host: 'db.local', port: 5433, database: 'app', user: 'ro' });
    assert.equal(describeDefinition(def), 'PostgreSQL · db.local:5433/app');
  });

  it('refuses secrets and passwords inside URLs', () => {
    assert.throws(() => validateDefinition({ id: 'a', name: 'A', kind: 'postgres', host: 'h', password: 'x' }), /SecretStorage/);
    assert.throws(() => validateDefinition({ id: 'a', name: 'A', kind: 'postgres', url: 'postgres://u:pw@h/db' }), /remove the password/);
  });

  it('gives one-line reasons for bad input', () => {
    assert.throws(() => validateDefinition({ id: 'a', name: 'A', kind: 'mysql' }), /duckdb, postgres or snowflake/);
    assert.throws(() => validateDefinition({ id: 'a', name: 'A', kind: 'postgres', host: 'h', port: 70000 }), /port/);
    assert.throws(() => validateDefinition({ id: 'a', name: 'A', kind: 'snowflake', user: 'u' }), /account and a user/);
    assert.equal(validateDefinition({ id: 'd', name: 'D', kind: 'duckdb' }).path, ':memory:');
  });

  it('parses the setting, reporting duplicates and the reserved id', () => {
    const { definitions, problems } = parseDefinitions([
      { id: 'a', name: 'A', kind: 'duckdb' },
      { id: 'a', name: 'A2', kind: 'duckdb' },
      { id: 'workspace-files', name: 'W', kind: 'duckdb' },
      { name: 'no id', kind: 'duckdb' },
    ]);
    assert.deepEqual(definitions.map((d) => d.name), ['A']);
    assert.equal(problems.length, 3);
  });

  it('splits a password out of a URL and builds secret keys and ids', () => {
    assert.deepEqual(splitUrlPassword('postgres://me:p%40ss@h:5432/db?sslmode=require'), { url: 'postgres://me@h:5432/db?sslmode=require', password: 'p@ss' });
    assert.deepEqual(splitUrlPassword('postgres://me@h/db'), { url: 'postgres://me@h/db' });
    assert.equal(secretKey('pg', 'password'), 'iopsdata.connection.pg.password');
    assert.equal(slugId('My Prod DB!', new Set(['my-prod-db'])), 'my-prod-db-2');
  });
});

describe('run: definitions → adapter configs', () => {
  it('resolves a relative DuckDB path against the workspace and passes the folders', () => {
    const cfg = toConnectionConfig({ id: 'd', name: 'D', kind: 'duckdb', path: 'data/app.duckdb' }, { workspaceRoot: '/ws', statementTimeoutMs: 5000 });
    assert.deepEqual(cfg, { name: 'D', allowWrites: false, statementTimeoutMs: 5000, kind: 'duckdb', path: '/ws/data/app.duckdb', cwd: '/ws', allowedDirectories: ['/ws'] });
    const wf = toConnectionConfig(workspaceFilesDefinition(), { workspaceRoot: '/ws' });
    assert.equal(wf.kind === 'duckdb' && wf.path, ':memory:');
  });

  it('reads host/port/db from a PostgreSQL URL and keeps the read-only default', () => {
    const cfg = toConnectionConfig({ id: 'p', name: 'P', kind: 'postgres', url: 'postgres://ro@db.example:6543/shop?sslmode=require' });
    assert.equal(cfg.kind, 'postgres');
    if (cfg.kind !== 'postgres') return;
    assert.deepEqual([cfg.host, cfg.port, cfg.database, cfg.user, cfg.sslMode, cfg.allowWrites, cfg.name], ['db.example', 6543, 'shop', 'ro', 'require', false, 'P']);
  });
});

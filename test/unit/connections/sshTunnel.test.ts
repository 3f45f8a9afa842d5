import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresConnection } from '../../../src/core/connections/postgres';
import { openSshTunnel, sshArgs } from '../../../src/core/connections/sshTunnel';
import { secretNames, toConnectionConfig, validateDefinition } from '../../../src/core/run/connectionDefinitions';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { startSshd, type SshServer } from '../../helpers/sshd';

/** A real OpenSSH server and a real PostgreSQL: the tunnel is the system `ssh -N -L`. */
describe('PostgreSQL through an SSH tunnel (real sshd, real ssh client, real PostgreSQL)', function () {
  this.timeout(90_000);
  let sshd: SshServer;
  let pg: PostgresServer;
  let home: string;
  const conns: PostgresConnection[] = [];
  const tunnelDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('iopsdata-ssh-'));

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'iopsdata-sshtest-'));
    sshd = await startSshd();
    pg = await startPostgres();
    pg.psql('CREATE TABLE public.t (id int); INSERT INTO public.t VALUES (1), (2);');
  });
  after(async () => {
    for (const c of conns) await c.close().catch(() => {});
    await pg?.stop();
    await sshd?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const open = (secrets: { sshPrivateKey?: string; sshPassphrase?: string }, user = sshd.user) => {
    const c = new PostgresConnection(
      {
        kind: 'postgres',
        name: 'tunnelled',
        host: '127.0.0.1',
        port: pg.port,
        database: 'postgres',
        user: 'postgres',
        sslMode: 'disable',
        ssh: { host: sshd.host, port: sshd.port, user, knownHostsFile: join(home, 'known_hosts') },
      },
      { password: 'postgres', ...secrets },
    );
    conns.push(c);
    return c;
  };

  it('a definition carries the SSH server (not its key) into the PostgreSQL config', () => {
    const def = validateDefinition({ id: 'p', name: 'P', kind: 'postgres', host: 'db.internal', port: 5432, user: 'u', sshHost: 'bastion', sshPort: '2222', sshUser: 'me' });
    assert.deepEqual(def, { id: 'p', name: 'P', kind: 'postgres', host: 'db.internal', port: 5432, user: 'u', sshHost: 'bastion', sshPort: 2222, sshUser: 'me' });
    const config = toConnectionConfig(def);
    assert.equal(config.kind, 'postgres');
    assert.deepEqual(config.kind === 'postgres' && config.ssh, { host: 'bastion', port: 2222, user: 'me' });
    assert.deepEqual(secretNames(def), ['password', 'sshPrivateKey', 'sshPassphrase']);
    assert.throws(() => validateDefinition({ ...def, sshPrivateKey: 'k' }), /secrets do not belong/);
    assert.throws(() => validateDefinition({ ...def, sshPort: 0 }), /SSH port must be 1–65535/);
    assert.throws(() => validateDefinition({ ...def, sshUser: undefined }), /needs a user/);
    assert.throws(() => validateDefinition({ id: 'd', name: 'D', kind: 'duckdb', sshHost: 'b', sshUser: 'me' }), /PostgreSQL only/);
  });

  it('builds ssh arguments without secrets, with a local forward and no prompts', () => {
    const args = sshArgs({ host: 'bastion', port: 2222, user: 'me' }, 40000, { host: 'db.internal', port: 5432 }, '/tmp/k', false);
    assert.deepEqual(args.slice(0, 5), ['-N', '-L', '127.0.0.1:40000:db.internal:5432', '-p', '2222']);
    assert.ok(args.includes('BatchMode=yes'));
    assert.ok(args.includes('ExitOnForwardFailure=yes'));
    assert.equal(args[args.length - 1], 'me@bastion');
  });

  it('runs queries through the tunnel (the client talks to the local end, not the server port)', async () => {
    const before = tunnelDirs().length;
    const c = open({ sshPrivateKey: sshd.clientKey });
    assert.deepEqual((await c.query('select count(*)::int from t')).rows, [[2]]);
    const to = c.connectedTo!;
    assert.equal(to.host, '127.0.0.1');
    assert.notEqual(to.port, pg.port);
    assert.match(sshd.log(), /Accepted publickey for /);
    // The key file lived only while ssh started.
    assert.equal(tunnelDirs().length, before);
    // Read-only enforcement is unchanged through the tunnel.
    await assert.rejects(c.query('delete from t'), /read-only/);
    await c.close();
  });

  it('cancel reaches the server through the tunnel', async () => {
    const c = open({ sshPrivateKey: sshd.clientKey });
    await c.query('select 1');
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(c.query('select pg_sleep(30)', { signal: ac.signal }));
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    const active = pg.psql(`select count(*) from pg_stat_activity where application_name = 'iOpsData' and state = 'active'`).trim();
    assert.equal(active, '0');
    await c.close();
  });

  it('an encrypted key works with its passphrase (given to ssh through SSH_ASKPASS)', async () => {
    const c = open({ sshPrivateKey: sshd.encryptedClientKey, sshPassphrase: sshd.passphrase });
    assert.deepEqual((await c.query('select 42')).rows, [[42]]);
    await c.close();
  });

  it('a key the server does not accept gives one clear line and leaves no key on disk', async () => {
    const before = tunnelDirs().length;
    const other = mkdtempSync(join(tmpdir(), 'iopsdata-otherkey-'));
    require('node:child_process').execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(other, 'k')]);
    const key = require('node:fs').readFileSync(join(other, 'k'), 'utf8') as string;
    rmSync(other, { recursive: true, force: true });
    const c = open({ sshPrivateKey: key });
    await assert.rejects(c.query('select 1'), (e: Error) => {
      assert.match(e.message, /^Could not connect to tunnelled: The SSH tunnel to .+@127\.0\.0\.1:\d+ failed: .*Permission denied \(publickey\)/);
      assert.doesNotMatch(e.message, /\n/);
      assert.ok(!e.message.includes('PRIVATE KEY'));
      return true;
    });
    assert.equal(tunnelDirs().length, before);
  });

  it('closing the connection stops ssh', async () => {
    const tunnel = await openSshTunnel({ host: sshd.host, port: sshd.port, user: sshd.user, knownHostsFile: join(home, 'known_hosts') }, { host: '127.0.0.1', port: pg.port }, { privateKey: sshd.clientKey });
    assert.equal(tunnel.alive, true);
    await tunnel.close();
    assert.equal(tunnel.alive, false);
    assert.ok(existsSync(join(home, 'known_hosts')), 'the host key was pinned in the given known_hosts');
  });
});

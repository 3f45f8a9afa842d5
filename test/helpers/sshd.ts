/**
 * A real, throwaway OpenSSH server (Debian `openssh-server`) on a free loopback port, for SSH tunnel tests: its own
 * host key, one authorized client key (generated here), key authentication only, TCP forwarding allowed. It logs in
 * the user running the tests (sshd can only switch to other users as root).
 * Usage: const sshd = await startSshd(); … sshd.port, sshd.user, sshd.clientKey … await sshd.stop();
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres';

export interface SshServer {
  host: string;
  port: number;
  user: string;
  /** OpenSSH private key (unencrypted) authorized on the server. */
  clientKey: string;
  /** The same key pair's private key encrypted with `passphrase`. */
  encryptedClientKey: string;
  passphrase: string;
  /** sshd's log so far (-e: to stderr). */
  log(): string;
  stop(): Promise<void>;
}

const SSHD = process.env.SSHD_PATH ?? '/usr/sbin/sshd';

function keygen(file: string, passphrase = ''): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'iopsdata-test', '-f', file], { stdio: 'ignore' });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

export async function startSshd(options: { permitOpen?: string } = {}): Promise<SshServer> {
  if (!existsSync(SSHD)) throw new Error(`sshd not found at ${SSHD}: install Debian package openssh-server (bash .ci/run does) or set SSHD_PATH.`);
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  const passphrase = 'tunnel-pass-1';
  keygen(join(dir, 'client_key_enc'), passphrase);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub'), 'utf8') + readFileSync(join(dir, 'client_key_enc.pub'), 'utf8'), { mode: 0o600 });
  // Privilege separation needs this directory when sshd runs as root.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding local',
    'PermitTTY no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    ...(options.permitOpen ? [`PermitOpen ${options.permitOpen}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`);
  let log = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (b: Buffer) => (log += b.toString('utf8')));
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 100 && !(await listening(port)); i++) {
    if (exited) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited || !(await listening(port))) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start: ${log.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    encryptedClientKey: readFileSync(join(dir, 'client_key_enc'), 'utf8'),
    passphrase,
    log: () => log,
    stop: async () => {
      if (!exited) {
        const done = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An SSH tunnel for PostgreSQL through the system OpenSSH client (`ssh -N -L`): no SSH library to ship, and the
 * user's ssh behaviour (known_hosts, ciphers, proxies in ~/.ssh/config) applies. The private key comes from
 * SecretStorage; it is written to a 0600 file in a private temp directory only while ssh starts, and removed once
 * the tunnel is up (or failed). A passphrase reaches ssh through SSH_ASKPASS, never on a command line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';

export interface SshTunnelConfig {
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** Defaults to ssh's own (~/.ssh/known_hosts). */
  knownHostsFile?: string;
}

export interface SshSecrets {
  /** OpenSSH or PEM private key text. */
  privateKey?: string;
  passphrase?: string;
}

export interface SshTunnel {
  /** Where the database is reachable on this machine (127.0.0.1). */
  readonly localHost: string;
  readonly localPort: number;
  /** False once ssh exited (the server went away, the network dropped). */
  readonly alive: boolean;
  close(): Promise<void>;
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  });
}

/** The ssh arguments for a local forward to target through `ssh` (exported for tests and the log). */
export function sshArgs(ssh: SshTunnelConfig, localPort: number, target: { host: string; port: number }, keyFile: string | undefined, interactivePassphrase: boolean): string[] {
  return [
    '-N',
    '-L',
    `127.0.0.1:${localPort}:${target.host}:${target.port}`,
    '-p',
    String(ssh.port ?? 22),
    ...(keyFile ? ['-i', keyFile, '-o', 'IdentitiesOnly=yes'] : []),
    // Never stop at a prompt nobody sees; a passphrase is answered by SSH_ASKPASS instead.
    '-o',
    interactivePassphrase ? 'BatchMode=no' : 'BatchMode=yes',
    '-o',
    'PasswordAuthentication=no',
    '-o',
    'KbdInteractiveAuthentication=no',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ServerAliveInterval=30',
    '-o',
    'ServerAliveCountMax=3',
    // Trust on first use, then pinned in known_hosts: a changed host key is refused.
    '-o',
    'StrictHostKeyChecking=accept-new',
    ...(ssh.knownHostsFile ? ['-o', `UserKnownHostsFile=${ssh.knownHostsFile}`] : []),
    '-o',
    'ConnectTimeout=15',
    '--',
    `${ssh.user}@${ssh.host}`,
  ];
}

/**
 * Starts `ssh -N -L 127.0.0.1:<free port>:<target>` and resolves once the local end accepts connections; rejects
 * with a one-line UserError (ssh's own last message) when ssh exits first or `timeoutMs` passes.
 */
export async function openSshTunnel(
  ssh: SshTunnelConfig,
  target: { host: string; port: number },
  secrets: SshSecrets,
  options: { timeoutMs?: number; log?: Logger; sshPath?: string } = {},
): Promise<SshTunnel> {
  const log = options.log ?? nullLogger;
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-ssh-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let keyFile: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (secrets.privateKey) {
    keyFile = join(dir, 'key');
    writeFileSync(keyFile, secrets.privateKey.endsWith('\n') ? secrets.privateKey : `${secrets.privateKey}\n`, { mode: 0o600 });
  }
  if (secrets.passphrase) {
    const askpass = join(dir, 'askpass');
    writeFileSync(askpass, '#!/bin/sh\nprintf "%s\\n" "$IOPSDATA_SSH_PASSPHRASE"\n', { mode: 0o700 });
    Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: env.DISPLAY ?? ':0', IOPSDATA_SSH_PASSPHRASE: secrets.passphrase });
  }
  const localPort = await freeLocalPort();
  const where = `${ssh.user}@${ssh.host}:${ssh.port ?? 22}`;
  let child: ChildProcess;
  try {
    child = spawn(options.sshPath ?? 'ssh', sshArgs(ssh, localPort, target, keyFile, !!secrets.passphrase), { env, stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  } catch (err) {
    cleanup();
    throw new UserError(`Could not start ssh for the tunnel to ${where}: ${(err as Error).message}`, { cause: err });
  }
  let stderr = '';
  let exited = false;
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  const exit = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
      exited = true;
      resolve(null);
    });
    child.on('exit', (code) => {
      exited = true;
      resolve(code);
    });
  });
  const lastLine = () =>
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^Warning: Permanently added/.test(l))
      .pop();

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    for (;;) {
      if (exited) throw new UserError(`The SSH tunnel to ${where} failed: ${lastLine() ?? 'ssh exited'}`, { code: 'ssh-tunnel' });
      if (await canConnect(localPort)) break;
      if (Date.now() > deadline) {
        child.kill();
        throw new UserError(`The SSH tunnel to ${where} did not open within ${Math.round((options.timeoutMs ?? 20_000) / 1000)} s${lastLine() ? `: ${lastLine()}` : ''}.`, { code: 'ssh-tunnel' });
      }
      await Promise.race([exit, new Promise((r) => setTimeout(r, 100))]);
    }
  } finally {
    // ssh has read the key (or given up): it does not stay on disk.
    cleanup();
  }
  log.info(`ssh tunnel: 127.0.0.1:${localPort} → ${target.host}:${target.port} via ${where}`);
  void exit.then((code) => log.warn(`ssh tunnel via ${where} closed (exit ${code})${lastLine() ? `: ${lastLine()}` : ''}`));
  return {
    localHost: '127.0.0.1',
    localPort,
    get alive() {
      return !exited;
    },
    close: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}

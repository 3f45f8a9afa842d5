/**
 * Client-side encryption of connection definitions before they leave the machine. AES-256-GCM (authenticated)
 * with a 256-bit team key kept in SecretStorage; the row's identity (workspace + connection name) is bound as
 * associated data so the server cannot swap one row's ciphertext into another. The server never sees plaintext.
 *
 * Ciphertext text form: "v1.<keyId>.<iv>.<ciphertext>.<tag>" (base64url parts). keyId names the key (first 8 bytes
 * of its SHA-256) so a machine holding another team key gets a clear message instead of a bare auth failure.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { UserError } from '../errors';

export const TEAM_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function generateTeamKey(): Buffer {
  return randomBytes(TEAM_KEY_BYTES);
}

export function teamKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== TEAM_KEY_BYTES) throw new UserError('The team key is invalid (expected 256 bits).');
}

const b64 = (b: Buffer) => b.toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');

export function encryptSecret(key: Buffer, plaintext: string, aad: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', teamKeyId(key), b64(iv), b64(ct), b64(cipher.getAuthTag())].join('.');
}

export function decryptSecret(key: Buffer, token: string, aad: string): string {
  assertKey(key);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 5 || parts[0] !== 'v1') throw new UserError('Encrypted connection data has an unknown format.', { code: 'bad-format' });
  const [, kid, iv, ct, tag] = parts;
  if (kid !== teamKeyId(key)) {
    throw new UserError('This connection was encrypted with a different team key: import the team key from a teammate (iOpsData: Import Team Key).', { code: 'wrong-key' });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, unb64(iv), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(unb64(tag));
    return Buffer.concat([decipher.update(unb64(ct)), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new UserError('Encrypted connection data failed its integrity check (tampered or moved between rows).', { code: 'tampered', cause: err });
  }
}

/** Associated data binding a connection's ciphertext to its row. */
export function connectionAad(workspaceId: string, connectionName: string): string {
  return `iopsdata/workspace_connections/${workspaceId}/${connectionName}`;
}

// ------------------------------------------------------------------------------------------ team key export
// The export is meant to be pasted into chat/email to a teammate, so the key itself is wrapped with a passphrase
// (scrypt → AES-256-GCM) that travels by another channel. Format: "iopsdata-team-key:v1:<base64url JSON>".
const EXPORT_PREFIX = 'iopsdata-team-key:v1:';
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

interface ExportBody {
  ws: string;
  kid: string;
  salt: string;
  iv: string;
  ct: string;
  tag: string;
}

export interface ImportedTeamKey {
  key: Buffer;
  workspaceId: string;
  keyId: string;
}

function wrapKey(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, SCRYPT);
}

export function exportTeamKey(key: Buffer, workspaceId: string, passphrase: string): string {
  assertKey(key);
  if (passphrase.length < 8) throw new UserError('Use a passphrase of at least 8 characters to protect the exported team key.');
  const salt = randomBytes(16);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', wrapKey(passphrase, salt), iv);
  cipher.setAAD(Buffer.from(workspaceId, 'utf8'));
  const ct = Buffer.concat([cipher.update(key), cipher.final()]);
  const body: ExportBody = { ws: workspaceId, kid: teamKeyId(key), salt: b64(salt), iv: b64(iv), ct: b64(ct), tag: b64(cipher.getAuthTag()) };
  return EXPORT_PREFIX + b64(Buffer.from(JSON.stringify(body), 'utf8'));
}

export function importTeamKey(text: string, passphrase: string): ImportedTeamKey {
  const trimmed = (text ?? '').trim();
  if (!trimmed.startsWith(EXPORT_PREFIX)) throw new UserError('That is not an iOpsData team key export (it should start with "iopsdata-team-key:v1:").');
  let body: ExportBody;
  try {
    body = JSON.parse(unb64(trimmed.slice(EXPORT_PREFIX.length)).toString('utf8'));
    if (![body.ws, body.kid, body.salt, body.iv, body.ct, body.tag].every((v) => typeof v === 'string')) throw new Error('fields');
  } catch {
    throw new UserError('The team key export is damaged (was it copied completely?).');
  }
  let key: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrapKey(passphrase, unb64(body.salt)), unb64(body.iv));
    decipher.setAAD(Buffer.from(body.ws, 'utf8'));
    decipher.setAuthTag(unb64(body.tag));
    key = Buffer.concat([decipher.update(unb64(body.ct)), decipher.final()]);
  } catch {
    throw new UserError('Wrong passphrase for this team key export.');
  }
  const kid = teamKeyId(key);
  if (key.length !== TEAM_KEY_BYTES || !timingSafeEqual(Buffer.from(kid), Buffer.from(body.kid))) {
    throw new UserError('The team key export is damaged (key id mismatch).');
  }
  return { key, workspaceId: body.ws, keyId: kid };
}

import { strict as assert } from 'node:assert';
import {
  connectionAad,
  decryptSecret,
  encryptSecret,
  exportTeamKey,
  generateTeamKey,
  importTeamKey,
  teamKeyId,
} from '../../../src/core/account/crypto';

describe('account: connection secret encryption (AES-256-GCM)', () => {
  const key = generateTeamKey();
  const aad = connectionAad('ws-1', 'prod warehouse');
  const secret = JSON.stringify({ kind: 'postgres', host: 'db', password: 'hunter2-very-secret' });

  it('round-trips and never contains the plaintext', () => {
    const token = encryptSecret(key, secret, aad);
    assert.ok(token.startsWith(`v1.${teamKeyId(key)}.`));
    assert.ok(!token.includes('hunter2'));
    assert.ok(!Buffer.from(token.split('.')[3], 'base64url').toString('utf8').includes('hunter2'));
    assert.equal(decryptSecret(key, token, aad), secret);
  });

  it('uses a fresh IV each time', () => {
    assert.notEqual(encryptSecret(key, secret, aad), encryptSecret(key, secret, aad));
  });

  it('rejects a ciphertext moved to another row, a flipped bit, another key and garbage', () => {
    const token = encryptSecret(key, secret, aad);
    assert.throws(() => decryptSecret(key, token, connectionAad('ws-1', 'other')), /integrity check/);
    const parts = token.split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64url');
    assert.throws(() => decryptSecret(key, parts.join('.'), aad), /integrity check/);
    assert.throws(() => decryptSecret(generateTeamKey(), token, aad), /different team key/);
    assert.throws(() => decryptSecret(key, 'not-a-token', aad), /unknown format/);
    assert.throws(() => encryptSecret(Buffer.alloc(16), secret, aad), /256 bits/);
  });

  it('exports a team key protected by a passphrase and imports it back', () => {
    const text = exportTeamKey(key, 'ws-1', 'correct horse battery');
    assert.ok(text.startsWith('iopsdata-team-key:v1:'));
    assert.ok(!text.includes(key.toString('base64url')));
    const back = importTeamKey(`  ${text}\n`, 'correct horse battery');
    assert.equal(back.workspaceId, 'ws-1');
    assert.ok(back.key.equals(key));
    assert.equal(back.keyId, teamKeyId(key));
    // the imported key decrypts what the original encrypted
    assert.equal(decryptSecret(back.key, encryptSecret(key, 'x', aad), aad), 'x');
  });

  it('gives one-line reasons for bad exports and passphrases', () => {
    const text = exportTeamKey(key, 'ws-1', 'correct horse battery');
    assert.throws(() => importTeamKey(text, 'wrong passphrase'), /Wrong passphrase/);
    assert.throws(() => importTeamKey('hello', 'x'), /not an iOpsData team key export/);
    assert.throws(() => importTeamKey('iopsdata-team-key:v1:!!!', 'x'), /damaged/);
    assert.throws(() => exportTeamKey(key, 'ws-1', 'short'), /at least 8/);
  });
});

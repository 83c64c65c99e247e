import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, isEncryptedSecret, KEY_FILE, parseSecretsKey, resolveSecretsKey, SecretDecryptError, SecretsKeyError } from './secrets.ts';

const key = randomBytes(32);
const otherKey = randomBytes(32);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('secret encryption', () => {
  it('stores a versioned AES-GCM value, never the plain text, and reads it back', () => {
    const plain = 'whsec_密码-p@ss:word';
    const stored = encryptSecret(plain, key);
    expect(stored.startsWith('v1:')).toBe(true);
    expect(stored).not.toContain(plain);
    expect(Buffer.from(stored.slice(3), 'base64').length).toBe(12 + 16 + Buffer.byteLength(plain));
    expect(decryptSecret(stored, key)).toBe(plain);
    // a fresh IV each time: equal secrets do not give equal stored values
    expect(encryptSecret(plain, key)).not.toBe(stored);
  });

  it('gives a clear SecretDecryptError for another key or damaged data, not a crypto crash', () => {
    const stored = encryptSecret('imap-password', key);
    expect(() => decryptSecret(stored, otherKey)).toThrow(SecretDecryptError);
    expect(() => decryptSecret(stored, otherKey)).toThrow(/SECRETS_KEY is not the key it was encrypted with/);
    const flipped = Buffer.from(stored.slice(3), 'base64');
    flipped[flipped.length - 1] ^= 1;
    expect(() => decryptSecret(`v1:${flipped.toString('base64')}`, key)).toThrow(SecretDecryptError);
    expect(() => decryptSecret('v1:abc', key)).toThrow(SecretDecryptError);
  });

  it('reads values stored before encryption as they are', () => {
    expect(isEncryptedSecret('whsec_old')).toBe(false);
    expect(decryptSecret('whsec_old', key)).toBe('whsec_old');
  });
});

describe('the secrets key', () => {
  it('accepts 32 bytes as hex or base64 and explains anything else', () => {
    expect(parseSecretsKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretsKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseSecretsKey(` ${key.toString('base64url')}\n`).equals(key)).toBe(true);
    expect(() => parseSecretsKey('too-short')).toThrow(SecretsKeyError);
    expect(() => parseSecretsKey(randomBytes(16).toString('hex'))).toThrow(/32 random bytes/);
  });

  it('refuses to invent a key for PostgreSQL', () => {
    expect(() => resolveSecretsKey({ secretsKey: undefined, databaseUrl: 'postgres://db/app', dataDir: '/nonexistent' })).toThrow(SecretsKeyError);
    expect(() => resolveSecretsKey({ secretsKey: undefined, databaseUrl: 'postgres://db/app', dataDir: '/nonexistent' })).toThrow(/SECRETS_KEY is not set/);
    expect(resolveSecretsKey({ secretsKey: key.toString('base64'), databaseUrl: 'postgres://db/app', dataDir: '/nonexistent' }).equals(key)).toBe(true);
  });

  it('on the embedded database creates one private key file in the data directory and keeps using it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-key-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    const first = resolveSecretsKey({ secretsKey: undefined, databaseUrl: undefined, dataDir });
    const file = path.join(dataDir, KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(parseSecretsKey(fs.readFileSync(file, 'utf8')).equals(first)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual([KEY_FILE]);
    // what a restarted process reads (no cache): the same key
    const stored = encryptSecret('x', first);
    expect(decryptSecret(stored, parseSecretsKey(fs.readFileSync(file, 'utf8')))).toBe('x');
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../config.ts';

/**
 * Secrets the product must use again later (IMAP passwords, webhook signing keys, gateway secrets) are stored
 * encrypted with AES-256-GCM under one server key. A stored value is `v1:` + base64(iv · tag · ciphertext):
 * the prefix names the format and key generation, so that a later key rotation can tell old values from new.
 * Values without the prefix are plain text from before encryption; they are read as they are and encrypted
 * by the start-up step and on their next save.
 */
export const SECRET_PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'secrets.key';

/** No usable key: the message says what to set. */
export class SecretsKeyError extends Error {}

/** A stored secret that this key cannot open (another key, or damaged data). */
export class SecretDecryptError extends Error {
  constructor() {
    super('A stored secret cannot be decrypted: SECRETS_KEY is not the key it was encrypted with, or the stored value is damaged.');
  }
}

/** 32 bytes as 64 hex characters or as base64 / base64url. */
export function parseSecretsKey(raw: string, source = 'SECRETS_KEY'): Buffer {
  const s = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) ? Buffer.from(s, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new SecretsKeyError(`${source} must be 32 random bytes written as 64 hex characters or as base64 (e.g. the output of \`openssl rand -base64 32\`).`);
  return key;
}

/**
 * The embedded default keeps its key next to its data, created once. Written to a private temporary file and
 * linked into place, so that two processes starting together (test workers) both end with the same key.
 */
function keyFromDataDir(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  return parseSecretsKey(fs.readFileSync(file, 'utf8'), file);
}

const cache = new Map<string, Buffer>();

/**
 * SECRETS_KEY when set; else, on the embedded database, the key file in the data directory. With DATABASE_URL
 * and no SECRETS_KEY there is no safe place to invent a key (several servers share the data), so this throws.
 */
export function resolveSecretsKey(config: Pick<Config, 'secretsKey' | 'databaseUrl' | 'dataDir'> = loadConfig()): Buffer {
  const id = config.secretsKey ? `env:${config.secretsKey}` : config.databaseUrl ? 'missing' : `file:${config.dataDir}`;
  const hit = cache.get(id);
  if (hit) return hit;
  if (id === 'missing') {
    throw new SecretsKeyError(
      'SECRETS_KEY is not set. With DATABASE_URL (PostgreSQL) the key that encrypts stored IMAP passwords and webhook secrets must come ' +
        'from the environment: create one with `openssl rand -base64 32`, set SECRETS_KEY to it on every server process, and keep a copy — ' +
        'without it the stored secrets cannot be read.',
    );
  }
  const key = config.secretsKey ? parseSecretsKey(config.secretsKey) : keyFromDataDir(config.dataDir);
  cache.set(id, key);
  return key;
}

export const isEncryptedSecret = (stored: string): boolean => stored.startsWith(SECRET_PREFIX);

export function encryptSecret(plain: string, key: Buffer = resolveSecretsKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SECRET_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

/** The plain secret; legacy plain values come back unchanged. Throws SecretDecryptError, never a raw crypto error. */
export function decryptSecret(stored: string, key: Buffer = resolveSecretsKey()): string {
  if (!isEncryptedSecret(stored)) return stored;
  const buf = Buffer.from(stored.slice(SECRET_PREFIX.length), 'base64');
  if (buf.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError();
  }
}

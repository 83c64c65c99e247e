import path from 'node:path';

/** Every setting comes from the environment; defaults make `npm start` work on a laptop. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… → PostgreSQL; unset → embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolMax: number;
  /** Seed demo tenants when the database has no tenant yet. */
  seedDemo: boolean;
  runWorker: boolean;
  /** V8 grows the JS heap to (1 + this/100) × what survived the last full collection before the next one; 0 → V8's own rule. */
  heapGrowingPercent: number;
  bodyLimitBytes: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  logLevel: string;
  publicUrl: string;
  // --- e-mail channel (modules/channels, platform/mail) ---
  /** Start the inbound SMTP listener with the HTTP server. */
  smtpEnabled: boolean;
  smtpHost: string;
  smtpPort: number;
  /** Largest accepted message (bytes); bigger ones get 552 and are not stored. */
  smtpMaxBytes: number;
  /** smtp://host:25 → outgoing mail is sent there; unset → kept in the local outbox (embedded default). */
  smtpOutUrl: string | undefined;
  /** PEM files: with both set, the SMTP listener offers STARTTLS. */
  smtpTlsKey: string | undefined;
  smtpTlsCert: string | undefined;
  /** Check SPF, DKIM and DMARC of received mail (DNS look-ups); the verdicts go on the inbound log. */
  mailAuthEnabled: boolean;
  /** Default inbound domain: `support@<tenant slug>.<mailDomain>` reaches a tenant without configuration. */
  mailDomain: string;
  // --- stored secrets and outbound targets (platform/crypto, platform/net) ---
  /** 32 bytes (64 hex characters or base64) encrypting stored passwords and webhook secrets; unset → embedded: a key file in dataDir, PostgreSQL: refuse to start. */
  secretsKey: string | undefined;
  /** Let tenant admins point webhooks and IMAP at private, loopback and link-local addresses (tests, on-premises networks). */
  allowPrivateTargets: boolean;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export function loadConfig(): Config {
  const port = int('PORT', 3000);
  const host = process.env.HOST || '127.0.0.1';
  return {
    port,
    host,
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.DATA_DIR || './data'),
    dbPoolMax: int('DB_POOL_MAX', 10),
    seedDemo: bool('SEED_DEMO', true),
    runWorker: bool('RUN_WORKER', true),
    heapGrowingPercent: int('HEAP_GROWING_PERCENT', 50),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024),
    sessionTtlHours: int('SESSION_TTL_HOURS', 12),
    cookieSecure: bool('COOKIE_SECURE', false),
    logLevel: process.env.LOG_LEVEL || 'info',
    publicUrl: process.env.PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    smtpEnabled: bool('SMTP_ENABLED', true),
    smtpHost: process.env.SMTP_HOST || '127.0.0.1',
    smtpPort: int('SMTP_PORT', 2525),
    smtpMaxBytes: int('SMTP_MAX_BYTES', 25 * 1024 * 1024),
    smtpOutUrl: process.env.SMTP_OUT_URL || undefined,
    smtpTlsKey: process.env.SMTP_TLS_KEY || undefined,
    smtpTlsCert: process.env.SMTP_TLS_CERT || undefined,
    mailAuthEnabled: bool('MAIL_AUTH', true),
    mailDomain: (process.env.MAIL_DOMAIN || 'localhost').toLowerCase(),
    secretsKey: process.env.SECRETS_KEY || undefined,
    allowPrivateTargets: bool('ALLOW_PRIVATE_WEBHOOK_TARGETS', false),
  };
}

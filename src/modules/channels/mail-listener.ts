import fs from 'node:fs';
import type { Database } from '../../platform/db/db.ts';
import { startSmtpListener, verifyMailAuth, type DNSResolver, type SmtpListener, type SmtpTls } from '../../platform/mail/index.ts';
import type { Config } from '../../config.ts';
import { ingestEmail } from './email.receive.ts';
import { tenantForRecipient } from './mail-settings.service.ts';

type Log = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };

export type MailListenerConfig = Pick<Config, 'smtpHost' | 'smtpPort' | 'smtpMaxBytes' | 'mailDomain'> & Partial<Pick<Config, 'smtpTlsKey' | 'smtpTlsCert' | 'mailAuthEnabled'>>;

export interface MailListenerOptions {
  log?: Log;
  /** DNS for SPF/DKIM/DMARC; tests inject fixed records, production uses the system's */
  resolver?: DNSResolver;
  /** PEM contents (tests); otherwise read from config.smtpTlsKey / smtpTlsCert */
  tls?: SmtpTls;
}

/** Both files or neither: a half-configured STARTTLS is a start-up error, not a silent plain-text listener. */
function tlsFromConfig(config: MailListenerConfig): SmtpTls | undefined {
  if (!config.smtpTlsKey && !config.smtpTlsCert) return undefined;
  if (!config.smtpTlsKey || !config.smtpTlsCert) throw new Error('SMTP_TLS_KEY and SMTP_TLS_CERT must be set together');
  return { key: fs.readFileSync(config.smtpTlsKey), cert: fs.readFileSync(config.smtpTlsCert) };
}

/**
 * The product's SMTP intake: recipients routed to tenants, SPF/DKIM/DMARC checked, messages stored before
 * the 250 reply; STARTTLS when a key and certificate are configured.
 */
export async function startMailListener(database: Database, config: MailListenerConfig, opts: MailListenerOptions | Log = {}): Promise<SmtpListener> {
  const o: MailListenerOptions = 'warn' in opts ? { log: opts } : opts;
  const checkAuth = config.mailAuthEnabled ?? true;
  return startSmtpListener({
    host: config.smtpHost,
    port: config.smtpPort,
    maxBytes: config.smtpMaxBytes,
    serverName: config.mailDomain,
    log: o.log,
    tls: o.tls ?? tlsFromConfig(config),
    acceptRecipient: async (address) => !!(await tenantForRecipient(database.db, address, config.mailDomain)),
    onMessage: async (raw, envelope) => {
      const auth = checkAuth ? await verifyMailAuth(raw, { ip: envelope.remoteAddress, helo: envelope.helo, mailFrom: envelope.mailFrom, mta: config.mailDomain, resolver: o.resolver }) : null;
      return (await ingestEmail(database.db, raw, { ...envelope, source: 'smtp', auth })).join(',');
    },
  });
}

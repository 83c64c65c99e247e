import type { Database } from '../../platform/db/db.ts';
import { startSmtpListener, type SmtpListener } from '../../platform/mail/index.ts';
import type { Config } from '../../config.ts';
import { ingestEmail } from './email.receive.ts';
import { tenantForRecipient } from './mail-settings.service.ts';

type Log = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };

/** The product's SMTP intake: recipients routed to tenants, messages stored before the 250 reply. */
export function startMailListener(database: Database, config: Pick<Config, 'smtpHost' | 'smtpPort' | 'smtpMaxBytes' | 'mailDomain'>, log?: Log): Promise<SmtpListener> {
  return startSmtpListener({
    host: config.smtpHost,
    port: config.smtpPort,
    maxBytes: config.smtpMaxBytes,
    serverName: config.mailDomain,
    log,
    acceptRecipient: async (address) => !!(await tenantForRecipient(database.db, address, config.mailDomain)),
    onMessage: async (raw, envelope) => (await ingestEmail(database.db, raw, { ...envelope, source: 'smtp' })).join(','),
  });
}

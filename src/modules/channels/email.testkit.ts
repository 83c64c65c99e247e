import nodemailer, { type SendMailOptions } from 'nodemailer';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/db.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { quietWorkerLog, startWorker, type Worker } from '../../platform/jobs/worker.ts';
import type { DNSResolver, SmtpListener, SmtpTls } from '../../platform/mail/index.ts';
import { inboundEmails, mailOutbox } from './channels.schema.ts';
import { startMailListener } from './mail-listener.ts';

/** Test helpers for the e-mail channel: a loopback listener, a fast worker, a nodemailer client. */
export const TEST_MAX_BYTES = 300_000;

/**
 * DNS from a fixed table, so that SPF/DKIM/DMARC checks never touch the network: `{ 'TXT example.com': [['v=spf1 …']] }`.
 * A name that is not in the table answers like a real resolver for a missing record (ENOTFOUND).
 */
export function fixedResolver(records: Record<string, string[][] | string[]> = {}): DNSResolver {
  return async (name, rrtype) => {
    const hit = records[`${rrtype} ${name.toLowerCase().replace(/\.$/, '')}`];
    if (hit) return hit;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
  };
}

export function startTestListener(database: Database, opts: { resolver?: DNSResolver; tls?: SmtpTls } = {}): Promise<SmtpListener> {
  return startMailListener(database, { smtpHost: '127.0.0.1', smtpPort: 0, smtpMaxBytes: TEST_MAX_BYTES, mailDomain: 'localhost' }, { resolver: opts.resolver ?? fixedResolver(), tls: opts.tls });
}

export function startTestWorker(database: Database, opts: { lockTimeoutMs?: number } = {}): Worker {
  return startWorker(database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 20, ...opts });
}

export interface SendResult {
  ok: boolean;
  code: number | null;
  response: string;
}

/** Sends over real SMTP on 127.0.0.1; resolves with the server's answer (never throws on a 4xx/5xx). */
export async function smtpSend(port: number, mail: SendMailOptions, tls?: { ca: string | Buffer; servername: string }): Promise<SendResult> {
  // with `tls`: STARTTLS is required and the server's certificate is checked against `ca`
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ...(tls ? { requireTLS: true, tls: { ca: tls.ca, servername: tls.servername } } : { ignoreTLS: true }),
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });
  try {
    const info = await transport.sendMail(mail);
    return { ok: true, code: 250, response: info.response };
  } catch (e) {
    const err = e as Error & { responseCode?: number; response?: string };
    return { ok: false, code: err.responseCode ?? null, response: err.response ?? err.message };
  } finally {
    transport.close();
  }
}

export type InboundRow = typeof inboundEmails.$inferSelect;

/** The inbound row with this Message-ID once it has left 'received' (processed, duplicate, failed). */
export function waitProcessed(database: Database, tenantId: string, messageId: string): Promise<InboundRow> {
  return waitFor(async () => {
    const [row] = await database.db
      .select()
      .from(inboundEmails)
      .where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.messageId, messageId)));
    return row && row.status !== 'received' ? row : undefined;
  }, `inbound ${messageId} processed`, { timeoutMs: 15_000 });
}

export async function outboxOf(database: Database, tenantId: string, ticketId: string) {
  return database.db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.tenantId, tenantId), eq(mailOutbox.ticketId, ticketId)))
    .orderBy(mailOutbox.createdAt);
}

export async function inboundCount(database: Database): Promise<number> {
  const [r] = await database.db.select({ n: sql<number>`count(*)::int` }).from(inboundEmails);
  return Number(r.n);
}

/** A raw RFC 5322 message built by hand (CRLF line ends), for charset and header cases. */
export function rawMail(headers: Record<string, string>, body: string | Buffer): Buffer {
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

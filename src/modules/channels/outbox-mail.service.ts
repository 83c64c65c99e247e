import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { enqueue, PermanentJobError, type JobContext } from '../../platform/jobs/index.ts';
import { composeRaw, newMessageId, parseEmail, sanitizeEmailHtml, sendRaw, textToHtml, type OutgoingAttachment } from '../../platform/mail/index.ts';
import { loadConfig } from '../../config.ts';
import { mailOutbox, mailThreads } from './channels.schema.ts';
import type { OutboxListQuery, OutboxMail, OutboxMailDetail } from './channels.contract.ts';
import { mailSettingsRow } from './mail-settings.service.ts';

export const SEND_MAIL_JOB = 'channels.mail_send';
type OutboxRow = typeof mailOutbox.$inferSelect;

export interface QueueMailInput {
  kind: 'auto_reply' | 'reply';
  ticketId: string;
  ticketMessageId: string;
  to: string;
  subject: string;
  text: string;
  /** files sent with it */
  attachments?: OutgoingAttachment[];
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
}

/**
 * Records an outgoing mail (its exact raw source) and the job that sends it, in the caller's transaction;
 * its Message-ID joins the ticket's thread so that the customer's reply finds the ticket. A second call for
 * the same ticket message and kind is a no-op (the event subscriber runs at least once). Returns the id.
 */
export async function queueMail(tx: Tx, tenantId: string, m: QueueMailInput): Promise<string | null> {
  const s = await mailSettingsRow(tx, tenantId);
  const messageId = newMessageId(s.fromAddress);
  const raw = await composeRaw({
    from: { address: s.fromAddress, name: s.fromName || undefined },
    to: m.to,
    subject: m.subject,
    text: m.text,
    // plain text for the agent's words, and the same as HTML for clients that prefer it (multipart/alternative)
    html: textToHtml(m.text),
    attachments: m.attachments,
    messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    headers: m.headers,
  });
  const [row] = await tx
    .insert(mailOutbox)
    .values({ tenantId, kind: m.kind, ticketId: m.ticketId, ticketMessageId: m.ticketMessageId, fromAddress: s.fromAddress, toAddress: m.to.toLowerCase(), subject: m.subject, messageId, raw: raw.toString('utf8') })
    .onConflictDoNothing({ target: [mailOutbox.tenantId, mailOutbox.ticketMessageId, mailOutbox.kind] })
    .returning({ id: mailOutbox.id });
  if (!row) return null;
  await tx.insert(mailThreads).values({ tenantId, messageId, ticketId: m.ticketId, direction: 'out' }).onConflictDoNothing();
  await enqueue(tx, { tenantId, name: SEND_MAIL_JOB, payload: { outboxId: row.id }, dedupeKey: `mail:${row.id}`, maxAttempts: 8 });
  return row.id;
}

export interface LocalMailInput {
  /** what sent it: campaign mail (the campaigns module composes and sends its own) */
  kind: 'campaign';
  fromAddress: string;
  to: string;
  subject: string;
  /** without angle brackets, as in the raw source */
  messageId: string;
  raw: Buffer;
}

/**
 * Mail composed and delivered by another module while no SMTP_OUT_URL is set (the embedded default): the
 * outbox row is the delivery, stored sent with transport 'local' in the caller's transaction, so the caller's
 * own "sent" mark commits with it or not at all. The outbox page then shows it like ticket mail.
 */
export async function storeLocalMail(tx: Tx, tenantId: string, m: LocalMailInput): Promise<string> {
  const [row] = await tx
    .insert(mailOutbox)
    .values({ tenantId, kind: m.kind, fromAddress: m.fromAddress, toAddress: m.to.toLowerCase(), subject: m.subject, messageId: m.messageId, raw: m.raw.toString('utf8'), status: 'sent', transport: 'local', attempts: 1, sentAt: new Date() })
    .returning({ id: mailOutbox.id });
  return row.id;
}

/**
 * The send job. With SMTP_OUT_URL the stored raw source goes to that server; without it (embedded default)
 * the outbox row itself is the delivery and is marked sent with transport 'local'. Failures are recorded on
 * the row and retried by the job queue; the last attempt marks it failed.
 */
export async function sendQueuedMail(job: JobContext<{ outboxId: string }>): Promise<void> {
  const db: Db = job.db;
  const where = and(eq(mailOutbox.tenantId, job.tenantId), eq(mailOutbox.id, job.payload.outboxId));
  const [row] = await db.select().from(mailOutbox).where(where);
  if (!row) throw new PermanentJobError('outbox mail not found');
  if (row.status === 'sent') return;
  const url = loadConfig().smtpOutUrl;
  try {
    if (url) await sendRaw(url, { from: row.fromAddress, to: row.toAddress }, Buffer.from(row.raw, 'utf8'));
    await db
      .update(mailOutbox)
      .set({ status: 'sent', transport: url ? 'smtp' : 'local', sentAt: new Date(), error: null, attempts: sql`${mailOutbox.attempts} + 1` })
      .where(where);
  } catch (e) {
    const last = job.attempt >= job.maxAttempts;
    await db
      .update(mailOutbox)
      .set({ status: last ? 'failed' : 'queued', transport: 'smtp', error: (e as Error).message.slice(0, 1000), attempts: sql`${mailOutbox.attempts} + 1` })
      .where(where);
    throw e;
  }
}

function toOutbox(r: OutboxRow): OutboxMail {
  return {
    id: r.id,
    kind: r.kind as OutboxMail['kind'],
    ticketId: r.ticketId,
    fromAddress: r.fromAddress,
    toAddress: r.toAddress,
    subject: r.subject,
    messageId: r.messageId,
    status: r.status as OutboxMail['status'],
    transport: r.transport,
    attempts: r.attempts,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt ? r.sentAt.toISOString() : null,
  };
}

/** Newest first, cursor-paginated. */
export async function listOutbox(ctx: Ctx, q: OutboxListQuery) {
  const conds: SQL[] = [eq(mailOutbox.tenantId, ctx.tenantId)];
  if (q.status) conds.push(eq(mailOutbox.status, q.status));
  if (q.ticketId) conds.push(eq(mailOutbox.ticketId, q.ticketId));
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${mailOutbox.createdAt}, ${mailOutbox.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ctx.db
    .select()
    .from(mailOutbox)
    .where(and(...conds))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: p.items.map(toOutbox), nextCursor: p.nextCursor };
}

export async function getOutboxMail(ctx: Ctx, id: string): Promise<OutboxMailDetail> {
  const [row] = await ctx.db.select().from(mailOutbox).where(and(eq(mailOutbox.tenantId, ctx.tenantId), eq(mailOutbox.id, id)));
  if (!row) throw notFound();
  // the stored source is what went out; parse it back so the viewer shows exactly that (HTML sanitised)
  const parsed = await parseEmail(Buffer.from(row.raw, 'utf8'));
  return {
    ...toOutbox(row),
    raw: row.raw,
    text: parsed.text,
    html: parsed.html ? sanitizeEmailHtml(parsed.html) : null,
    attachments: parsed.attachments.filter((a) => !a.inline).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
  };
}

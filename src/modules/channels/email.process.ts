import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/db.ts';
import { AppError } from '../../platform/http/errors.ts';
import { t } from '../../platform/i18n/i18n.ts';
import { joinTx, systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { addMessageInTx, createTicketInTx, loadTicketRow, tickets, type Ticket, type TicketMessage } from '../tickets/index.ts';
import { customerIdentities, normaliseEmail } from '../customers/index.ts';
import { inboundEmails, mailOutbox, mailThreads, messageAttachments } from './channels.schema.ts';
import type { StoredAttachment } from './email.receive.ts';
import { mailSettingsRow, ownAddresses } from './mail-settings.service.ts';
import { queueMail } from './outbox-mail.service.ts';

type InboundRow = typeof inboundEmails.$inferSelect;

/** At most this many auto-replies per sender address and tenant in 24 h: a last line against loops. */
export const AUTO_REPLIES_PER_SENDER_PER_DAY = 5;
export const ticketNumberPattern = /\bT-\d{4}-\d{6,}\b/;

/**
 * The ticket a message continues: first by In-Reply-To/References against Message-IDs we sent or received
 * for a ticket (reliable, tenant-scoped); then by a ticket number in the subject, but only when the sender
 * is that ticket's customer, so that a stranger quoting a number cannot write into someone else's ticket.
 */
async function threadTicket(tx: Tx, tenantId: string, row: InboundRow): Promise<string | null> {
  const ids = [...row.inReplyTo, ...row.references];
  if (ids.length) {
    const [hit] = await tx
      .select({ ticketId: mailThreads.ticketId })
      .from(mailThreads)
      .where(and(eq(mailThreads.tenantId, tenantId), inArray(mailThreads.messageId, ids)))
      .orderBy(desc(mailThreads.createdAt))
      .limit(1);
    if (hit) {
      const live = await followMerges(tx, tenantId, hit.ticketId);
      if (live) return live;
    }
  }
  const number = ticketNumberPattern.exec(row.subject)?.[0];
  const email = row.fromAddress ? normaliseEmail(row.fromAddress) : null;
  if (!number || !email) return null;
  const [ticket] = await tx.select({ id: tickets.id, customerId: tickets.customerId }).from(tickets).where(and(eq(tickets.tenantId, tenantId), eq(tickets.number, number)));
  if (!ticket?.customerId) return null;
  const [ident] = await tx
    .select({ customerId: customerIdentities.customerId })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.tenantId, tenantId), eq(customerIdentities.kind, 'email'), eq(customerIdentities.value, email)));
  return ident?.customerId === ticket.customerId ? followMerges(tx, tenantId, ticket.id) : null;
}

/** A merged ticket forwards its mail to the ticket it was merged into (bounded: merge chains are short). */
async function followMerges(tx: Tx, tenantId: string, ticketId: string): Promise<string | null> {
  let id = ticketId;
  for (let hop = 0; hop < 5; hop++) {
    const row = await loadTicketRow(tx, tenantId, id);
    if (!row) return null;
    if (!row.mergedIntoId) return row.id;
    id = row.mergedIntoId;
  }
  return id;
}

/** Adds the customer's message to a threaded ticket; null when it cannot take it (reopen window passed). */
async function appendToTicket(tx: Tx, ctx: Ctx, ticketId: string, m: Parameters<typeof addMessageInTx>[3]): Promise<TicketMessage | null> {
  try {
    // a savepoint: a refused reopen must not abort the surrounding transaction
    return await tx.transaction((inner) => addMessageInTx(inner, ctx, ticketId, m));
  } catch (e) {
    if (e instanceof AppError && e.status === 422) return null;
    throw e;
  }
}

/** Why no auto-reply goes to this sender, or null when one may. */
async function autoReplyBlocked(tx: Tx, ctx: Ctx, slug: string, row: InboundRow): Promise<string | null> {
  const settings = await mailSettingsRow(tx, ctx.tenantId);
  if (!settings.autoReply) return 'disabled';
  if (row.automated) return row.automated;
  const to = row.fromAddress ? normaliseEmail(row.fromAddress) : null;
  if (!to) return 'no valid sender';
  if ((await ownAddresses(tx, ctx.tenantId, slug)).has(to)) return 'own address';
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.tenantId, ctx.tenantId), eq(mailOutbox.toAddress, to), eq(mailOutbox.kind, 'auto_reply'), gt(mailOutbox.createdAt, sql`now() - interval '24 hours'`)));
  return Number(n) >= AUTO_REPLIES_PER_SENDER_PER_DAY ? 'rate limit' : null;
}

/** The auto-reply is also a ticket message (kind auto), so the conversation shows what the customer got. */
async function autoReply(tx: Tx, ctx: Ctx, row: InboundRow, ticket: Ticket): Promise<void> {
  const params: Record<string, string> = { number: ticket.number, subject: ticket.subject, name: row.fromName || row.fromAddress || '' };
  const s = await mailSettingsRow(tx, ctx.tenantId);
  // the tenant's own template when set (placeholders checked on save), else the built-in text
  const fill = (tpl: string) => tpl.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => params[k] ?? m);
  const subject = s.autoReplySubject ? fill(s.autoReplySubject).replace(/\s+/g, ' ').slice(0, 300) : t(ctx.locale, 'mail.auto_reply.subject', params);
  const text = s.autoReplyBody ? fill(s.autoReplyBody) : t(ctx.locale, 'mail.auto_reply.body', params);
  const msg = await addMessageInTx(tx, ctx, ticket.id, { kind: 'auto', body: text, authorType: 'system', channel: 'email' });
  await queueMail(tx, ctx.tenantId, {
    kind: 'auto_reply',
    ticketId: ticket.id,
    ticketMessageId: msg.id,
    to: row.fromAddress!,
    subject,
    text,
    inReplyTo: row.messageId,
    references: [...row.references, ...(row.messageId ? [row.messageId] : [])].slice(-20),
    // RFC 3834: marks it as automatic so that well-behaved auto-responders do not answer it
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
}

/**
 * The processing job: turns a stored inbound message into a ticket message (threaded) or a new ticket with
 * an auto-reply. One transaction, guarded by the row's status, so a re-run after a crash does nothing twice.
 */
export async function processInboundEmail(db: Db, tenantId: string, inboundId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.id, inboundId))).for('update');
    // 'failed' only comes back here when an admin retries the dead job
    if (!row || (row.status !== 'received' && row.status !== 'failed')) return;
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) return;
    const ctx = joinTx(systemCtx(db, tenant), tx);
    const done = (fields: Partial<InboundRow>) =>
      tx.update(inboundEmails).set({ ...fields, processedAt: new Date() }).where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.id, inboundId)));

    if (row.messageId) {
      // the same message again (sent to two of our addresses, re-fetched, or our own mail coming back)
      const [seen] = await tx.select().from(mailThreads).where(and(eq(mailThreads.tenantId, tenantId), eq(mailThreads.messageId, row.messageId)));
      if (seen) return void (await done({ status: 'duplicate', ticketId: seen.ticketId }));
    }
    const message = {
      kind: 'public' as const,
      authorType: 'customer' as const,
      body: row.text || t(ctx.locale, 'mail.empty_body'),
      authorName: (row.fromName || row.fromAddress || '?').slice(0, 200),
      channel: 'email' as const,
    };
    const threaded = await threadTicket(tx, tenantId, row);
    let msg = threaded ? await appendToTicket(tx, ctx, threaded, message) : null;
    let ticketId = threaded;
    let created: Ticket | null = null;
    if (!msg) {
      const { ticket } = await createTicketInTx(tx, ctx, {
        subject: (row.subject || t(ctx.locale, 'mail.no_subject')).slice(0, 300),
        description: message.body,
        type: 'inquiry',
        priority: 'p3',
        channel: 'email',
        customer: { name: row.fromName ?? undefined, email: row.fromAddress ?? undefined },
        tags: [],
        customFields: {},
      });
      created = ticket;
      ticketId = ticket.id;
      msg = await addMessageInTx(tx, ctx, ticket.id, message);
    }
    if (row.messageId) await tx.insert(mailThreads).values({ tenantId, messageId: row.messageId, ticketId: ticketId!, direction: 'in' }).onConflictDoNothing();
    const files = row.attachments as StoredAttachment[];
    if (files.length) {
      await tx
        .insert(messageAttachments)
        .values(files.map((f) => ({ tenantId, messageId: msg.id, fileId: f.fileId, ticketId: ticketId!, filename: f.filename, contentType: f.contentType, size: f.size, inline: f.inline })))
        .onConflictDoNothing();
    }
    await done({ status: 'processed', ticketId, ticketMessageId: msg.id, error: null });
    if (created && !(await autoReplyBlocked(tx, ctx, tenant.slug, row))) await autoReply(tx, ctx, row, created);
  });
}

/** Marks a message whose processing kept failing; it stays stored (raw and parsed) for a retry from the jobs page. */
export async function markFailed(db: Db, tenantId: string, inboundId: string, error: string): Promise<void> {
  await db
    .update(inboundEmails)
    .set({ status: 'failed', error: error.slice(0, 1000) })
    .where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.id, inboundId), eq(inboundEmails.status, 'received')));
}

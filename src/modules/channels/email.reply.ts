import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { customerIdentities } from '../customers/index.ts';
import { loadTicketRow } from '../tickets/index.ts';
import { inboundEmails, mailThreads } from './channels.schema.ts';
import { queueMail } from './outbox-mail.service.ts';
import { outgoingAttachments } from './email.files.ts';

/** The part of the 'ticket_message.created' event this subscriber reads. */
const MessageCreated = z.object({
  id: z.string().uuid(),
  ticketId: z.string().uuid(),
  kind: z.string(),
  authorType: z.string(),
  body: z.string(),
});

/** `Re: <subject> [T-…]`, without piling up Re:/回复: prefixes. */
export function replySubject(subject: string, number: string): string {
  const bare = subject.replace(/^\s*((re|fw|fwd|aw|答复|回复|转发)\s*[:：]\s*)+/i, '').replace(`[${number}]`, '').trim();
  return `Re: ${bare} [${number}]`;
}

/**
 * Sends an agent's public reply on an e-mail ticket to the customer: to the address of the customer's last
 * mail (else the customer's e-mail identity), threaded under that mail. Runs at least once per event;
 * queueMail ignores a second call for the same message.
 */
export async function mailAgentReply(db: Db, event: DomainEvent): Promise<void> {
  const parsed = MessageCreated.safeParse(event.payload);
  if (!parsed.success) return;
  const m = parsed.data;
  if (m.authorType !== 'agent' || m.kind !== 'public') return;
  const tenantId = event.tenantId;
  await db.transaction(async (tx) => {
    const ticket = await loadTicketRow(tx, tenantId, m.ticketId);
    if (!ticket) return;
    const [last] = await tx
      .select()
      .from(inboundEmails)
      .where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.ticketId, ticket.id), isNotNull(inboundEmails.fromAddress)))
      .orderBy(desc(inboundEmails.receivedAt))
      .limit(1);
    if (ticket.channel !== 'email' && !last) return;
    let to = last?.automated ? null : (last?.fromAddress ?? null);
    if (!to && ticket.customerId) {
      const [ident] = await tx
        .select({ value: customerIdentities.value })
        .from(customerIdentities)
        .where(and(eq(customerIdentities.tenantId, tenantId), eq(customerIdentities.customerId, ticket.customerId), eq(customerIdentities.kind, 'email')))
        .limit(1);
      to = ident?.value ?? null;
    }
    if (!to) return;
    // threading: under the customer's last mail; without one (web form, phone) under our own earlier mail
    let inReplyTo = last?.messageId ?? null;
    let references = last ? [...last.references, ...(last.messageId ? [last.messageId] : [])].slice(-20) : [];
    if (!last) {
      const ours = await tx
        .select({ id: mailThreads.messageId })
        .from(mailThreads)
        .where(and(eq(mailThreads.tenantId, tenantId), eq(mailThreads.ticketId, ticket.id), eq(mailThreads.direction, 'out')))
        .orderBy(desc(mailThreads.createdAt))
        .limit(20);
      references = ours.map((r) => r.id).reverse();
      inReplyTo = references.at(-1) ?? null;
    }
    await queueMail(tx, tenantId, {
      kind: 'reply',
      ticketId: ticket.id,
      ticketMessageId: m.id,
      to,
      subject: replySubject(ticket.subject, ticket.number),
      text: m.body,
      attachments: await outgoingAttachments(tx, tenantId, m.id),
      inReplyTo,
      references,
    });
  });
}

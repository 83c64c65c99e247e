import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { notFound } from '../../platform/http/errors.ts';
import { attachmentDisposition, readFile, safeContentType } from '../../platform/files/index.ts';
import { loadTicketRow, ticketMessages } from '../tickets/index.ts';
import { inboundEmails, messageAttachments } from './channels.schema.ts';
import { fileUrl, type MessageMail } from './channels.contract.ts';

/** Per message of the ticket that has mail HTML or files: the sanitised HTML and the attachments. 404 for another tenant's ticket. */
export async function attachmentsOfTicket(ctx: Ctx, ticketId: string): Promise<MessageMail[]> {
  if (!(await loadTicketRow(ctx.db, ctx.tenantId, ticketId))) throw notFound();
  // by the ticket's current messages, not by the ticket id stored at intake: a merge moves messages
  const ids = (
    await ctx.db
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.tenantId, ctx.tenantId), eq(ticketMessages.ticketId, ticketId)))
      .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id))
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  const files = await ctx.db
    .select()
    .from(messageAttachments)
    .where(and(eq(messageAttachments.tenantId, ctx.tenantId), inArray(messageAttachments.messageId, ids)))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.filename));
  const mails = await ctx.db
    .select({ messageId: inboundEmails.ticketMessageId, html: inboundEmails.html })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, ctx.tenantId), inArray(inboundEmails.ticketMessageId, ids)));
  const out = new Map<string, MessageMail>();
  for (const id of ids) out.set(id, { messageId: id, html: null, attachments: [] });
  for (const m of mails) if (m.messageId) out.get(m.messageId)!.html = m.html;
  for (const f of files) {
    out.get(f.messageId)?.attachments.push({ fileId: f.fileId, filename: f.filename, contentType: f.contentType, size: f.size, inline: f.inline, url: fileUrl(f.fileId) });
  }
  return [...out.values()].filter((m) => m.html !== null || m.attachments.length > 0);
}

/** A stored file of the caller's tenant, with the headers a safe download needs. */
export async function downloadFile(ctx: Ctx, fileId: string) {
  const f = await readFile(ctx.db, ctx.tenantId, fileId);
  if (!f) throw notFound();
  return { data: f.data, contentType: safeContentType(f.contentType), disposition: attachmentDisposition(f.filename), sha256: f.sha256 };
}

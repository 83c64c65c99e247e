import { and, asc, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { fileInfos, readFile, storeFile, FileTooLargeError, MAX_FILE_BYTES } from '../../platform/files/index.ts';
import type { OutgoingAttachment } from '../../platform/mail/index.ts';
import { addMessageInTx, loadTicketRow, type TicketMessage } from '../tickets/index.ts';
import { messageAttachments } from './channels.schema.ts';
import { fileUrl, MAX_REPLY_ATTACHMENT_BYTES, type AddMessageWithFiles, type Attachment, type UploadedFile } from './channels.contract.ts';

/** An agent's upload, stored for a reply that references it by id. */
export async function uploadFile(ctx: Ctx, input: { filename: string; contentType: string; data: Buffer }): Promise<UploadedFile> {
  if (input.data.length === 0) throw fieldError('file', 'upload_empty', 422);
  if (input.data.length > MAX_FILE_BYTES) throw new AppError(413, 'payload_too_large', { limit: MAX_FILE_BYTES });
  return ctx.tx(async (tx) => {
    try {
      const f = await storeFile(tx, ctx.tenantId, input);
      await writeAudit(tx, ctx, { action: 'uploaded', entityType: 'file', entityId: f.id, after: { filename: f.filename, contentType: f.contentType, size: f.size } });
      return { id: f.id, filename: f.filename, contentType: f.contentType, size: f.size, url: fileUrl(f.id) };
    } catch (e) {
      if (e instanceof FileTooLargeError) throw new AppError(413, 'payload_too_large', { limit: MAX_FILE_BYTES });
      throw e;
    }
  });
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

/**
 * A public reply or internal note with files: the message and its attachment rows in one transaction, so
 * the mail subscriber (which runs after commit) always finds the files it must send along.
 */
export async function addMessageWithFiles(ctx: Ctx, ticketId: string, input: AddMessageWithFiles): Promise<TicketMessage & { attachments: Attachment[] }> {
  // the ticket first: another organisation's ticket id is a 404 whatever the body says
  if (!(await loadTicketRow(ctx.db, ctx.tenantId, ticketId))) throw notFound();
  const ids = [...new Set(input.attachmentIds)];
  const infos = await fileInfos(ctx.db, ctx.tenantId, ids);
  if (infos.length !== ids.length) throw fieldError('attachmentIds', 'attachment_not_found', 422);
  const total = infos.reduce((n, f) => n + f.size, 0);
  if (total > MAX_REPLY_ATTACHMENT_BYTES) throw fieldError('attachmentIds', 'attachments_too_large', 422, { size: mb(total), limit: mb(MAX_REPLY_ATTACHMENT_BYTES) });
  const byId = new Map(infos.map((f) => [f.id, f]));
  return ctx.tx(async (tx) => {
    const msg = await addMessageInTx(tx, ctx, ticketId, { kind: input.kind, body: input.body, authorType: 'agent' });
    const rows = ids.map((id) => {
      const f = byId.get(id)!;
      return { tenantId: ctx.tenantId, messageId: msg.id, fileId: f.id, ticketId, filename: f.filename, contentType: f.contentType, size: f.size, inline: false };
    });
    await tx.insert(messageAttachments).values(rows);
    await writeAudit(tx, ctx, { action: 'attachments_added', entityType: 'ticket_message', entityId: msg.id, after: { ticketId, files: rows.map((r) => ({ fileId: r.fileId, filename: r.filename, size: r.size })) } });
    return { ...msg, attachments: rows.map((r) => ({ fileId: r.fileId, filename: r.filename, contentType: r.contentType, size: r.size, inline: false, url: fileUrl(r.fileId) })) };
  });
}

/** The files of a ticket message with their content, to send with its mail. */
export async function outgoingAttachments(tx: Tx, tenantId: string, messageId: string): Promise<OutgoingAttachment[]> {
  const rows = await tx
    .select()
    .from(messageAttachments)
    .where(and(eq(messageAttachments.tenantId, tenantId), eq(messageAttachments.messageId, messageId), eq(messageAttachments.inline, false)))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.filename));
  const out: OutgoingAttachment[] = [];
  for (const r of rows) {
    const f = await readFile(tx, tenantId, r.fileId);
    if (f) out.push({ filename: f.filename, contentType: f.contentType, content: f.data });
  }
  return out;
}

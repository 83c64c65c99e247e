import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { inboundEmails } from './channels.schema.ts';
import type { InboundListQuery, InboundMail } from './channels.contract.ts';

/**
 * The intake log an admin checks when a customer says "I sent you a mail": every accepted message with
 * its status (failed ones included, with the reason), newest first. Raw sources stay out of the list.
 */
export async function listInbound(ctx: Ctx, q: InboundListQuery): Promise<{ items: InboundMail[]; nextCursor: string | null }> {
  const conds: SQL[] = [eq(inboundEmails.tenantId, ctx.tenantId)];
  if (q.status) conds.push(eq(inboundEmails.status, q.status));
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${inboundEmails.receivedAt}, ${inboundEmails.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ctx.db
    .select({
      id: inboundEmails.id,
      source: inboundEmails.source,
      status: inboundEmails.status,
      fromAddress: inboundEmails.fromAddress,
      fromName: inboundEmails.fromName,
      subject: inboundEmails.subject,
      messageId: inboundEmails.messageId,
      size: inboundEmails.size,
      automated: inboundEmails.automated,
      error: inboundEmails.error,
      ticketId: inboundEmails.ticketId,
      receivedAt: inboundEmails.receivedAt,
      remoteIp: inboundEmails.remoteIp,
      spf: inboundEmails.authSpf,
      dkim: inboundEmails.authDkim,
      dmarc: inboundEmails.authDmarc,
      results: inboundEmails.authResults,
    })
    .from(inboundEmails)
    .where(and(...conds))
    .orderBy(desc(inboundEmails.receivedAt), desc(inboundEmails.id))
    .limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.receivedAt.toISOString(), r.id]);
  return {
    items: p.items.map(({ spf, dkim, dmarc, results, ...r }) => ({
      ...r,
      status: r.status as InboundMail['status'],
      receivedAt: r.receivedAt.toISOString(),
      auth: spf !== null && dkim !== null && dmarc !== null ? { spf, dkim, dmarc, results } : null,
    })),
    nextCursor: p.nextCursor,
  };
}

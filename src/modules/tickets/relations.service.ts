import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { ticketLinks } from './routing.schema.ts';
import { ticketMessages, tickets } from './tickets.schema.ts';
import { addEvent, createTicketInTx, loadTicketRow, withCustomerNames } from './tickets.service.ts';
import { addMessageInTx } from './messages.service.ts';
import type { Ticket } from './tickets.contract.ts';
import { rebuildTicketText } from './ticket-text.ts';

export type LinkKind = 'related' | 'duplicate' | 'parent';

export async function listLinks(ctx: Ctx, ticketId: string) {
  if (!(await loadTicketRow(ctx.db, ctx.tenantId, ticketId))) throw notFound();
  const rs = await ctx.db
    .select({ ticketId: ticketLinks.ticketId, otherId: ticketLinks.otherId, kind: ticketLinks.kind, number: tickets.number, subject: tickets.subject, status: tickets.status })
    .from(ticketLinks)
    .innerJoin(tickets, and(eq(tickets.tenantId, ticketLinks.tenantId), eq(tickets.id, sql`case when ${ticketLinks.ticketId} = ${ticketId} then ${ticketLinks.otherId} else ${ticketLinks.ticketId} end`)))
    .where(and(eq(ticketLinks.tenantId, ctx.tenantId), or(eq(ticketLinks.ticketId, ticketId), eq(ticketLinks.otherId, ticketId))));
  // seen from this ticket: a parent link stored from the other side makes this ticket the child
  return rs.map((r) => ({
    ticketId: r.ticketId === ticketId ? r.otherId : r.ticketId,
    number: r.number,
    subject: r.subject,
    status: r.status,
    kind: r.kind === 'parent' ? (r.ticketId === ticketId ? 'child' : 'parent') : r.kind,
  }));
}

export async function link(ctx: Ctx, ticketId: string, otherId: string, kind: LinkKind): Promise<void> {
  await ctx.tx(async (tx) => {
    if (!(await loadTicketRow(tx, ctx.tenantId, ticketId))) throw notFound();
    if (ticketId === otherId) throw fieldError('otherId', 'link_self', 422);
    if (!(await loadTicketRow(tx, ctx.tenantId, otherId))) throw fieldError('otherId', 'not_found', 422);
    await tx.insert(ticketLinks).values({ tenantId: ctx.tenantId, ticketId, otherId, kind }).onConflictDoNothing();
    await addEvent(tx, ctx, ticketId, 'linked', { otherId, kind });
    await addEvent(tx, ctx, otherId, 'linked', { otherId: ticketId, kind: kind === 'parent' ? 'child' : kind });
    await recordChange(tx, ctx, { action: 'linked', entityType: 'ticket', entityId: ticketId, after: { otherId, kind } });
  });
}

export async function unlink(ctx: Ctx, ticketId: string, otherId: string): Promise<void> {
  await ctx.tx(async (tx) => {
    const gone = await tx
      .delete(ticketLinks)
      .where(and(eq(ticketLinks.tenantId, ctx.tenantId), or(and(eq(ticketLinks.ticketId, ticketId), eq(ticketLinks.otherId, otherId)), and(eq(ticketLinks.ticketId, otherId), eq(ticketLinks.otherId, ticketId)))))
      .returning();
    if (!gone.length) throw notFound();
    await addEvent(tx, ctx, ticketId, 'unlinked', { otherId });
    await recordChange(tx, ctx, { action: 'unlinked', entityType: 'ticket', entityId: ticketId, before: { otherId } });
  });
}

/**
 * Merge: the source's conversation moves to the target (history kept on both sides as events), the source
 * is closed with a pointer to the target, and the customer is told in a public message on the source.
 */
export async function merge(ctx: Ctx, sourceId: string, input: { version: number; intoTicketId: string }): Promise<Ticket> {
  return ctx.tx(async (tx) => {
    const source = checkVersion(await loadTicketRow(tx, ctx.tenantId, sourceId, true), input.version, 'ticket');
    if (sourceId === input.intoTicketId) throw fieldError('intoTicketId', 'link_self', 422);
    const target = await loadTicketRow(tx, ctx.tenantId, input.intoTicketId, true);
    if (!target) throw fieldError('intoTicketId', 'not_found', 422);
    if (source.mergedIntoId || target.mergedIntoId) throw new AppError(422, 'already_merged');
    const moved = await tx
      .update(ticketMessages)
      .set({ ticketId: target.id })
      .where(and(eq(ticketMessages.tenantId, ctx.tenantId), eq(ticketMessages.ticketId, source.id)))
      .returning({ id: ticketMessages.id });
    await tx
      .update(tickets)
      .set({ status: 'closed', mergedIntoId: target.id, closedAt: new Date(), resolvedAt: source.resolvedAt ?? new Date(), slaDueAt: null, version: sql`${tickets.version} + 1`, updatedAt: new Date() })
      .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, source.id)));
    await tx.insert(ticketLinks).values({ tenantId: ctx.tenantId, ticketId: target.id, otherId: source.id, kind: 'duplicate' }).onConflictDoNothing();
    // the conversation's text is now found on the target, no longer on the source
    await rebuildTicketText(tx, ctx.tenantId, [source.id, target.id]);
    await addEvent(tx, ctx, source.id, 'merged_into', { ticketId: target.id, number: target.number, messages: moved.length });
    await addEvent(tx, ctx, target.id, 'merged_from', { ticketId: source.id, number: source.number, messages: moved.length });
    const lang = ctx.locale === 'en';
    await addMessageInTx(tx, ctx, source.id, {
      kind: 'auto',
      authorType: 'system',
      authorName: 'system',
      body: lang ? `Your request ${source.number} has been merged into ${target.number}; we will continue there.` : `您的工单 ${source.number} 已合并到 ${target.number}，后续将在该工单中继续处理。`,
    });
    await recordChange(tx, ctx, { action: 'merged', entityType: 'ticket', entityId: source.id, before: { status: source.status }, after: { mergedIntoId: target.id } });
    const [after] = await withCustomerNames(tx, ctx.tenantId, [(await loadTicketRow(tx, ctx.tenantId, target.id))!]);
    return after;
  });
}

/**
 * Split: the chosen messages move to a new ticket for the same customer (a second problem raised in the
 * same conversation); both tickets are linked as related and keep the move in their history.
 */
export async function split(ctx: Ctx, sourceId: string, input: { version: number; messageIds: string[]; subject: string }): Promise<Ticket> {
  return ctx.tx(async (tx) => {
    const source = checkVersion(await loadTicketRow(tx, ctx.tenantId, sourceId, true), input.version, 'ticket');
    const own = await tx
      .select({ id: ticketMessages.id, body: ticketMessages.body })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.tenantId, ctx.tenantId), eq(ticketMessages.ticketId, sourceId), inArray(ticketMessages.id, input.messageIds)));
    if (own.length !== new Set(input.messageIds).size) throw fieldError('messageIds', 'not_found', 422);
    const { row } = await createTicketInTx(tx, ctx, {
      subject: input.subject,
      description: own.map((m) => m.body).join('\n\n').slice(0, 100_000),
      type: source.type as Ticket['type'],
      priority: source.priority as Ticket['priority'],
      channel: source.channel as Ticket['channel'],
      customerId: source.customerId ?? undefined,
      teamId: source.teamId ?? undefined,
      tags: source.tags,
      customFields: source.customFields as Ticket['customFields'],
    });
    await tx.update(ticketMessages).set({ ticketId: row.id }).where(and(eq(ticketMessages.tenantId, ctx.tenantId), inArray(ticketMessages.id, input.messageIds)));
    await tx.insert(ticketLinks).values({ tenantId: ctx.tenantId, ticketId: sourceId, otherId: row.id, kind: 'related' }).onConflictDoNothing();
    await rebuildTicketText(tx, ctx.tenantId, [sourceId, row.id]);
    await tx.update(tickets).set({ version: sql`${tickets.version} + 1`, updatedAt: new Date() }).where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, sourceId)));
    await addEvent(tx, ctx, sourceId, 'split_to', { ticketId: row.id, number: row.number, messages: input.messageIds.length });
    await addEvent(tx, ctx, row.id, 'split_from', { ticketId: sourceId, number: source.number, messages: input.messageIds.length });
    await recordChange(tx, ctx, { action: 'split', entityType: 'ticket', entityId: sourceId, after: { newTicketId: row.id, messageIds: input.messageIds } });
    return (await withCustomerNames(tx, ctx.tenantId, [row]))[0];
  });
}

import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { slaClock } from '../sla/index.ts';
import { ticketMessages, tickets } from './tickets.schema.ts';
import { appendMessageVector, isSearchedKind } from './ticket-text.ts';
import type { AuthorType, Channel, MessageKind, TicketMessage, TicketStatus } from './tickets.contract.ts';
import { addEvent, loadTicketRow, statusChange, type TicketRow } from './tickets.service.ts';
import { clockColumns, clockOf, scheduleChecks, slaOfTicket } from './ticket-sla.ts';
import { resolveMentions } from './mentions.ts';

export interface MessageInput {
  kind: MessageKind;
  body: string;
  authorType: AuthorType;
  /** defaults to the acting user */
  authorName?: string;
  channel?: Channel | null;
  /** import: the original time */
  createdAt?: Date;
}

/**
 * What a message does to the ticket: a public agent reply answers the customer (first/next response met;
 * a new ticket becomes open); a customer message reopens a pending or resolved ticket and starts the
 * next-response target. Internal notes change nothing but the history.
 */
function effectOf(row: TicketRow, m: MessageInput): TicketStatus | null {
  const status = row.status as TicketStatus;
  if (m.kind === 'note' || m.kind === 'auto') return null;
  if (m.authorType === 'agent' && status === 'new') return 'open';
  if (m.authorType === 'customer' && (status === 'pending' || status === 'resolved' || status === 'closed')) return 'open';
  return null;
}

export async function addMessageInTx(tx: Tx, ctx: Ctx, ticketId: string, m: MessageInput): Promise<TicketMessage> {
  const row = await loadTicketRow(tx, ctx.tenantId, ticketId, true);
  if (!row) throw notFound();
  const at = m.createdAt ?? new Date();
  const sla = await slaOfTicket(tx, row);
  const newStatus = effectOf(row, m);
  let columns: Record<string, unknown> = {};
  let clock = clockOf(row);
  let reopened = false;
  if (newStatus) {
    const s = statusChange(row, newStatus, sla, at);
    columns = s.columns;
    clock = s.clock;
    reopened = s.reopening;
  }
  if (m.kind === 'public' && m.authorType === 'agent') clock = slaClock.agentReplied(clock, at);
  if (m.kind === 'public' && m.authorType === 'customer' && sla) clock = slaClock.customerWrote(clock, sla.rules, sla.policy, at);
  columns = { ...columns, ...clockColumns(clock) };

  const [msg] = await tx
    .insert(ticketMessages)
    .values({
      tenantId: ctx.tenantId,
      ticketId,
      kind: m.kind,
      authorType: m.authorType,
      authorUserId: m.authorType === 'agent' ? ctx.actor.userId : null,
      authorName: m.authorName ?? ctx.actor.name,
      body: m.body,
      channel: m.channel ?? null,
      createdAt: at,
    })
    .returning();
  const statusChanged = newStatus !== null && newStatus !== row.status;
  await tx
    .update(tickets)
    .set({ ...columns, updatedAt: at, ...(statusChanged ? { version: sql`${tickets.version} + 1` } : {}), ...(isSearchedKind(m.kind) ? { searchVector: appendMessageVector(m.body) } : {}) })
    .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, ticketId)));
  if (statusChanged) await addEvent(tx, ctx, ticketId, reopened ? 'reopened' : 'status_changed', { field: 'status', from: row.status, to: newStatus, cause: 'message' }, at);
  await addEvent(tx, ctx, ticketId, 'message_added', { messageId: msg.id, kind: m.kind, authorType: m.authorType }, at);
  if (m.authorType === 'agent') {
    const mentioned = await resolveMentions(tx, ctx.tenantId, m.body);
    if (mentioned.length) {
      await addEvent(tx, ctx, ticketId, 'mentioned', { messageId: msg.id, users: mentioned }, at);
      // the outbox event is what notifies them (webhooks, in-app notifications)
      await recordChange(tx, ctx, { action: 'mentioned', entityType: 'ticket', entityId: ticketId, after: { messageId: msg.id, number: row.number, userIds: mentioned.map((u) => u.id) } });
    }
  }
  const dto: TicketMessage = {
    id: msg.id,
    kind: m.kind,
    authorType: m.authorType,
    authorUserId: msg.authorUserId,
    authorName: msg.authorName,
    body: msg.body,
    channel: m.channel ?? null,
    createdAt: msg.createdAt.toISOString(),
  };
  await recordChange(tx, ctx, { action: 'created', entityType: 'ticket_message', entityId: msg.id, after: { ticketId, ...dto } });
  if (sla && !m.createdAt) await scheduleChecks(tx, ctx.tenantId, ticketId, clock, sla.policy.warnAtPercent, at);
  return dto;
}

export function addMessage(ctx: Ctx, ticketId: string, m: MessageInput): Promise<TicketMessage> {
  return ctx.tx((tx) => addMessageInTx(tx, ctx, ticketId, m));
}

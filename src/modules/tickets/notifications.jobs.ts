import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teamMembers } from '../../platform/teams/teams.schema.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { notify, type NewNotification } from '../../platform/notifications/index.ts';
import { ticketEvents, ticketMessages, tickets } from './tickets.schema.ts';

/**
 * Who hears about what, in the bell:
 *  - ticket.mentioned → each colleague named with @ (not the author);
 *  - ticket.updated with a new assignee → that assignee (not when they took it themselves);
 *  - ticket.sla_warning → the assignee, or the team's leads while nobody has it;
 *  - ticket.sla_breached → the assignee and the team's leads, or the managers when the team has no lead;
 *  - ticket.escalated → the agent the L2 team's routing picked, or the L2 team's leads (else all members).
 * Subscribers run at least once, so every notification carries a dedupe key derived from its cause.
 */

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

async function ticketOf(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, assigneeId: tickets.assigneeId, teamId: tickets.teamId })
    .from(tickets)
    .where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, id)));
  return row;
}

async function teamLeads(db: Queryable, tenantId: string, teamId: string | null, allMembers = false): Promise<string[]> {
  if (!teamId) return [];
  const rs = await db
    .select({ userId: teamMembers.userId, isLead: teamMembers.isLead })
    .from(teamMembers)
    .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, teamId)));
  const leads = rs.filter((r) => r.isLead).map((r) => r.userId);
  return leads.length || !allMembers ? leads : rs.map((r) => r.userId);
}

async function managers(db: Queryable, tenantId: string): Promise<string[]> {
  const rs = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.active, true), sql`'manager' = any(${users.roles})`));
  return rs.map((r) => r.id);
}

function forEach(userIds: Iterable<string>, base: Omit<NewNotification, 'userId'>): NewNotification[] {
  return [...new Set(userIds)].map((userId) => ({ ...base, userId }));
}

export async function onMentioned(db: Queryable, e: DomainEvent): Promise<number> {
  const p = e.payload as Payload;
  const ticket = await ticketOf(db, e.tenantId, e.entityId);
  const messageId = str(p.messageId);
  if (!ticket || !messageId || !Array.isArray(p.userIds)) return 0;
  const [msg] = await db
    .select({ authorUserId: ticketMessages.authorUserId, authorName: ticketMessages.authorName, kind: ticketMessages.kind })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.tenantId, e.tenantId), eq(ticketMessages.id, messageId)));
  const targets = p.userIds.filter((u): u is string => typeof u === 'string' && u !== msg?.authorUserId);
  return notify(
    db,
    e.tenantId,
    forEach(targets, { kind: 'ticket.mentioned', entityType: 'ticket', entityId: ticket.id, dedupeKey: `mention:${messageId}`, params: { number: ticket.number, subject: ticket.subject, by: msg?.authorName ?? null, note: msg?.kind === 'note' } }),
  );
}

/**
 * ticket.updated carries the ticket after the change, not what changed: the 'assigned' history row of the
 * same transaction (same now()) tells whether the assignee is new, and who set it.
 */
export async function onUpdated(db: Queryable, e: DomainEvent): Promise<number> {
  const assigneeId = str((e.payload as Payload).assigneeId);
  if (!assigneeId) return 0;
  const [assigned] = await db
    .select({ id: ticketEvents.id, actorUserId: ticketEvents.actorUserId, actorName: ticketEvents.actorName })
    .from(ticketEvents)
    .where(
      and(
        eq(ticketEvents.tenantId, e.tenantId),
        eq(ticketEvents.ticketId, e.entityId),
        eq(ticketEvents.type, 'assigned'),
        sql`${ticketEvents.data}->>'to' = ${assigneeId}`,
        gte(ticketEvents.at, new Date(e.createdAt.getTime() - 5_000)),
        lte(ticketEvents.at, new Date(e.createdAt.getTime() + 5_000)),
      ),
    )
    .orderBy(desc(ticketEvents.id))
    .limit(1);
  if (!assigned || assigned.actorUserId === assigneeId) return 0;
  const ticket = await ticketOf(db, e.tenantId, e.entityId);
  if (!ticket) return 0;
  return notify(db, e.tenantId, [
    { userId: assigneeId, kind: 'ticket.assigned', entityType: 'ticket', entityId: ticket.id, dedupeKey: `assigned:${assigned.id}`, params: { number: ticket.number, subject: ticket.subject, by: assigned.actorName } },
  ]);
}

export async function onSla(db: Queryable, e: DomainEvent): Promise<number> {
  const p = e.payload as Payload;
  const ticket = await ticketOf(db, e.tenantId, e.entityId);
  if (!ticket) return 0;
  const breach = e.type === 'ticket.sla_breached';
  const assigneeId = str(p.assigneeId) ?? ticket.assigneeId;
  const teamId = str(p.teamId) ?? ticket.teamId;
  const targets: string[] = assigneeId ? [assigneeId] : [];
  if (breach || !assigneeId) {
    const leads = await teamLeads(db, e.tenantId, teamId);
    targets.push(...leads);
    if (breach && leads.length === 0) targets.push(...(await managers(db, e.tenantId)));
  }
  const target = str(p.target);
  return notify(
    db,
    e.tenantId,
    forEach(targets, { kind: e.type, entityType: 'ticket', entityId: ticket.id, dedupeKey: `${e.type}:${ticket.id}:${target}:${str(p.dueAt)}`, params: { number: ticket.number, subject: ticket.subject, target, dueAt: str(p.dueAt) } }),
  );
}

export async function onEscalated(db: Queryable, e: DomainEvent): Promise<number> {
  const p = e.payload as Payload;
  const ticket = await ticketOf(db, e.tenantId, e.entityId);
  if (!ticket) return 0;
  const assigneeId = str(p.assigneeId);
  const teamId = str(p.teamId);
  const targets = assigneeId ? [assigneeId] : await teamLeads(db, e.tenantId, teamId, true);
  return notify(
    db,
    e.tenantId,
    forEach(targets, { kind: 'ticket.escalated', entityType: 'ticket', entityId: ticket.id, dedupeKey: `escalated:${e.id}`, params: { number: ticket.number, subject: ticket.subject, reason: str(p.reason) } }),
  );
}

subscribe('ticket.mentioned', (e, job) => onMentioned(job.db, e).then(() => undefined), { name: 'notifications.ticket_mentioned' });
subscribe('ticket.updated', (e, job) => onUpdated(job.db, e).then(() => undefined), { name: 'notifications.ticket_assigned' });
subscribe('ticket.sla_warning', (e, job) => onSla(job.db, e).then(() => undefined), { name: 'notifications.ticket_sla_warning' });
subscribe('ticket.sla_breached', (e, job) => onSla(job.db, e).then(() => undefined), { name: 'notifications.ticket_sla_breached' });
subscribe('ticket.escalated', (e, job) => onEscalated(job.db, e).then(() => undefined), { name: 'notifications.ticket_escalated' });

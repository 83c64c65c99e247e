import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { getCustomers } from '../customers/index.ts';
import { policyNames, slaClock } from '../sla/index.ts';
import { ticketEvents, tickets } from './tickets.schema.ts';
import { canTransition, type SlaState, type Ticket, type TicketDetail, type TicketStatus } from './tickets.contract.ts';
import { clockColumns, clockOf, type SlaContext } from './ticket-sla.ts';
import { readTicketDetail, readTicketDetailJson } from './ticket-read.ts';

/** Rows as services use them: everything but the search vector, the widest column, which only search reads. */
export type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector'>;
const { searchVector: _searchVector, ...ticketColumns } = getTableColumns(tickets);
export { ticketColumns };
/**
 * What toTicket reads: a ticket as the API shows it, for a ticket just written (create, update, escalation).
 * Reads of stored tickets (lists, the ticket page) have PostgreSQL write the same JSON (ticket-json.ts).
 */
export type TicketView = Omit<TicketRow, 'tenantId' | 'seq' | 'closedAt' | 'slaBreaches' | 'reopenCount' | 'escalationLevel' | 'escalatedFromTeamId' | 'mergedIntoId'>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Days after resolution within which a ticket may be reopened (a tenant setting later). */
export const REOPEN_WINDOW_DAYS = 30;

export function slaState(r: TicketView, policyName: string | null = null): SlaState {
  return {
    policyId: r.slaPolicyId,
    policyName,
    calendarId: r.slaCalendarId,
    firstResponseDueAt: iso(r.firstResponseDueAt),
    firstRespondedAt: iso(r.firstRespondedAt),
    nextResponseDueAt: iso(r.nextResponseDueAt),
    resolutionDueAt: iso(r.resolutionDueAt),
    resolvedAt: iso(r.resolvedAt),
    pausedAt: iso(r.slaPausedAt),
    dueAt: iso(r.slaDueAt),
    breached: slaClock.breachedTargets(clockOf(r), new Date()),
  };
}

export function toTicket(r: TicketView, customerName: string | null, policyName: string | null = null): Ticket {
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    description: r.description,
    type: r.type as Ticket['type'],
    priority: r.priority as Ticket['priority'],
    status: r.status as TicketStatus,
    channel: r.channel as Ticket['channel'],
    category: r.category,
    faultCode: r.faultCode,
    customerId: r.customerId,
    customerName,
    assigneeId: r.assigneeId,
    teamId: r.teamId,
    tags: r.tags,
    customFields: r.customFields as Ticket['customFields'],
    externalId: r.externalId,
    sla: slaState(r, policyName),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function withCustomerNames(q: Queryable, tenantId: string, rs: TicketRow[]): Promise<Ticket[]> {
  const customers = await getCustomers(q, tenantId, rs.map((r) => r.customerId).filter((x): x is string => !!x));
  const names = new Map(customers.map((c) => [c.id, c.name]));
  const policies = await policyNames(q, tenantId, rs.map((r) => r.slaPolicyId).filter((x): x is string => !!x));
  return rs.map((r) => {
    const t = toTicket(r, r.customerId ? (names.get(r.customerId) ?? null) : null);
    return r.slaPolicyId ? { ...t, sla: { ...t.sla, policyName: policies.get(r.slaPolicyId) ?? null } } : t;
  });
}

export async function loadTicketRow(q: Queryable, tenantId: string, id: string, lock = false): Promise<TicketRow | undefined> {
  const query = q.select(ticketColumns).from(tickets).where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Ticket events are the ticket's own history (the audit log keeps the security view). */
export async function addEvent(tx: Tx, ctx: Ctx, ticketId: string, type: string, data: unknown, at?: Date): Promise<void> {
  await tx.insert(ticketEvents).values({ tenantId: ctx.tenantId, ticketId, type, actorUserId: ctx.actor.userId, actorName: ctx.actor.name, data: data ?? {}, ...(at ? { at } : {}) });
}

export async function assertRefs(q: Queryable, ctx: Ctx, input: { assigneeId?: string | null; teamId?: string | null }) {
  if (input.assigneeId) {
    const [u] = await q.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, input.assigneeId), eq(users.active, true)));
    if (!u) throw fieldError('assigneeId', 'not_found', 422);
  }
  if (input.teamId) {
    const [t] = await q.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, input.teamId)));
    if (!t) throw fieldError('teamId', 'not_found', 422);
  }
}


export interface CreateOptions {
  /** import: the original creation time */
  createdAt?: Date;
  externalId?: string;
  /** a number already taken from the tenant's counter (see createTicket) */
  seq?: number;
}

// The create itself (settings cache, one-statement write) lives in ticket-create.ts.
export { createTicket, createTicketInTx } from './ticket-create.ts';

export async function getTicket(ctx: Ctx, id: string): Promise<TicketDetail> {
  const detail = await readTicketDetail(ctx.db, ctx.tenantId, id);
  if (!detail) throw notFound();
  return detail;
}

/** The ticket page as the JSON text of `TicketDetail` (ticket-read.ts); 404 when the tenant has no such ticket. */
export async function getTicketJson(ctx: Ctx, id: string): Promise<string> {
  const detail = await readTicketDetailJson(ctx.db, ctx.tenantId, id);
  if (detail === null) throw notFound();
  return detail;
}

/** Applies a status change to the SLA clock and the ticket's timestamps. */
export function statusChange(row: TicketRow, to: TicketStatus, sla: SlaContext | null, at: Date) {
  const from = row.status as TicketStatus;
  if (!canTransition(from, to)) throw new AppError(422, 'invalid_transition', { from, to }, { fieldErrors: [{ path: 'status', code: 'errors.invalid_transition', params: { from, to } }] });
  const reopening = (from === 'resolved' || from === 'closed') && to === 'open';
  if (reopening) {
    const since = row.closedAt ?? row.resolvedAt ?? row.updatedAt;
    if (at.getTime() - since.getTime() > REOPEN_WINDOW_DAYS * 86_400_000) throw new AppError(422, 'reopen_window_passed', { days: REOPEN_WINDOW_DAYS });
  }
  let clock = clockOf(row);
  if (sla) {
    if (to === 'pending') clock = slaClock.paused(clock, at);
    else if (from === 'pending') clock = slaClock.resumed(clock, sla.rules, at);
    if (to === 'resolved' || to === 'closed') clock = slaClock.resolved(clock, at);
  } else if (to === 'resolved' || to === 'closed') {
    clock = { ...clock, resolvedAt: clock.resolvedAt ?? at };
  }
  return {
    clock,
    reopening,
    columns: { status: to, ...clockColumns(clock), ...(to === 'closed' ? { closedAt: at } : {}), ...(reopening ? { reopenCount: row.reopenCount + 1, closedAt: null } : {}) },
  };
}

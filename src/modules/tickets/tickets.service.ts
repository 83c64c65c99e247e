import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { searchQuery } from '../../platform/search/search.ts';
import { customers, getCustomers } from '../customers/index.ts';
import { policyNames, slaClock, slaPolicies } from '../sla/index.ts';
import { ticketEvents, tickets } from './tickets.schema.ts';
import { canTransition, type SlaState, type Ticket, type TicketDetail, type TicketListQuery, type TicketStatus } from './tickets.contract.ts';
import { clockColumns, clockOf, type SlaContext } from './ticket-sla.ts';
import { readTicketDetail } from './ticket-read.ts';

/** Rows as services use them: everything but the search vector, the widest column, which only search reads. */
export type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector'>;
const { searchVector: _searchVector, ...ticketColumns } = getTableColumns(tickets);
export { ticketColumns };
/**
 * What toTicket reads: the lists and the ticket page select only these. Every column selected costs row
 * mapping for each of a page's 51 rows; the others (counters, escalation, merge links) serve writes and jobs.
 */
const { tenantId: _tenantId, seq: _seq, closedAt: _closedAt, slaBreaches: _slaBreaches, reopenCount: _reopenCount, escalationLevel: _escalationLevel, escalatedFromTeamId: _escalatedFrom, mergedIntoId: _mergedIntoId, ...ticketViewColumns } =
  ticketColumns;
export { ticketViewColumns };
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

/**
 * List rows carry the customer's and the policy's names by join: withCustomerNames cost three more round
 * trips per page (customers, their identities, policies), for two names.
 */
const listed = ({ customerName, policyName, ...row }: TicketView & { customerName: string | null; policyName: string | null }): Ticket =>
  toTicket(row, row.customerId ? customerName : null, row.slaPolicyId ? policyName : null);
// Built on first use, not at load: the customers and sla modules import this one back (through tiers and
// the import), so at load time their tables may not be defined yet.
let listJoin: { columns: typeof ticketViewColumns & { customerName: typeof customers.name; policyName: typeof slaPolicies.name }; customer: SQL; policy: SQL } | undefined;
function listParts() {
  // the joins stay within the ticket's tenant like every other read
  listJoin ??= {
    columns: { ...ticketViewColumns, customerName: customers.name, policyName: slaPolicies.name },
    customer: and(eq(customers.tenantId, tickets.tenantId), eq(customers.id, tickets.customerId)) as SQL,
    policy: and(eq(slaPolicies.tenantId, tickets.tenantId), eq(slaPolicies.id, tickets.slaPolicyId)) as SQL,
  };
  return listJoin;
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

export async function listTickets(ctx: Ctx, q: TicketListQuery) {
  const conds: SQL[] = [eq(tickets.tenantId, ctx.tenantId)];
  if (q.status?.length) conds.push(inArray(tickets.status, q.status));
  if (q.type?.length) conds.push(inArray(tickets.type, q.type));
  if (q.priority?.length) conds.push(inArray(tickets.priority, q.priority));
  if (q.teamId) conds.push(eq(tickets.teamId, q.teamId));
  if (q.customerId) conds.push(eq(tickets.customerId, q.customerId));
  if (q.tag) conds.push(sql`${q.tag} = any(${tickets.tags})`);
  if (q.assignee === 'none') conds.push(sql`${tickets.assigneeId} is null`);
  else if (q.assignee === 'me') conds.push(ctx.actor.userId ? eq(tickets.assigneeId, ctx.actor.userId) : sql`false`);
  else if (q.assignee) conds.push(eq(tickets.assigneeId, q.assignee));

  const tsq = q.q ? searchQuery(q.q) : null;
  if (q.q && !tsq) return { items: [], nextCursor: null };
  if (tsq) {
    // One index scan: the ticket's vector holds its messages' text too (ticket-text.ts); the number is an exact
    // match on its unique index, which PostgreSQL ORs with the text index (BitmapOr).
    conds.push(sql`(${tickets.searchVector} @@ ${tsq} or ${tickets.number} = ${q.q!.toUpperCase()})`);
    const rank = sql<number>`ts_rank(${tickets.searchVector}, ${tsq})`;
    const after = decodeCursor(q.cursor, ['number', 'string', 'string']);
    if (after) conds.push(sql`(${rank}, ${tickets.createdAt}, ${tickets.id}) < (${after[0]}::real, ${after[1]}::timestamptz, ${after[2]}::uuid)`);
    // The page's hits first, by rank, then their columns and names for those 50 only: joined before the sort,
    // the customer and policy would be looked up for every hit (thousands for a common word).
    const hits = await ctx.db
      .select({ id: tickets.id, createdAt: tickets.createdAt, rank })
      .from(tickets)
      .where(and(...conds))
      .orderBy(desc(rank), desc(tickets.createdAt), desc(tickets.id))
      .limit(q.limit + 1);
    const p = toPage(hits, q.limit, (r) => [r.rank, r.createdAt.toISOString(), r.id]);
    const { columns, customer, policy } = listParts();
    const rs = p.items.length
      ? await ctx.db.select(columns).from(tickets).leftJoin(customers, customer).leftJoin(slaPolicies, policy).where(and(eq(tickets.tenantId, ctx.tenantId), inArray(tickets.id, p.items.map((h) => h.id))))
      : [];
    const byId = new Map(rs.map((r) => [r.id, r]));
    return { items: p.items.flatMap((h) => (byId.has(h.id) ? [listed(byId.get(h.id)!)] : [])), nextCursor: p.nextCursor };
  }

  let order: SQL[];
  let keyOf: (r: TicketView) => (string | number)[];
  if (q.sort === 'sla_due') {
    // tickets with no running target last; written as NULLS LAST (not coalesce) so the queue index serves it
    const after = decodeCursor(q.cursor, ['string', 'string']);
    if (after && after[0] === 'none') conds.push(sql`(${tickets.slaDueAt} is null and ${tickets.id} > ${after[1]}::uuid)`);
    else if (after)
      conds.push(sql`(${tickets.slaDueAt} > ${after[0]}::timestamptz or (${tickets.slaDueAt} = ${after[0]}::timestamptz and ${tickets.id} > ${after[1]}::uuid) or ${tickets.slaDueAt} is null)`);
    order = [sql`${tickets.slaDueAt} asc nulls last`, asc(tickets.id)];
    keyOf = (r) => [r.slaDueAt ? r.slaDueAt.toISOString() : 'none', r.id];
  } else {
    const col = q.sort === 'updated_desc' ? tickets.updatedAt : tickets.createdAt;
    const after = decodeCursor(q.cursor, ['string', 'string']);
    if (after) conds.push(sql`(${col}, ${tickets.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    order = [desc(col), desc(tickets.id)];
    keyOf = (r) => [(q.sort === 'updated_desc' ? r.updatedAt : r.createdAt).toISOString(), r.id];
  }
  const { columns, customer, policy } = listParts();
  const rs = await ctx.db.select(columns).from(tickets).leftJoin(customers, customer).leftJoin(slaPolicies, policy).where(and(...conds)).orderBy(...order).limit(q.limit + 1);
  const p = toPage(rs, q.limit, keyOf);
  return { items: p.items.map(listed), nextCursor: p.nextCursor };
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

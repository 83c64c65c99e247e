import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { nextNumber } from '../../platform/tenancy/tenancy.service.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { searchQuery, searchVector } from '../../platform/search/search.ts';
import { contactProblems, getCustomers, resolveCustomer } from '../customers/index.ts';
import { policyNames, slaClock } from '../sla/index.ts';
import { ticketEvents, ticketMessages, tickets } from './tickets.schema.ts';
import { canTransition, type CreateTicket, type SlaState, type Ticket, type TicketDetail, type TicketListQuery, type TicketStatus } from './tickets.contract.ts';
import { clockColumns, clockOf, scheduleChecks, slaForNewTicket, type SlaContext } from './ticket-sla.ts';
import { pickAssignee } from './routing.service.ts';
import { checkCustomFields } from './custom-fields.service.ts';
import { readTicketDetail } from './ticket-read.ts';

/** Rows as services use them: everything but the search vector, the widest column, which only search reads. */
export type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector'>;
const { searchVector: _searchVector, ...ticketColumns } = getTableColumns(tickets);
export { ticketColumns };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Days after resolution within which a ticket may be reopened (a tenant setting later). */
export const REOPEN_WINDOW_DAYS = 30;

export function slaState(r: TicketRow, policyName: string | null = null): SlaState {
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

export function toTicket(r: TicketRow, customerName: string | null): Ticket {
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
    sla: slaState(r),
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

export function ticketSearchText(r: Pick<TicketRow, 'number' | 'subject' | 'description'>, customer: { name?: string | null; identities?: string[] }) {
  return { title: `${r.number} ${r.subject}`, body: `${r.description} ${customer.name ?? ''} ${(customer.identities ?? []).join(' ')}` };
}

export interface CreateOptions {
  /** import: the original creation time */
  createdAt?: Date;
  externalId?: string;
  /** a number already taken from the tenant's counter (see createTicket) */
  seq?: number;
}

/** The API's create: contact details that cannot be used are a field error, not silently dropped. */
export async function createTicket(ctx: Ctx, input: CreateTicket, opts: CreateOptions = {}): Promise<Ticket> {
  const problems = input.customer ? contactProblems(input.customer) : [];
  if (problems.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: problems.map((p) => ({ path: `customer.${p.field}`, code: `errors.${p.code}` })) });
  await checkCustomFields(ctx.db, ctx, input.type, input.customFields);
  await assertRefs(ctx.db, ctx, input);
  // The number is taken in its own short statement before the transaction: taken inside it, the tenant's
  // counter row stayed locked for the whole create and serialised every create of the tenant (108/s at c=16).
  // A create that fails after this point leaves a gap in the numbering, as a PostgreSQL sequence would.
  const seq = await nextNumber(ctx.db, ctx.tenantId, 'ticket');
  return ctx.tx(async (tx) => (await createTicketInTx(tx, ctx, input, { ...opts, seq })).ticket);
}

export async function createTicketInTx(tx: Tx, ctx: Ctx, input: CreateTicket, opts: CreateOptions = {}): Promise<{ ticket: Ticket; row: TicketRow }> {
  if (opts.seq === undefined) await assertRefs(tx, ctx, input);
  const createdAt = opts.createdAt ?? new Date();
  let customerId = input.customerId ?? null;
  if (!customerId && input.customer) customerId = await resolveCustomer(tx, ctx, input.customer);
  const [customer] = customerId ? await getCustomers(tx, ctx.tenantId, [customerId]) : [];
  if (input.customerId && !customer) throw fieldError('customerId', 'not_found', 422);
  const sla: SlaContext | null = await slaForNewTicket(tx, ctx.tenantId, { type: input.type, priority: input.priority, channel: input.channel, tier: customer?.tier ?? 'regular' });
  const clock = sla ? slaClock.startClock(sla.rules, sla.policy, createdAt) : slaClock.emptyClock;
  // routing (VIP dedicated agent, round robin, least loaded, skills) only for live tickets, not imports
  const assigneeId =
    input.assigneeId ?? (opts.createdAt ? null : await pickAssignee(tx, ctx.tenantId, { teamId: input.teamId ?? null, customerId, tags: input.tags, customFields: input.customFields, category: input.category ?? null }));
  const seq = opts.seq ?? (await nextNumber(tx, ctx.tenantId, 'ticket'));
  const year = DateTime.fromJSDate(createdAt, { zone: ctx.timeZone }).year;
  const number = `T-${year}-${String(seq).padStart(6, '0')}`;
  const text = ticketSearchText({ number, subject: input.subject, description: input.description }, { name: customer?.name, identities: customer?.identities.map((i) => i.value) });
  const [row] = await tx
    .insert(tickets)
    .values({
      tenantId: ctx.tenantId,
      seq,
      number,
      subject: input.subject,
      description: input.description,
      type: input.type,
      priority: input.priority,
      channel: input.channel,
      category: input.category ?? null,
      faultCode: input.faultCode ?? null,
      customerId,
      assigneeId,
      teamId: input.teamId ?? null,
      tags: [...new Set(input.tags)],
      customFields: input.customFields,
      externalId: opts.externalId ?? null,
      slaPolicyId: sla?.policy.id ?? null,
      slaCalendarId: sla?.policy.calendarId ?? null,
      ...clockColumns(clock),
      searchVector: sql`${searchVector(text.title, 'A')} || ${searchVector(text.body, 'B')}`,
      createdAt,
      updatedAt: createdAt,
    })
    .returning();
  const base = toTicket(row, customer?.name ?? null);
  const ticket = { ...base, sla: { ...base.sla, policyName: sla?.policy.name ?? null } };
  await addEvent(tx, ctx, row.id, 'created', { channel: input.channel, status: row.status, sla: sla?.policy.name ?? null }, createdAt);
  await recordChange(tx, ctx, { action: 'created', entityType: 'ticket', entityId: row.id, after: ticket });
  if (sla && !opts.createdAt) await scheduleChecks(tx, ctx.tenantId, row.id, clock, sla.policy.warnAtPercent, createdAt);
  return { ticket, row };
}

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
    // The hits are the union of three tenant-bounded index scans (ticket text, ticket number, message text),
    // joined back by primary key. Written as one OR, the message part became a hashed SubPlan that PostgreSQL
    // can only apply row by row: a sequential scan of every tenant's tickets, 5–10 s at a million tickets.
    conds.push(sql`${tickets.id} in (
      select t.id from ${tickets} t where t.tenant_id = ${ctx.tenantId} and t.search_vector @@ ${tsq}
      union all
      select t.id from ${tickets} t where t.tenant_id = ${ctx.tenantId} and t.number = ${q.q!.toUpperCase()}
      union all
      select m.ticket_id from ${ticketMessages} m where m.tenant_id = ${ctx.tenantId} and m.search_vector @@ ${tsq})`);
    const rank = sql<number>`ts_rank(${tickets.searchVector}, ${tsq})`;
    const after = decodeCursor(q.cursor, ['number', 'string', 'string']);
    if (after) conds.push(sql`(${rank}, ${tickets.createdAt}, ${tickets.id}) < (${after[0]}::real, ${after[1]}::timestamptz, ${after[2]}::uuid)`);
    const rs = await ctx.db
      .select({ ...ticketColumns, rank })
      .from(tickets)
      .where(and(...conds))
      .orderBy(desc(rank), desc(tickets.createdAt), desc(tickets.id))
      .limit(q.limit + 1);
    const p = toPage(rs, q.limit, (r) => [r.rank, r.createdAt.toISOString(), r.id]);
    return { items: await withCustomerNames(ctx.db, ctx.tenantId, p.items.map(({ rank: _rank, ...row }) => row)), nextCursor: p.nextCursor };
  }

  let order: SQL[];
  let keyOf: (r: TicketRow) => (string | number)[];
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
  const rs = await ctx.db.select(ticketColumns).from(tickets).where(and(...conds)).orderBy(...order).limit(q.limit + 1);
  const p = toPage(rs, q.limit, keyOf);
  return { items: await withCustomerNames(ctx.db, ctx.tenantId, p.items), nextCursor: p.nextCursor };
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

export async function refreshSearch(tx: Tx, r: TicketRow): Promise<void> {
  const [customer] = r.customerId ? await getCustomers(tx, r.tenantId, [r.customerId]) : [];
  const text = ticketSearchText(r, { name: customer?.name, identities: customer?.identities.map((i) => i.value) });
  await tx
    .update(tickets)
    .set({ searchVector: sql`${searchVector(text.title, 'A')} || ${searchVector(text.body, 'B')}` })
    .where(and(eq(tickets.tenantId, r.tenantId), eq(tickets.id, r.id)));
}

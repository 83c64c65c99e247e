import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { can } from '../../platform/auth/roles.contract.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { auditLog } from '../../platform/audit/audit.schema.ts';
import { addressesOf, consentsOf, customers, getCustomer, notesOf, serviceStandardFor, tierHistoryOf } from '../customers/index.ts';
import { customerClv, listCustomerOrders } from '../orders/index.ts';
import { tickets } from '../tickets/index.ts';
import { listCustomerCallTasks, listCustomerMessages } from '../campaigns/index.ts';
import { buildTimeline } from './timeline.ts';
import type { Customer360, TicketSummary } from './customer360.contract.ts';

/** Caps per section: the page shows the recent ones and the totals; full lists live on their own pages. */
export const limits = { orders: 50, tickets: 50, messages: 50, notes: 50, tierHistory: 30, contacts: 50, changes: 30, timeline: 150 } as const;

async function ticketsOf(ctx: Ctx, customerId: string) {
  const where = and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.customerId, customerId));
  const [items, counts] = await Promise.all([
    ctx.db
      .select({
        id: tickets.id,
        number: tickets.number,
        subject: tickets.subject,
        type: tickets.type,
        status: tickets.status,
        priority: tickets.priority,
        channel: tickets.channel,
        createdAt: tickets.createdAt,
        resolvedAt: tickets.resolvedAt,
      })
      .from(tickets)
      .where(where)
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(limits.tickets),
    ctx.db
      .select({
        total: sql<number>`count(*)::int`,
        open: sql<number>`count(*) filter (where ${tickets.status} in ('new', 'open', 'pending', 'on_hold'))::int`,
        complaints: sql<number>`count(*) filter (where ${tickets.type} = 'complaint')::int`,
      })
      .from(tickets)
      .where(where),
  ]);
  const summary: TicketSummary[] = items.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), resolvedAt: t.resolvedAt?.toISOString() ?? null }));
  return { items: summary, total: Number(counts[0]?.total ?? 0), open: Number(counts[0]?.open ?? 0), complaints: Number(counts[0]?.complaints ?? 0) };
}

/** The customer's own change history (created, profile edits, consents, merges) from the audit log. */
async function changesOf(ctx: Ctx, customerId: string) {
  const rs = await ctx.db
    .select({ action: auditLog.action, at: auditLog.at, actorName: auditLog.actorName, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, ctx.tenantId), eq(auditLog.entityType, 'customer'), eq(auditLog.entityId, customerId)))
    .orderBy(desc(auditLog.at))
    .limit(limits.changes);
  return rs.map((r) => ({ action: r.action, at: r.at.toISOString(), actorName: r.actorName, after: r.after }));
}

async function relatedCustomers(ctx: Ctx, customerId: string, companyId: string | null) {
  const t = ctx.tenantId;
  // one statement for the company, its contacts and the customers merged into this one
  const rs = await rows<{ rel: string; id: string; name: string; tier: string }>(
    ctx.db,
    sql`(select 'company' as rel, id, name, tier from ${customers} where tenant_id = ${t} and id = ${companyId ?? null}::uuid)
        union all
        (select 'contact', id, name, tier from ${customers} where tenant_id = ${t} and company_id = ${customerId} and merged_into_id is null order by name limit ${limits.contacts})
        union all
        (select 'merged', id, name, tier from ${customers} where tenant_id = ${t} and merged_into_id = ${customerId} order by name limit 50)`,
  );
  const pick = (rel: string) => rs.filter((r) => r.rel === rel).map(({ id, name, tier }) => ({ id, name, tier }));
  return { company: pick('company')[0] ?? null, contacts: pick('contact'), mergedFrom: pick('merged').map(({ id, name }) => ({ id, name })) };
}

async function userNames(ctx: Ctx, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map<string, string>();
  const rs = await ctx.db.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, wanted)));
  return new Map(rs.map((u) => [u.id, u.name]));
}

/**
 * The customer 360 in one call. Designed for a customer with hundreds of orders and tickets: every
 * section is a capped, indexed query by (tenant, customer), and the sections run side by side (on
 * PostgreSQL each on its own pooled connection), so the page costs two round-trip waves, not one per row.
 */
export async function customer360(ctx: Ctx, id: string): Promise<Customer360> {
  let customer = await getCustomer(ctx, id);
  let redirectedFrom: string | null = null;
  if (customer.mergedIntoId) {
    redirectedFrom = customer.id;
    customer = await getCustomer(ctx, customer.mergedIntoId);
  }
  const cid = customer.id;
  const roles = ctx.actor.roles;
  const [names, related, addresses, consents, notes, service, tierHistory, purchases, ticketPart, messages, callTasks, changes] = await Promise.all([
    userNames(ctx, [customer.ownerId, customer.dedicatedAgentId]),
    relatedCustomers(ctx, cid, customer.companyId),
    addressesOf(ctx.db, ctx.tenantId, cid),
    consentsOf(ctx.db, ctx.tenantId, cid),
    notesOf(ctx.db, ctx.tenantId, cid, limits.notes),
    serviceStandardFor(ctx.db, ctx.tenantId, cid),
    tierHistoryOf(ctx, cid, limits.tierHistory),
    can(roles, 'orders.read')
      ? Promise.all([listCustomerOrders(ctx, cid, { limit: limits.orders }), customerClv(ctx, cid)]).then(([orders, clv]) => ({ orders, total: customer.ordersCount, clv }))
      : Promise.resolve(null),
    can(roles, 'tickets.read') ? ticketsOf(ctx, cid) : Promise.resolve(null),
    listCustomerMessages(ctx, cid, { limit: limits.messages }),
    listCustomerCallTasks(ctx, cid),
    changesOf(ctx, cid),
  ]);
  const user = (uid: string | null) => (uid && names.has(uid) ? { id: uid, name: names.get(uid) as string } : null);
  return {
    customer,
    redirectedFrom,
    owner: user(customer.ownerId),
    dedicatedAgent: user(customer.dedicatedAgentId),
    ...related,
    addresses,
    consents,
    notes,
    service,
    tierHistory,
    purchases,
    tickets: ticketPart,
    messages,
    callTasks,
    timeline: buildTimeline({ orders: purchases?.orders ?? [], tickets: ticketPart?.items ?? [], messages, callTasks, notes, tierHistory, changes }, limits.timeline),
  };
}

/** 404 unless the id is one of this tenant's customers (for routes that act on a customer's parts). */
export async function assertCustomerExists(ctx: Ctx, id: string): Promise<void> {
  const [c] = await ctx.db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, id)));
  if (!c) throw notFound();
}

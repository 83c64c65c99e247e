import { and, desc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows } from '../../platform/db/db.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { configGenerationSql, toGeneration } from '../../platform/tenancy/config-generation.ts';
import { notFound } from '../../platform/http/errors.ts';
import { can } from '../../platform/auth/roles.contract.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { auditLog } from '../../platform/audit/audit.schema.ts';
import { addressesOf, consentsOf, customers, getCustomer, notesOf, serviceStandardFor, tierHistoryOf, type Customer } from '../customers/index.ts';
import { customerClv, listCustomerOrders } from '../orders/index.ts';
import { tickets } from '../tickets/index.ts';
import { listCustomerCallTasks, listCustomerMessages } from '../campaigns/index.ts';
import { buildTimeline } from './timeline.ts';
import type { Customer360, CustomerRef, TicketSummary } from './customer360.contract.ts';

/** Caps per section: the page shows the recent ones and the totals; full lists live on their own pages. */
export const limits = { orders: 50, tickets: 50, messages: 50, notes: 50, tierHistory: 30, contacts: 50, changes: 30, timeline: 150 } as const;

type TicketRowAndCounts = {
  total: number;
  open: number;
  complaints: number;
  id: string | null;
  number: string;
  subject: string;
  type: string;
  status: string;
  priority: string;
  channel: string;
  created_at: string | Date;
  resolved_at: string | Date | null;
};

/** A timestamptz of a raw row (the drivers hand them over as text) in the API's form. */
const iso = (v: string | Date): string => new Date(v).toISOString();

/** The newest tickets and the counts in one statement (no tickets: one row of counts, ticket columns null). */
async function ticketsOf(ctx: Ctx, customerId: string) {
  const t = ctx.tenantId;
  const rs = await rows<TicketRowAndCounts>(
    ctx.db,
    sql`select n.total, n.open, n.complaints, x.id, x.number, x.subject, x.type, x.status, x.priority, x.channel, x.created_at, x.resolved_at
        from (select count(*)::int as total,
                     count(*) filter (where status in ('new', 'open', 'pending', 'on_hold'))::int as open,
                     count(*) filter (where type = 'complaint')::int as complaints
              from ${tickets} where tenant_id = ${t} and customer_id = ${customerId}) n
        left join lateral (select id, number, subject, type, status, priority, channel, created_at, resolved_at from ${tickets}
              where tenant_id = ${t} and customer_id = ${customerId} order by created_at desc, id desc limit ${limits.tickets}) x on true`,
  );
  const items: TicketSummary[] = [];
  for (const r of rs) {
    if (r.id === null) continue;
    items.push({
      id: r.id,
      number: r.number,
      subject: r.subject,
      type: r.type,
      status: r.status,
      priority: r.priority,
      channel: r.channel,
      createdAt: iso(r.created_at),
      resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
    });
  }
  const n = rs[0];
  return { items, total: Number(n?.total ?? 0), open: Number(n?.open ?? 0), complaints: Number(n?.complaints ?? 0) };
}

const changesQuery = preparedPerDb((q) =>
  q
    .select({ action: auditLog.action, at: auditLog.at, actorName: auditLog.actorName, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, sql.placeholder('tenantId')), eq(auditLog.entityType, 'customer'), eq(auditLog.entityId, sql.placeholder('customerId'))))
    .orderBy(desc(auditLog.at))
    .limit(limits.changes)
    .prepare('customer_360_changes'),
);

/** The customer's own change history (created, profile edits, consents, merges) from the audit log. */
async function changesOf(ctx: Ctx, customerId: string) {
  const rs = await changesQuery(ctx.db).execute({ tenantId: ctx.tenantId, customerId });
  return rs.map((r) => ({ action: r.action, at: r.at.toISOString(), actorName: r.actorName, after: r.after }));
}

/**
 * One statement for the company, its contacts, the customers merged into this one, the names of the
 * customer's owner and dedicated agent, and the tenant's settings generation (always one row; its value in
 * `name`, null for a tenant that never wrote its settings), against which the CLV settings are cached.
 */
async function relatedOf(ctx: Ctx, c: Customer) {
  const t = ctx.tenantId;
  const rs = await rows<{ rel: 'company' | 'contact' | 'merged' | 'user' | 'generation'; id: string; name: string; tier: string }>(
    ctx.db,
    sql`(select 'company' as rel, id, name, tier from ${customers} where tenant_id = ${t} and id = ${c.companyId}::uuid)
        union all
        (select 'contact', id, name, tier from ${customers} where tenant_id = ${t} and company_id = ${c.id} and merged_into_id is null order by name limit ${limits.contacts})
        union all
        (select 'merged', id, name, tier from ${customers} where tenant_id = ${t} and merged_into_id = ${c.id} order by name limit 50)
        union all
        (select 'user', id, name, '' from ${users} where tenant_id = ${t} and id in (${c.ownerId}::uuid, ${c.dedicatedAgentId}::uuid))
        union all
        (select 'generation', null::uuid, ${configGenerationSql(t)}::text, '')`,
  );
  let company: CustomerRef | null = null;
  const contacts: CustomerRef[] = [];
  const mergedFrom: { id: string; name: string }[] = [];
  const names = new Map<string, string>();
  let generation = 0;
  for (const r of rs) {
    if (r.rel === 'generation') generation = toGeneration(r.name);
    else if (r.rel === 'user') names.set(r.id, r.name);
    else if (r.rel === 'merged') mergedFrom.push({ id: r.id, name: r.name });
    else if (r.rel === 'contact') contacts.push({ id: r.id, name: r.name, tier: r.tier });
    else company ??= { id: r.id, name: r.name, tier: r.tier };
  }
  const user = (uid: string | null) => {
    const name = uid ? names.get(uid) : undefined;
    return uid && name !== undefined ? { id: uid, name } : null;
  };
  return { company, contacts, mergedFrom, owner: user(c.ownerId), dedicatedAgent: user(c.dedicatedAgentId), generation };
}

/**
 * The customer 360 in one call. Designed for a customer with hundreds of orders and tickets: every
 * section is a capped, indexed query by (tenant, customer), and the sections run side by side (on
 * PostgreSQL each on its own pooled connection), so the page costs two round-trip waves, not one per row.
 * The customer read first is handed to the sections that need its fields, which do not read it again.
 *
 * The route writes the result with JSON.stringify (serialize.ts plainResponse): every object here is built
 * with exactly the contract's keys in the contract's order (customer360.page.test.ts compares with zod's encoding).
 */
export async function customer360(ctx: Ctx, id: string): Promise<Customer360> {
  let customer = await getCustomer(ctx, id);
  let redirectedFrom: string | null = null;
  if (customer.mergedIntoId) {
    redirectedFrom = customer.id;
    customer = await getCustomer(ctx, customer.mergedIntoId);
  }
  const c = customer;
  const cid = c.id;
  const roles = ctx.actor.roles;
  // the CLV waits for this statement's settings generation rather than read its settings in a query of its own
  const relatedP = relatedOf(ctx, c);
  const [related, addresses, consents, notes, service, tierHistory, purchases, ticketPart, messages, callTasks, changes] = await Promise.all([
    relatedP,
    addressesOf(ctx.db, ctx.tenantId, cid),
    consentsOf(ctx.db, ctx.tenantId, cid),
    notesOf(ctx.db, ctx.tenantId, cid, limits.notes),
    serviceStandardFor(ctx.db, ctx.tenantId, cid, c),
    tierHistoryOf(ctx, cid, limits.tierHistory, c),
    can(roles, 'orders.read')
      ? Promise.all([listCustomerOrders(ctx, cid, { limit: limits.orders, customerName: c.name }), relatedP.then((r) => customerClv(ctx, cid, new Date(), c, r.generation))]).then(([orders, clv]) => ({ orders, total: c.ordersCount, clv }))
      : Promise.resolve(null),
    can(roles, 'tickets.read') ? ticketsOf(ctx, cid) : Promise.resolve(null),
    listCustomerMessages(ctx, cid, { limit: limits.messages }),
    listCustomerCallTasks(ctx, cid),
    changesOf(ctx, cid),
  ]);
  return {
    customer: c,
    redirectedFrom,
    owner: related.owner,
    dedicatedAgent: related.dedicatedAgent,
    company: related.company,
    contacts: related.contacts,
    addresses,
    consents,
    notes,
    mergedFrom: related.mergedFrom,
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

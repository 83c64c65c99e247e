import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { orders } from './orders.schema.ts';

/**
 * Recomputes the purchase aggregates on `customers` from the orders, set-based (one statement for any number
 * of customers; the import calls it after bulk inserts):
 *  - orders_count, first_order_at, last_order_at: orders that still count (not cancelled, not fully refunded);
 *  - revenue_fen: net revenue after refunds, Σ (total − refunded);
 *  - clv_fen: historical CLV, Σ over lines of net revenue − net cost, a line of unknown cost counting its
 *    revenue (see clv.contract.ts). Net revenue is total − refunded_fen, the money every adjustment returned
 *    on the line, so an amount refund (price protection, goodwill) lowers CLV by exactly its amount while
 *    the cost of the units the customer keeps stays.
 * Customers without orders get zeros. The ids travel as one text parameter, so there is no parameter limit.
 * Aggregates do not bump the customer's `version`: they are not an edit, and must not make a form stale.
 */
export async function refreshCustomerAggregates(q: Queryable, tenantId: string, customerIds: string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  const idList = ids.join(',');
  // Lock the customers first, in a statement of its own: two transactions adding orders for the same
  // customer then run the recount one after the other, and the second one's snapshot (taken when its
  // UPDATE starts, after the lock) sees the first one's committed order instead of overwriting it.
  await q.execute(sql`select 1 from customers where tenant_id = ${tenantId} and id = any(string_to_array(${idList}, ',')::uuid[]) order by id for update`);
  await q.execute(sql`
    with ids as (select distinct unnest(string_to_array(${idList}, ','))::uuid as id),
    o as (
      select o.customer_id,
        count(*) filter (where o.status not in ('cancelled', 'refunded'))::int as n,
        sum(o.total_fen - o.refunded_fen)::bigint as rev,
        min(o.ordered_at) filter (where o.status not in ('cancelled', 'refunded')) as first_at,
        max(o.ordered_at) filter (where o.status not in ('cancelled', 'refunded')) as last_at
      from orders o
      where o.tenant_id = ${tenantId} and o.customer_id in (select id from ids)
      group by o.customer_id),
    m as (
      select o.customer_id,
        sum((i.total_fen - i.refunded_fen) - coalesce(i.unit_cost_fen * (i.quantity - i.refunded_quantity), 0))::bigint as clv
      from orders o
      join order_items i on i.tenant_id = o.tenant_id and i.order_id = o.id
      where o.tenant_id = ${tenantId} and o.customer_id in (select id from ids)
      group by o.customer_id)
    update customers c
    set orders_count = coalesce(o.n, 0), revenue_fen = coalesce(o.rev, 0), clv_fen = coalesce(m.clv, 0),
        first_order_at = o.first_at, last_order_at = o.last_at
    from ids
    left join o on o.customer_id = ids.id
    left join m on m.customer_id = ids.id
    where c.tenant_id = ${tenantId} and c.id = ids.id`);
}

/**
 * Customer merge: moves every order of `fromId` to `intoId` in the merge's transaction and recomputes both
 * customers' aggregates. Returns the number of orders moved.
 */
export async function reassignCustomer(tx: Tx, ctx: Ctx, fromId: string, intoId: string): Promise<number> {
  if (fromId === intoId) return 0;
  const moved = await tx
    .update(orders)
    .set({ customerId: intoId, version: sql`${orders.version} + 1`, updatedAt: new Date() })
    .where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.customerId, fromId)))
    .returning({ id: orders.id });
  if (moved.length) {
    await writeAudit(tx, ctx, { action: 'reassigned', entityType: 'order', entityId: fromId, before: { customerId: fromId }, after: { customerId: intoId, orderIds: moved.map((m) => m.id) } });
  }
  await refreshCustomerAggregates(tx, ctx.tenantId, [fromId, intoId]);
  return moved.length;
}

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
  const unique = [...new Set(customerIds)];
  if (unique.length === 0) return;
  const idList = unique.join(',');
  // Lock the customers first, in a statement of its own: two transactions adding orders for the same
  // customer then run the recount one after the other, and the second one's snapshot (taken when its
  // UPDATE starts, after the lock) sees the first one's committed order instead of overwriting it.
  const ids = sql`(select distinct unnest(string_to_array(${idList}, ','))::uuid as id) ids`;
  // joined, not `id = any(…)`: a long list made that a sequential scan of the tenant's customers
  await q.execute(sql`select 1 from customers c join ${ids} on c.id = ids.id where c.tenant_id = ${tenantId} order by c.id for update of c`);
  // Per customer, correlated subqueries: every customer costs a few index probes whatever the planner thinks
  // of the id list (joined to grouped CTEs, a misestimated list made it re-scan them per customer: minutes).
  const counts = sql`o.status not in ('cancelled', 'refunded')`;
  await q.execute(sql`
    update customers c
    set (orders_count, revenue_fen, first_order_at, last_order_at) = (
          select count(*) filter (where ${counts})::int, coalesce(sum(o.total_fen - o.refunded_fen), 0)::bigint,
                 min(o.ordered_at) filter (where ${counts}), max(o.ordered_at) filter (where ${counts})
            from orders o
           where o.tenant_id = c.tenant_id and o.customer_id = c.id),
        clv_fen = (
          select coalesce(sum((i.total_fen - i.refunded_fen) - coalesce(i.unit_cost_fen * (i.quantity - i.refunded_quantity), 0)), 0)::bigint
            from orders o
            join order_items i on i.tenant_id = o.tenant_id and i.order_id = o.id
           where o.tenant_id = c.tenant_id and o.customer_id = c.id)
    from ${ids}
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

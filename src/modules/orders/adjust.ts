import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { AppError, fieldError } from '../../platform/http/errors.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { emitEvent } from '../../platform/outbox/outbox.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { orderAdjustments, orderItems, orders } from './orders.schema.ts';
import { refreshCustomerAggregates } from './aggregates.ts';
import { getOrderDetail, loadOrderRow } from './orders.service.ts';
import { canTransition, lineRefundedFen, type CancelOrder, type OrderDetail, type OrderStatus, type RefundOrder } from './orders.contract.ts';

interface LineChange {
  lineNo: number;
  /** units refunded by this adjustment */
  units: number;
  amountFen: number;
}

type Plan = { kind: 'cancel' | 'refund'; lineNo: number | null; quantity: number | null; reason: string; changes: LineChange[] };

/**
 * Cancellations and refunds never edit what was sold: they add an `order_adjustments` row, raise the lines'
 * refunded quantities and the order's refunded amount, and move the status along the transition table.
 * Audit, the `order.adjusted` event and the customer's aggregates join the same transaction.
 */
async function applyAdjustment(tx: Tx, ctx: Ctx, orderId: string, version: number, plan: (order: OrderDetail) => Plan): Promise<OrderDetail> {
  const row = checkVersion(await loadOrderRow(tx, ctx.tenantId, orderId, true), version, 'order');
  const before = await getOrderDetail(tx, ctx.tenantId, orderId);
  const p = plan(before);
  const refunded = new Map(before.items.map((i) => [i.lineNo, i.refundedQuantity]));
  for (const c of p.changes) refunded.set(c.lineNo, (refunded.get(c.lineNo) ?? 0) + c.units);
  const allRefunded = before.items.every((i) => refunded.get(i.lineNo) === i.quantity);
  const to: OrderStatus = p.kind === 'cancel' ? 'cancelled' : allRefunded ? 'refunded' : 'partially_refunded';
  const from = row.status as OrderStatus;
  if (!canTransition(from, to)) throw new AppError(409, 'order_invalid_transition', { from, to });
  const amountFen = p.changes.reduce((s, c) => s + c.amountFen, 0);
  for (const c of p.changes.filter((x) => x.units > 0)) {
    await tx
      .update(orderItems)
      .set({ refundedQuantity: sql`${orderItems.refundedQuantity} + ${c.units}` })
      .where(and(eq(orderItems.tenantId, ctx.tenantId), eq(orderItems.orderId, orderId), eq(orderItems.lineNo, c.lineNo)));
  }
  await tx
    .update(orders)
    .set({ status: to, refundedFen: sql`${orders.refundedFen} + ${amountFen}`, version: sql`${orders.version} + 1`, updatedAt: new Date() })
    .where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.id, orderId)));
  const [adj] = await tx
    .insert(orderAdjustments)
    .values({ tenantId: ctx.tenantId, orderId, kind: p.kind, lineNo: p.lineNo, quantity: p.quantity, amountFen, reason: p.reason, actorId: ctx.actor.userId })
    .returning({ id: orderAdjustments.id });
  const after = await getOrderDetail(tx, ctx.tenantId, orderId);
  await writeAudit(tx, ctx, { action: p.kind === 'cancel' ? 'cancelled' : 'refunded', entityType: 'order', entityId: orderId, before: { status: from, refundedFen: row.refundedFen }, after: { status: to, refundedFen: after.refundedFen, adjustmentId: adj.id, amountFen, lineNo: p.lineNo, quantity: p.quantity } });
  await emitEvent(tx, ctx, 'order.adjusted', 'order', orderId, { orderId, customerId: row.customerId, adjustmentId: adj.id, kind: p.kind, amountFen, status: to });
  await refreshCustomerAggregates(tx, ctx.tenantId, [row.customerId]);
  return after;
}

/** Every unit not refunded yet, line by line. */
function restOfOrder(order: OrderDetail): LineChange[] {
  return order.items
    .filter((i) => i.refundedQuantity < i.quantity)
    .map((i) => ({ lineNo: i.lineNo, units: i.quantity - i.refundedQuantity, amountFen: i.totalFen - lineRefundedFen(i.totalFen, i.quantity, i.refundedQuantity) }));
}

export async function cancelOrder(ctx: Ctx, id: string, input: CancelOrder): Promise<OrderDetail> {
  return ctx.tx((tx) => applyAdjustment(tx, ctx, id, input.version, (order) => ({ kind: 'cancel', lineNo: null, quantity: null, reason: input.reason, changes: restOfOrder(order) })));
}

export async function refundOrder(ctx: Ctx, id: string, input: RefundOrder): Promise<OrderDetail> {
  return ctx.tx((tx) =>
    applyAdjustment(tx, ctx, id, input.version, (order) => {
      if (input.lineNo === undefined) {
        const changes = restOfOrder(order);
        if (changes.length === 0) throw new AppError(409, 'order_nothing_to_refund');
        return { kind: 'refund', lineNo: null, quantity: null, reason: input.reason, changes };
      }
      const line = order.items.find((i) => i.lineNo === input.lineNo);
      if (!line) throw fieldError('lineNo', 'not_found', 422);
      const left = line.quantity - line.refundedQuantity;
      const units = input.quantity ?? left;
      if (left === 0 || units > left) throw fieldError('quantity', 'refund_quantity_exceeds', 422, { remaining: left });
      const amountFen = lineRefundedFen(line.totalFen, line.quantity, line.refundedQuantity + units) - lineRefundedFen(line.totalFen, line.quantity, line.refundedQuantity);
      return { kind: 'refund', lineNo: line.lineNo, quantity: units, reason: input.reason, changes: [{ lineNo: line.lineNo, units, amountFen }] };
    }),
  );
}

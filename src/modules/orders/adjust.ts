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
import {
  canTransition,
  lineRefundableFen,
  spreadAmount,
  unitRefundFen,
  type AdjustmentKind,
  type CancelOrder,
  type OrderDetail,
  type OrderStatus,
  type RefundOrder,
} from './orders.contract.ts';

interface LineChange {
  lineNo: number;
  /** units refunded by this adjustment (0 for an amount refund) */
  units: number;
  amountFen: number;
}

type Plan = { kind: AdjustmentKind; lineNo: number | null; quantity: number | null; reason: string; changes: LineChange[] };

/**
 * Cancellations and refunds never edit what was sold: they add an `order_adjustments` row, raise the lines'
 * refunded quantities and money and the order's refunded amount (Σ of the lines'), and move the status along
 * the transition table. Audit, the `order.adjusted` event and the customer's aggregates join the same transaction.
 */
async function applyAdjustment(tx: Tx, ctx: Ctx, orderId: string, version: number, plan: (order: OrderDetail) => Plan): Promise<OrderDetail> {
  const row = checkVersion(await loadOrderRow(tx, ctx.tenantId, orderId, true), version, 'order');
  const before = await getOrderDetail(tx, ctx.tenantId, orderId);
  const p = plan(before);
  const refunded = new Map(before.items.map((i) => [i.lineNo, i.refundedQuantity]));
  for (const c of p.changes) refunded.set(c.lineNo, (refunded.get(c.lineNo) ?? 0) + c.units);
  const amountFen = p.changes.reduce((s, c) => s + c.amountFen, 0);
  // the rule of orders.contract.ts (orderTransitions): every unit back, or the whole amount back
  const allUnits = before.items.every((i) => refunded.get(i.lineNo) === i.quantity);
  const allMoney = row.totalFen > 0 && row.refundedFen + amountFen >= row.totalFen;
  const to: OrderStatus = p.kind === 'cancel' ? 'cancelled' : allUnits || allMoney ? 'refunded' : 'partially_refunded';
  const from = row.status as OrderStatus;
  if (!canTransition(from, to)) throw new AppError(409, 'order_invalid_transition', { from, to });
  for (const c of p.changes.filter((x) => x.units > 0 || x.amountFen > 0)) {
    await tx
      .update(orderItems)
      .set({ refundedQuantity: sql`${orderItems.refundedQuantity} + ${c.units}`, refundedFen: sql`${orderItems.refundedFen} + ${c.amountFen}` })
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
  await writeAudit(tx, ctx, {
    action: p.kind === 'cancel' ? 'cancelled' : 'refunded',
    entityType: 'order',
    entityId: orderId,
    before: { status: from, refundedFen: row.refundedFen },
    after: { status: to, refundedFen: after.refundedFen, adjustmentId: adj.id, kind: p.kind, amountFen, lineNo: p.lineNo, quantity: p.quantity, lines: p.changes },
  });
  await emitEvent(tx, ctx, 'order.adjusted', 'order', orderId, { orderId, customerId: row.customerId, adjustmentId: adj.id, kind: p.kind, amountFen, status: to });
  await refreshCustomerAggregates(tx, ctx.tenantId, [row.customerId]);
  return after;
}

/** Every unit not refunded yet and every fen still refundable, line by line. */
function restOfOrder(order: OrderDetail): LineChange[] {
  return order.items
    .map((i) => ({ lineNo: i.lineNo, units: i.quantity - i.refundedQuantity, amountFen: lineRefundableFen(i) }))
    .filter((c) => c.units > 0 || c.amountFen > 0);
}

/** Money back without goods: capped by what the line (or the order) still has to refund. */
function amountPlan(order: OrderDetail, input: RefundOrder & { amountFen: number }): Plan {
  // a final order has nothing to refund: the same 409 as any other step the transition table forbids
  if (!canTransition(order.status, 'refunded')) throw new AppError(409, 'order_invalid_transition', { from: order.status, to: 'refunded' });
  const base = { kind: 'amount_refund' as const, quantity: null, reason: input.reason };
  if (input.lineNo !== undefined) {
    const line = order.items.find((i) => i.lineNo === input.lineNo);
    if (!line) throw fieldError('lineNo', 'not_found', 422);
    const left = lineRefundableFen(line);
    if (input.amountFen > left) throw fieldError('amountFen', 'refund_amount_exceeds', 422, { remaining: (left / 100).toFixed(2) });
    return { ...base, lineNo: line.lineNo, changes: [{ lineNo: line.lineNo, units: 0, amountFen: input.amountFen }] };
  }
  const left = order.totalFen - order.refundedFen;
  if (input.amountFen > left) throw fieldError('amountFen', 'refund_amount_exceeds', 422, { remaining: (Math.max(0, left) / 100).toFixed(2) });
  const shares = spreadAmount(order.items.map((i) => ({ lineNo: i.lineNo, leftFen: lineRefundableFen(i) })), input.amountFen);
  return { ...base, lineNo: null, changes: shares.map((s) => ({ lineNo: s.lineNo, units: 0, amountFen: s.amountFen })) };
}

export async function cancelOrder(ctx: Ctx, id: string, input: CancelOrder): Promise<OrderDetail> {
  return ctx.tx((tx) => applyAdjustment(tx, ctx, id, input.version, (order) => ({ kind: 'cancel', lineNo: null, quantity: null, reason: input.reason, changes: restOfOrder(order) })));
}

export async function refundOrder(ctx: Ctx, id: string, input: RefundOrder): Promise<OrderDetail> {
  return ctx.tx((tx) =>
    applyAdjustment(tx, ctx, id, input.version, (order) => {
      const amountFen = input.amountFen;
      if (amountFen !== undefined) {
        if (input.quantity !== undefined) throw fieldError('amountFen', 'refund_amount_with_quantity', 422);
        return amountPlan(order, { ...input, amountFen });
      }
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
      return { kind: 'refund', lineNo: line.lineNo, quantity: units, reason: input.reason, changes: [{ lineNo: line.lineNo, units, amountFen: unitRefundFen(line, units) }] };
    }),
  );
}
